// The reductions on the training hot path against plain loops: bias gradients (sums over the
// leading axes, on oneDNN's sgemm) for shapes large and small, broadcast-add gradients, and the
// sum of squares behind gradient clipping for sizes that do and do not split into rows.
#include <gtest/gtest.h>

#include <cmath>

#include "gradient_check.h"
#include "nmt/graph/kernels.h"
#include "nmt/graph/ops.h"

namespace nmt::graph {
namespace {

using testing::random_tensor;

TEST(FastReductions, LinearBiasGradientIsTheColumnSumOfTheOutputGradient) {
  for (const auto& [rows, out] : {std::pair<std::int64_t, std::int64_t>{1, 3}, {37, 5}, {600, 130}}) {
    const Var x = Var::constant(random_tensor({rows, 4}, 1));
    const Var w = Var::parameter(random_tensor({out, 4}, 2));
    const Var b = Var::parameter(random_tensor({out}, 3));
    const Tensor seed = random_tensor({rows, out}, 4);
    backward(linear(x, w, b), seed);
    for (std::int64_t j = 0; j < out; ++j) {
      double expected = 0;
      for (std::int64_t i = 0; i < rows; ++i) expected += seed.data()[i * out + j];
      EXPECT_NEAR(b.grad().data()[j], expected, 1e-4 * (1 + std::abs(expected)))
          << rows << "x" << out << " column " << j;
    }
  }
}

TEST(FastReductions, BroadcastAddGradientSumsOverTheLeadingAxes) {
  const Var a = Var::parameter(random_tensor({3, 7, 5}, 5));
  const Var b = Var::parameter(random_tensor({7, 5}, 6));
  const Tensor seed = random_tensor({3, 7, 5}, 7);
  backward(add(a, b), seed);
  for (std::int64_t j = 0; j < 35; ++j) {
    const double expected = double(seed.data()[j]) + seed.data()[35 + j] + seed.data()[70 + j];
    EXPECT_NEAR(b.grad().data()[j], expected, 1e-5);
  }
  // A gradient check of the same, and of a middle-axis broadcast that takes the other path.
  testing::expect_gradients_match([](const std::vector<Var>& v) { return add(v[0], v[1]); },
                                  {random_tensor({4, 6, 3}, 8), random_tensor({6, 3}, 9)});
  testing::expect_gradients_match([](const std::vector<Var>& v) { return add(v[0], v[1]); },
                                  {random_tensor({4, 6, 3}, 10), random_tensor({4, 1, 3}, 11)});
}

TEST(FastReductions, SumOfSquaresMatchesAPlainLoop) {
  for (std::int64_t n : {1, 2, 17, 4096, 3 * 4096 + 64, 10007, 262144}) {
    const Tensor t = random_tensor({n}, 12);
    double expected = 0;
    for (std::int64_t i = 0; i < n; ++i) expected += double(t.data()[i]) * t.data()[i];
    // An f32 sum: its error grows with the terms and depends on the kernel's order. oneDNN's
    // AVX2 sgemm was 4.1e-5 off at 262,144 terms (AMD EPYC avx2); clipping needs far less.
    EXPECT_NEAR(sum_of_squares(t), expected, 1e-4 * expected) << n;
  }
  EXPECT_EQ(sum_of_squares(Tensor::zeros({0})), 0.0);
}

}  // namespace
}  // namespace nmt::graph
