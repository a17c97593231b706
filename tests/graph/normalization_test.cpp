// softmax, log_softmax (with masks) and layer normalization.
#include <gtest/gtest.h>

#include <cmath>

#include "gradient_check.h"

namespace nmt::graph {
namespace {

using testing::expect_gradients_match;
using testing::random_tensor;

std::vector<float> reference_softmax(const Tensor& x, const std::vector<float>& mask, bool log) {
  const std::int64_t cols = x.dim(-1), rows = x.numel() / cols;
  std::vector<float> y(x.numel());
  for (std::int64_t r = 0; r < rows; ++r) {
    double mx = -1e30, z = 0;
    for (std::int64_t c = 0; c < cols; ++c)
      if (mask.empty() || mask[c]) mx = std::max(mx, double(x.data()[r * cols + c]));
    for (std::int64_t c = 0; c < cols; ++c)
      if (mask.empty() || mask[c]) z += std::exp(x.data()[r * cols + c] - mx);
    for (std::int64_t c = 0; c < cols; ++c) {
      const bool keep = mask.empty() || mask[c];
      const double lp = x.data()[r * cols + c] - mx - std::log(z);
      y[r * cols + c] = static_cast<float>(log ? (keep ? lp : -1e9) : (keep ? std::exp(lp) : 0.0));
    }
  }
  return y;
}

TEST(Softmax, ValuesRowsSumToOne) {
  const Tensor x = random_tensor({3, 5}, 31, -3, 3);
  testing::expect_close(softmax(Var::constant(x)).value(), reference_softmax(x, {}, false), 1e-6f);
  testing::expect_close(log_softmax(Var::constant(x)).value(), reference_softmax(x, {}, true), 1e-5f);
}

TEST(Softmax, MaskedPositionsGetZeroProbability) {
  const Tensor x = random_tensor({2, 3, 5}, 32, -3, 3);
  const std::vector<float> keep{1, 1, 0, 1, 0};
  const Tensor mask = Tensor::from_values({1, 1, 5}, keep);
  const Tensor y = softmax(Var::constant(x), mask).value();
  testing::expect_close(y, reference_softmax(x, keep, false), 1e-6f);
  for (int r = 0; r < 6; ++r) {
    EXPECT_EQ(y.data()[r * 5 + 2], 0.0f);
    EXPECT_EQ(y.data()[r * 5 + 4], 0.0f);
  }
  const Tensor ly = log_softmax(Var::constant(x), mask).value();
  for (int r = 0; r < 6; ++r)
    for (int c : {0, 1, 3}) EXPECT_NEAR(ly.data()[r * 5 + c], reference_softmax(x, keep, true)[r * 5 + c], 1e-5);
}

TEST(Softmax, Gradients) {
  const Tensor x = random_tensor({3, 6}, 33, -2, 2);
  expect_gradients_match([](const std::vector<Var>& v) { return softmax(v[0]); }, {x});
  expect_gradients_match([](const std::vector<Var>& v) { return log_softmax(v[0]); }, {x});
  const Tensor mask =
      Tensor::from_values({3, 6}, std::vector<float>{1, 1, 1, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 1});
  expect_gradients_match([&](const std::vector<Var>& v) { return softmax(v[0], mask); }, {x});
  // Masked log-probabilities are -1e9, which would swamp an f32 finite difference; every
  // consumer ignores them, so they are weighted by zero here.
  expect_gradients_match([&](const std::vector<Var>& v) { return mul(log_softmax(v[0], mask), Var::constant(mask)); },
                         {x});
  expect_gradients_match([](const std::vector<Var>& v) { return softmax(v[0]); }, {random_tensor({1, 1}, 34)});
}

TEST(Softmax, BadMaskShape) {
  EXPECT_THROW(softmax(Var::constant(Tensor::zeros({2, 3})), Tensor::zeros({4})), ShapeError);
}

TEST(LayerNorm, ValuesMatchDefinition) {
  const Tensor x = random_tensor({4, 6}, 35, -2, 2), g = random_tensor({6}, 36), b = random_tensor({6}, 37);
  const Tensor y = layer_norm(Var::constant(x), Var::constant(g), Var::constant(b), 1e-5f).value();
  for (int r = 0; r < 4; ++r) {
    double mean = 0, var = 0;
    for (int c = 0; c < 6; ++c) mean += x.data()[r * 6 + c] / 6.0;
    for (int c = 0; c < 6; ++c) var += std::pow(x.data()[r * 6 + c] - mean, 2) / 6.0;
    for (int c = 0; c < 6; ++c)
      EXPECT_NEAR(y.data()[r * 6 + c], (x.data()[r * 6 + c] - mean) / std::sqrt(var + 1e-5) * g.data()[c] + b.data()[c],
                  1e-5);
  }
}

TEST(LayerNorm, Gradients) {
  expect_gradients_match([](const std::vector<Var>& v) { return layer_norm(v[0], v[1], v[2]); },
                         {random_tensor({2, 3, 5}, 38, -2, 2), random_tensor({5}, 39), random_tensor({5}, 40)});
  expect_gradients_match([](const std::vector<Var>& v) { return layer_norm(v[0], v[1], v[2]); },
                         {random_tensor({1, 7}, 41, -2, 2), random_tensor({7}, 42), random_tensor({7}, 43)});
}

TEST(LayerNorm, ShapeMismatch) {
  EXPECT_THROW(layer_norm(Var::constant(Tensor::zeros({2, 3})), Var::constant(Tensor::zeros({4})),
                          Var::constant(Tensor::zeros({3}))),
               ShapeError);
}

}  // namespace
}  // namespace nmt::graph
