// bf16 products (precision.h): under a bf16 PrecisionGuard a linear layer (with and without
// gradients) or a matmul (with gradients) is the f32 product of its operands rounded to bfloat16
// (round to nearest even), forward and backward; its result and gradients are f32 and the weights
// keep their f32 values.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "bf16_rounding.h"
#include "gradient_check.h"
#include "nmt/graph/ops.h"
#include "nmt/graph/precision.h"
#include "skip_unless_cpu_offers.h"

namespace nmt::graph {
namespace {

using testing::random_tensor;
using testing::round_to_bf16;

// c[i, j] = sum_k a[i, k] b[k, j] (+ bias[j]) in double, a [m, k] and b [k, n] row-major, each
// operand rounded to bf16 first when `rounded`.
std::vector<float> product(const Tensor& a, bool ta, const Tensor& b, bool tb, bool rounded, const Tensor& bias = {}) {
  const std::int64_t m = ta ? a.dim(1) : a.dim(0), k = ta ? a.dim(0) : a.dim(1), n = tb ? b.dim(0) : b.dim(1);
  const auto at = [&](const Tensor& t, bool transposed, std::int64_t r, std::int64_t c) {
    const float v = transposed ? t.data()[c * t.dim(1) + r] : t.data()[r * t.dim(1) + c];
    return rounded ? round_to_bf16(v) : v;
  };
  std::vector<float> c(static_cast<std::size_t>(m * n));
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t j = 0; j < n; ++j) {
      double s = bias.defined() ? bias.data()[j] : 0.0;
      for (std::int64_t p = 0; p < k; ++p) s += static_cast<double>(at(a, ta, i, p)) * at(b, tb, p, j);
      c[static_cast<std::size_t>(i * n + j)] = static_cast<float>(s);
    }
  return c;
}

double largest_difference(const Tensor& actual, const std::vector<float>& expected) {
  double largest = 0;
  for (std::size_t i = 0; i < expected.size(); ++i)
    largest = std::max(largest, std::abs(static_cast<double>(actual.data()[i]) - expected[i]));
  return largest;
}

// Operands with 40 terms per product: rounding them to bf16 moves a product by ~1e-2, while
// accumulating 40 terms in f32 differs from double by ~1e-6.
constexpr float kF32Accumulation = 2e-5f;
constexpr double kBf16RoundingShows = 1e-3;

TEST(Bf16Products, LinearIsTheF32ProductOfTheRoundedOperandsWithAndWithoutGradients) {
  NMT_SKIP_UNLESS_CPU_OFFERS(Precision::bf16);
  const Tensor x = random_tensor({7, 40}, 1), w = random_tensor({24, 40}, 2), b = random_tensor({24}, 3);
  const std::vector<float> expected = product(x, false, w, true, true, b);
  ASSERT_GT(largest_difference(Tensor::from_values({7, 24}, product(x, false, w, true, false, b)), expected),
            kBf16RoundingShows);
  const PrecisionGuard bf16(Precision::bf16);
  const Var weight = Var::parameter(w);
  for (const bool gradients : {true, false}) {
    SCOPED_TRACE(gradients ? "with gradients" : "without gradients (weights packed for the kernel)");
    std::unique_ptr<NoGradGuard> no_grad;
    if (!gradients) no_grad = std::make_unique<NoGradGuard>();
    testing::expect_close(linear(Var::constant(x), weight, Var::constant(b)).value(), expected, kF32Accumulation);
    std::vector<float> relu = expected;
    for (float& v : relu) v = std::max(v, 0.0f);
    testing::expect_close(linear_relu(Var::constant(x), weight, Var::constant(b)).value(), relu, kF32Accumulation);
  }
  EXPECT_EQ(std::vector<float>(weight.value().data(), weight.value().data() + w.numel()),
            std::vector<float>(w.data(), w.data() + w.numel()))
      << "the weights keep their f32 values";
}

TEST(Bf16Products, LinearGradientsAreProductsOfTheRoundedGradientAndOperands) {
  NMT_SKIP_UNLESS_CPU_OFFERS(Precision::bf16);
  const Tensor x = random_tensor({6, 40}, 4), w = random_tensor({16, 40}, 5), r = random_tensor({6, 16}, 6);
  const PrecisionGuard bf16(Precision::bf16);
  const Var input = Var::parameter(x), weight = Var::parameter(w), bias = Var::parameter(random_tensor({16}, 7));
  backward(sum(mul(linear(input, weight, bias), Var::constant(r))));                         // dY = r
  testing::expect_close(input.grad(), product(r, false, w, false, true), kF32Accumulation);  // dX = dY W
  testing::expect_close(weight.grad(), product(r, true, x, false, true), kF32Accumulation);  // dW = dY^T X
  std::vector<float> bias_grad(16, 0.0f);                                                    // db: f32 sums
  for (std::int64_t i = 0; i < 6; ++i)
    for (std::int64_t j = 0; j < 16; ++j) bias_grad[j] += r.data()[i * 16 + j];
  testing::expect_close(bias.grad(), bias_grad, 1e-6f);
}

TEST(Bf16Products, MatmulAndItsGradientsAreProductsOfTheRoundedOperands) {
  NMT_SKIP_UNLESS_CPU_OFFERS(Precision::bf16);
  const Tensor a = random_tensor({40, 5}, 8), b = random_tensor({9, 40}, 9), r = random_tensor({5, 9}, 10);
  const std::vector<float> expected = product(a, true, b, true, true);
  const PrecisionGuard bf16(Precision::bf16);
  const Var va = Var::parameter(a), vb = Var::parameter(b);
  const Var c = matmul(va, vb, true, true);  // a^T b^T, as attention reads stored keys
  testing::expect_close(c.value(), expected, kF32Accumulation);
  backward(sum(mul(c, Var::constant(r))));
  testing::expect_close(va.grad(), product(b, true, r, true, true), kF32Accumulation);  // dA = (dC B^T)^T = B^T dC^T
  testing::expect_close(vb.grad(), product(r, true, a, true, true), kF32Accumulation);  // dB = dC^T A^T
}

TEST(Bf16Products, BatchedMatmulRoundsEveryBatchWhileGradientsAreOn) {
  NMT_SKIP_UNLESS_CPU_OFFERS(Precision::bf16);
  // Without gradients (translation) a matmul stays f32: a decoder step's attention products are
  // small and read a cache that changes at every step (ops/matmul.cpp).
  const Tensor a = random_tensor({3, 4, 40}, 11), b = random_tensor({3, 40, 6}, 12);
  const PrecisionGuard bf16(Precision::bf16);
  for (const bool gradients : {true, false}) {
    SCOPED_TRACE(gradients ? "with gradients: bf16" : "without gradients: f32");
    std::unique_ptr<NoGradGuard> no_grad;
    if (!gradients) no_grad = std::make_unique<NoGradGuard>();
    const Tensor c = matmul(Var::constant(a), Var::constant(b)).value();
    for (std::int64_t i = 0; i < 3; ++i) {
      const Tensor ai = Tensor::from_values({4, 40}, {a.data() + i * 160, 160});
      const Tensor bi = Tensor::from_values({40, 6}, {b.data() + i * 240, 240});
      const Tensor ci = Tensor::from_values({4, 6}, {c.data() + i * 24, 24});
      testing::expect_close(ci, product(ai, false, bi, false, gradients), kF32Accumulation);
    }
  }
}

TEST(Bf16Products, AVariablesRoundingFollowsEveryChangeOfItsValue) {
  NMT_SKIP_UNLESS_CPU_OFFERS(Precision::bf16);
  // Each variable keeps its rounded value (Var::bf16_value) until the value changes through
  // mutable_value(), as an optimizer's update or a decoder's key/value cache changes it.
  const PrecisionGuard bf16(Precision::bf16);
  const Tensor x = random_tensor({3, 40}, 15);
  Var weight = Var::parameter(random_tensor({5, 40}, 16));
  for (const float value : {0.5f, -1.25f, 3.0f}) {
    weight.mutable_value().fill(value);
    const Tensor w = weight.value().clone();
    testing::expect_close(linear(Var::constant(x), weight).value(), product(x, false, w, true, true), kF32Accumulation);
    testing::expect_close(matmul(Var::constant(x), weight, false, true).value(), product(x, false, w, true, true),
                          kF32Accumulation);
  }
}

TEST(Bf16Products, F32IsUnchangedOutsideTheGuard) {
  const Tensor x = random_tensor({7, 40}, 13), w = random_tensor({24, 40}, 14);
  { const PrecisionGuard bf16(Precision::bf16); }
  testing::expect_close(linear(Var::constant(x), Var::constant(w)).value(), product(x, false, w, true, false),
                        kF32Accumulation);
}

}  // namespace
}  // namespace nmt::graph
