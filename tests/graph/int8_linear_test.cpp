// int8 inference of linear layers (precision.h): exact where quantisation loses nothing, within
// the analytic rounding bound elsewhere, the weights per output channel (a row of tiny weights
// keeps its precision next to a row of large ones), never while gradients are recorded, and
// following weight updates.
#include <gtest/gtest.h>

#include <cmath>

#include "gradient_check.h"
#include "nmt/graph/ops.h"
#include "nmt/graph/precision.h"
#include "skip_unless_cpu_offers.h"

namespace nmt::graph {
namespace {

using testing::random_tensor;

Tensor f32_linear(const Tensor& x, const Tensor& w, const Tensor& b, bool relu) {
  NoGradGuard no_grad;
  const Var bias = b.defined() ? Var::constant(b) : Var();
  return (relu ? linear_relu : linear)(Var::constant(x), Var::constant(w), bias).value();
}

Tensor int8_linear(const Tensor& x, const Var& w, const Tensor& b, bool relu) {
  NoGradGuard no_grad;
  PrecisionGuard int8(Precision::int8);
  const Var bias = b.defined() ? Var::constant(b) : Var();
  return (relu ? linear_relu : linear)(Var::constant(x), w, bias).value();
}

// Integers in [-127, 127] with 127 or -127 in every row; with `halving`, row r scaled by 2^-r:
// every row is exactly its own scale times int8 values, so per-row quantisation of the weights
// loses nothing (one scale for the whole matrix would round the small rows to zero).
Tensor integer_rows(std::int64_t rows, std::int64_t cols, std::uint32_t seed, bool halving = true) {
  Tensor t = random_tensor({rows, cols}, seed, -127.0f, 127.0f);
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t c = 0; c < cols; ++c) {
      float& v = t.data()[r * cols + c];
      v = std::round(v);
      if (c == r % cols) v = r % 2 ? -127.0f : 127.0f;
      if (halving) v = std::ldexp(v, -static_cast<int>(r));
    }
  }
  return t;
}

TEST(Int8Linear, ExactWhereQuantisationLosesNothing) {
  NMT_SKIP_UNLESS_CPU_OFFERS(Precision::int8);
  // The input has one scale for the whole call; the weights one per output channel.
  const Tensor x = integer_rows(6, 40, 1, false), w = integer_rows(9, 40, 2), b = random_tensor({9}, 3);
  for (const bool relu : {false, true}) {
    const Tensor expected = f32_linear(x, w, b, relu);
    const Tensor got = int8_linear(x, Var::constant(w), b, relu);
    ASSERT_EQ(got.shape(), (Shape{6, 9}));
    for (std::int64_t i = 0; i < got.numel(); ++i)
      EXPECT_NEAR(got.data()[i], expected.data()[i], 1e-5f * std::abs(expected.data()[i]) + 1e-6f) << i;
  }
}

TEST(Int8Linear, WithinTheRoundingBoundOfEachProduct) {
  NMT_SKIP_UNLESS_CPU_OFFERS(Precision::int8);
  // |x.w - s_x q_x . s_w q_w| <= sum_i |x_i| s_w / 2 + |w_i| s_x / 2 + s_x s_w / 4, where
  // s_w = max |weight row| / 127, s_x = max |x| / 127 (each factor rounded to the nearest level:
  // at most half a level off).
  const std::int64_t rows = 5, in = 64, out = 7;
  const Tensor x = random_tensor({rows, in}, 4, -2.0f, 2.0f);
  Tensor w = random_tensor({out, in}, 5, -0.3f, 0.3f);
  for (std::int64_t i = 0; i < in; ++i) w.data()[i] *= 1e-3f;  // an output channel of small weights
  const Tensor exact = f32_linear(x, w, Tensor(), false);
  const Tensor got = int8_linear(x, Var::constant(w), Tensor(), false);
  double largest_error = 0;
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t o = 0; o < out; ++o) {
      double x_max = 0, w_max = 0;
      for (float v : x.values()) x_max = std::max(x_max, std::abs(double{v}));
      for (std::int64_t i = 0; i < in; ++i) w_max = std::max(w_max, std::abs(double{w.data()[o * in + i]}));
      const double s_x = x_max / 127, s_w = w_max / 127;
      double bound = 1e-6 * s_x * s_w * 127 * 127;  // f32 rounding of the rescaling
      for (std::int64_t i = 0; i < in; ++i)
        bound += std::abs(x.data()[r * in + i]) * s_w / 2 + std::abs(w.data()[o * in + i]) * s_x / 2 + s_x * s_w / 4;
      const double error = std::abs(double{got.data()[r * out + o]} - exact.data()[r * out + o]);
      EXPECT_LE(error, bound) << "row " << r << " output " << o;
      largest_error = std::max(largest_error, error / bound);
    }
  }
  EXPECT_GT(largest_error, 0.01) << "no rounding at all: the product did not run in int8";
}

