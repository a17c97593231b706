// cross-entropy with label smoothing and ignored targets; sum and mean.
#include <gtest/gtest.h>

#include <cmath>

#include "gradient_check.h"

namespace nmt::graph {
namespace {

using testing::expect_gradients_match;
using testing::random_tensor;

double reference_loss(const Tensor& logits, const std::vector<std::int32_t>& targets, std::int32_t ignore, double eps) {
  const std::int64_t v = logits.dim(1);
  double loss = 0;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (targets[i] == ignore) continue;
    const float* row = logits.data() + i * v;
    double mx = row[0], z = 0;
    for (int k = 0; k < v; ++k) mx = std::max(mx, double(row[k]));
    for (int k = 0; k < v; ++k) z += std::exp(row[k] - mx);
    for (int k = 0; k < v; ++k) {
      const double q = (k == targets[i] ? 1 - eps : 0) + eps / v;
      loss -= q * (row[k] - mx - std::log(z));
    }
  }
  return loss;
}

TEST(CrossEntropy, MatchesDefinition) {
  const Tensor logits = random_tensor({4, 6}, 71, -3, 3);
  const std::vector<std::int32_t> targets{2, 0, 5, 0};
  for (float eps : {0.0f, 0.1f}) {
    const float loss = cross_entropy(Var::constant(logits), targets, -1, eps).value().item();
    EXPECT_NEAR(loss, reference_loss(logits, targets, -1, eps), 1e-4) << "eps " << eps;
  }
  // Ignored rows (padding) contribute nothing.
  const float padded = cross_entropy(Var::constant(logits), targets, 0, 0.1f).value().item();
  EXPECT_NEAR(padded, reference_loss(logits, targets, 0, 0.1), 1e-4);
}

TEST(CrossEntropy, Gradients) {
  const std::vector<std::int32_t> targets{1, 3, 0, 3, 2};
  for (float eps : {0.0f, 0.2f})
    expect_gradients_match([&](const std::vector<Var>& v) { return cross_entropy(v[0], targets, 0, eps); },
                           {random_tensor({5, 4}, 72, -2, 2)});
}

TEST(CrossEntropy, BadTargetsAndShapes) {
  const std::vector<std::int32_t> targets{1, 7};
  EXPECT_THROW(cross_entropy(Var::constant(Tensor::zeros({2, 4})), targets), ShapeError);
  EXPECT_THROW(cross_entropy(Var::constant(Tensor::zeros({3, 4})), std::vector<std::int32_t>{1, 2}), ShapeError);
}

TEST(Reduce, SumAndMeanValues) {
  const Tensor x = Tensor::from_values({2, 3}, std::vector<float>{1, 2, 3, 4, 5, 6});
  EXPECT_FLOAT_EQ(sum(Var::constant(x)).value().item(), 21);
  EXPECT_FLOAT_EQ(mean(Var::constant(x)).value().item(), 3.5);
  testing::expect_close(sum(Var::constant(x), {0}).value(), {5, 7, 9});
  testing::expect_close(mean(Var::constant(x), {1}).value(), {2, 5});
  EXPECT_EQ(sum(Var::constant(x), {1}, true).shape(), (Shape{2, 1}));
  EXPECT_EQ(sum(Var::constant(x)).shape(), (Shape{}));
  EXPECT_THROW(sum(Var::constant(x), {2}), ShapeError);
}

TEST(Reduce, Gradients) {
  const Tensor x = random_tensor({2, 3, 4}, 73);
  expect_gradients_match([](const std::vector<Var>& v) { return sum(v[0]); }, {x});
  expect_gradients_match([](const std::vector<Var>& v) { return mean(v[0]); }, {x});
  expect_gradients_match([](const std::vector<Var>& v) { return sum(v[0], {1}); }, {x});
  expect_gradients_match([](const std::vector<Var>& v) { return mean(v[0], {0, 2}, true); }, {x});
  // max: the gradient reaches the maximum of each slice only (random values: no ties, and the
  // finite differences stay on one side of every switch of the maximum).
  expect_gradients_match([](const std::vector<Var>& v) { return max(v[0], {1}); }, {x});
  expect_gradients_match([](const std::vector<Var>& v) { return max(v[0], {0, 2}, true); }, {x});
}

TEST(Reduce, MaxValuesAndWhereTheGradientGoes) {
  const Tensor x = Tensor::from_values({2, 3}, std::vector<float>{1, 6, 3, -4, -5, -2});
  testing::expect_close(max(Var::constant(x), {1}).value(), {6, -2});
  testing::expect_close(max(Var::constant(x), {0}).value(), {1, 6, 3});
  EXPECT_FLOAT_EQ(max(Var::constant(x)).value().item(), 6);
  const Var p = Var::parameter(x.clone());
  backward(max(p, {1}), Tensor::from_values({2}, std::vector<float>{10, 20}));
  testing::expect_close(p.grad(), {0, 10, 0, 0, 0, 20});
}

}  // namespace
}  // namespace nmt::graph
