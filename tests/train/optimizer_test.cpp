// Adam, SGD and global-norm clipping against hand-computed updates.
#include "nmt/train/optimizer.h"

#include <gtest/gtest.h>

#include <cmath>

#include "../graph/gradient_check.h"
#include "nmt/graph/ops.h"

namespace nmt::train {
namespace {

using graph::Tensor;

Var with_grad(std::vector<float> value, std::vector<float> grad) {
  Var v = Var::parameter(Tensor::from_values({static_cast<std::int64_t>(value.size())}, value));
  graph::backward(v, Tensor::from_values(v.shape(), grad));
  return v;
}

TEST(Adam, FirstStepsMatchKingmaAndBa) {
  Var p = with_grad({1.0f, -2.0f}, {0.5f, -1.0f});
  AdamOptions o;
  o.learning_rate = 0.1f;
  Adam adam({p}, o);
  adam.step();
  // Step 1: m_hat = g, v_hat = g^2, so the update is lr * g / (|g| + eps) = lr * sign(g).
  graph::testing::expect_close(p.value(), {0.9f, -1.9f}, 1e-6f);
  p.zero_grad();
  graph::backward(p, Tensor::from_values({2}, std::vector<float>{0.1f, 0.1f}));
  adam.step();
  const double m = 0.9 * 0.1 * 0.5 + 0.1 * 0.1, v = 0.999 * 0.001 * 0.25 + 0.001 * 0.01;
  const double expected = 0.9 - 0.1 * (m / (1 - 0.81)) / (std::sqrt(v / (1 - 0.999 * 0.999)) + 1e-8);
  EXPECT_NEAR(p.value().data()[0], expected, 1e-6);
  EXPECT_EQ(adam.step_count(), 2);
}

TEST(Adam, DecoupledWeightDecayShrinksWeights) {
  Var p = with_grad({2.0f}, {0.0f});
  AdamOptions o;
  o.learning_rate = 0.1f;
  o.weight_decay = 0.5f;
  Adam adam({p}, o);
  adam.step();
  EXPECT_NEAR(p.value().data()[0], 2.0 - 0.1 * 0.5 * 2.0, 1e-6);
}

TEST(Adam, StateRoundTripContinuesIdentically) {
  Var a = with_grad({1.0f, 2.0f}, {0.3f, -0.2f}), b = with_grad({1.0f, 2.0f}, {0.3f, -0.2f});
  Adam first({a}, {}), second({b}, {});
  first.step();
  second.load_state(first.state(), "state.bin");
  b.mutable_value().copy_from(a.value());
  first.step();
  second.step();
  EXPECT_EQ(a.value().to_vector(), b.value().to_vector());
  EXPECT_THROW(Adam({a, b}, {}).load_state(first.state(), "state.bin"), graph::FormatError);
  // A state of another element type or a steps counter that is not one number is a format
  // error, not another exception (found by tests/fuzz/model_fuzz).
  graph::NamedTensors bf16 = first.state();
  bf16[1].second = Tensor::empty(bf16[1].second.shape(), graph::DataType::bf16);
  EXPECT_THROW(second.load_state(bf16, "state.bin"), graph::FormatError);
  graph::NamedTensors steps = first.state();
  steps[0].second = Tensor::zeros({2});
  EXPECT_THROW(second.load_state(steps, "state.bin"), graph::FormatError);
}

TEST(Clipping, ScalesToMaxNormAndReportsTheNormBefore) {
  Var a = with_grad({0, 0}, {3.0f, 0.0f}), b = with_grad({0}, {4.0f});
  std::vector<Var> params{a, b};
  EXPECT_NEAR(clip_grad_norm(params, 1.0), 5.0, 1e-6);
  graph::testing::expect_close(a.grad(), {0.6f, 0.0f}, 1e-6f);
  graph::testing::expect_close(b.grad(), {0.8f}, 1e-6f);
  EXPECT_NEAR(global_grad_norm(params), 1.0, 1e-6);
  EXPECT_NEAR(clip_grad_norm(params, 10.0), 1.0, 1e-6);  // below the limit: unchanged
  graph::testing::expect_close(b.grad(), {0.8f}, 1e-6f);
}

}  // namespace
}  // namespace nmt::train