TEST(Int8Linear, OnlyWithoutGradientsAndOnlyWhileTheGuardLives) {
  const Tensor x = random_tensor({3, 16}, 6), w = random_tensor({4, 16}, 7), b = random_tensor({4}, 8);
  const Tensor exact = f32_linear(x, w, b, false);
  {
    PrecisionGuard int8(Precision::int8);  // gradients on: training never quantises
    const Tensor y = linear(Var::constant(x), Var::parameter(w.clone()), Var::constant(b)).value();
    testing::expect_close(y, exact.to_vector(), 0.0f);
    NoGradGuard no_grad;
    EXPECT_NE(linear(Var::constant(x), Var::constant(w), Var::constant(b)).value().to_vector(), exact.to_vector());
  }
  EXPECT_EQ(products_precision(), Precision::f32);
  NoGradGuard no_grad;
  testing::expect_close(linear(Var::constant(x), Var::constant(w), Var::constant(b)).value(), exact.to_vector(), 0.0f);
}

TEST(Int8Linear, FollowsTheWeightsWhenTheyChange) {
  NMT_SKIP_UNLESS_CPU_OFFERS(Precision::int8);
  const Tensor x = integer_rows(2, 8, 9, false);
  Var w = Var::parameter(integer_rows(3, 8, 10));
  int8_linear(x, w, Tensor(), false);  // quantised and cached
  w.mutable_value().copy_from(integer_rows(3, 8, 11));
  const Tensor expected = f32_linear(x, w.value(), Tensor(), false);
  testing::expect_close(int8_linear(x, w, Tensor(), false), expected.to_vector(), 1e-4f);
}

TEST(Int8Linear, AZeroRowGivesZerosAndTheBias) {
  NMT_SKIP_UNLESS_CPU_OFFERS(Precision::int8);
  Tensor x = random_tensor({2, 8}, 12), w = random_tensor({3, 8}, 13);
  const Tensor b = random_tensor({3}, 14);
  for (int i = 0; i < 8; ++i) x.data()[i] = 0.0f, w.data()[8 + i] = 0.0f;
  const Tensor y = int8_linear(x, Var::constant(w), b, false);
  for (int o = 0; o < 3; ++o) EXPECT_EQ(y.data()[o], b.data()[o]);  // row 0 of x is zero
  EXPECT_EQ(y.data()[3 + 1], b.data()[1]);                          // row 1 of w is zero
  for (float v : y.values()) EXPECT_TRUE(std::isfinite(v));
  const Tensor all_zero = int8_linear(Tensor::zeros({2, 8}), Var::constant(w), b, false);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(all_zero.data()[i], b.data()[i % 3]);
}

TEST(Precision, Int8RunsOnAnOptimisedKernelWhereTheCpuOffersIt) {
  // oneDNN falls back to its reference kernel (ref_int8, some 100x slower) for attributes its
  // optimised ones lack, e.g. a scale per row: the int8 path must stay off it.
  if (!precision_unavailable_reason(Precision::int8).empty()) GTEST_SKIP() << "no VNNI on this CPU";
  const std::string kernel = linear_kernel_name(Precision::int8);
  EXPECT_EQ(kernel.rfind("ref", 0), std::string::npos) << kernel;
}

}  // namespace
}  // namespace nmt::graph
