// The oneDNN LSTM op against a step-by-step reference LSTM built from simpler ops
// (each gradient-checked on its own), forward and backward, in every direction.
#include <gtest/gtest.h>

#include "gradient_check.h"

namespace nmt::graph {
namespace {

using testing::expect_gradients_match;
using testing::random_tensor;

// One direction d of the reference: the textbook LSTM (Hochreiter & Schmidhuber 1997, with the
// forget gate of Gers et al. 2000), gates in oneDNN's order i, f, c~, o.
struct Sequence {
  std::vector<Var> outputs;  // per time step, [N, H]
  Var h, c;
};
Sequence reference_direction(const Var& x, const LstmWeights& w, int d, bool reverse, const Var& h0, const Var& c0) {
  const std::int64_t steps = x.shape()[0], batch = x.shape()[1], channels = x.shape()[2];
  const std::int64_t hidden = w.weights_hidden.shape()[3];
  const Var wx = reshape(slice(w.weights_input, 0, d, 1), {channels, 4 * hidden});
  const Var wh = reshape(slice(w.weights_hidden, 0, d, 1), {hidden, 4 * hidden});
  const Var b = reshape(slice(w.bias, 0, d, 1), {4 * hidden});
  Var h = reshape(slice(h0, 0, d, 1), {batch, hidden});
  Var c = reshape(slice(c0, 0, d, 1), {batch, hidden});
  Sequence s;
  s.outputs.resize(steps);
  for (std::int64_t k = 0; k < steps; ++k) {
    const std::int64_t t = reverse ? steps - 1 - k : k;
    const Var xt = reshape(slice(x, 0, t, 1), {batch, channels});
    const Var gates = add(add(matmul(xt, wx), matmul(h, wh)), b);
    const Var i = sigmoid(slice(gates, 1, 0, hidden));
    const Var f = sigmoid(slice(gates, 1, hidden, hidden));
    const Var candidate = tanh(slice(gates, 1, 2 * hidden, hidden));
    const Var o = sigmoid(slice(gates, 1, 3 * hidden, hidden));
    c = add(mul(f, c), mul(i, candidate));
    h = mul(o, tanh(c));
    s.outputs[t] = h;
  }
  s.h = h;
  s.c = c;
  return s;
}

LstmResult reference_lstm(const Var& x, const LstmWeights& w, RnnDirection dir, const Var& h0, const Var& c0) {
  const std::int64_t steps = x.shape()[0], batch = x.shape()[1];
  const std::int64_t hidden = w.weights_hidden.shape()[3];
  std::vector<Sequence> runs;
  if (dir == RnnDirection::bidirectional_concat) {
    runs.push_back(reference_direction(x, w, 0, false, h0, c0));
    runs.push_back(reference_direction(x, w, 1, true, h0, c0));
  } else {
    runs.push_back(reference_direction(x, w, 0, dir == RnnDirection::right_to_left, h0, c0));
  }
  std::vector<Var> per_step, hs, cs;
  for (std::int64_t t = 0; t < steps; ++t) {
    std::vector<Var> parts;
    for (auto& r : runs) parts.push_back(r.outputs[t]);
    per_step.push_back(reshape(concat(parts, 1), {1, batch, -1}));
  }
  for (auto& r : runs) {
    hs.push_back(reshape(r.h, {1, batch, hidden}));
    cs.push_back(reshape(r.c, {1, batch, hidden}));
  }
  return {concat(per_step, 0), concat(hs, 0), concat(cs, 0)};
}

struct LstmCase {
  RnnDirection direction;
  std::int64_t steps, batch, channels, hidden;
};

class LstmTest : public ::testing::TestWithParam<LstmCase> {
 protected:
  std::vector<Tensor> inputs() const {
    const auto& p = GetParam();
    const std::int64_t d = direction_count(p.direction);
    return {random_tensor({p.steps, p.batch, p.channels}, 81),
            random_tensor({d, p.channels, 4, p.hidden}, 82, -0.5f, 0.5f),
            random_tensor({d, p.hidden, 4, p.hidden}, 83, -0.5f, 0.5f),
            random_tensor({d, 4, p.hidden}, 84, -0.5f, 0.5f),
            random_tensor({d, p.batch, p.hidden}, 85),
            random_tensor({d, p.batch, p.hidden}, 86)};
  }
  // A scalar that depends on all three results with random weights.
  static Var combined(const LstmResult& r) {
    return add(add(sum(mul(r.output, Var::constant(random_tensor(r.output.shape(), 91)))),
                   sum(mul(r.last_hidden, Var::constant(random_tensor(r.last_hidden.shape(), 92))))),
               sum(mul(r.last_cell, Var::constant(random_tensor(r.last_cell.shape(), 93)))));
  }
};

TEST_P(LstmTest, ForwardMatchesStepByStepReference) {
  const auto in = inputs();
  std::vector<Var> v;
  for (const auto& t : in) v.push_back(Var::constant(t));
  const LstmWeights w{v[1], v[2], v[3]};
  const LstmResult fast = lstm(v[0], w, GetParam().direction, v[4], v[5]);
  const LstmResult ref = reference_lstm(v[0], w, GetParam().direction, v[4], v[5]);
  ASSERT_EQ(fast.output.shape(), ref.output.shape());
  testing::expect_close(fast.output.value(), ref.output.value().to_vector(), 1e-5f);
  testing::expect_close(fast.last_hidden.value(), ref.last_hidden.value().to_vector(), 1e-5f);
  testing::expect_close(fast.last_cell.value(), ref.last_cell.value().to_vector(), 1e-5f);
}

TEST_P(LstmTest, BackwardMatchesStepByStepReference) {
  const auto in = inputs();
  std::vector<Tensor> grads_fast, grads_ref;
  for (int pass = 0; pass < 2; ++pass) {
    std::vector<Var> v;
    for (const auto& t : in) v.push_back(Var::parameter(t.clone()));
    const LstmWeights w{v[1], v[2], v[3]};
    const LstmResult r = pass == 0 ? lstm(v[0], w, GetParam().direction, v[4], v[5])
                                   : reference_lstm(v[0], w, GetParam().direction, v[4], v[5]);
    backward(combined(r));
    for (auto& x : v) (pass == 0 ? grads_fast : grads_ref).push_back(x.grad());
  }
  const char* names[] = {"input", "weights_input", "weights_hidden", "bias", "initial_hidden", "initial_cell"};
  for (std::size_t i = 0; i < in.size(); ++i) {
    SCOPED_TRACE(names[i]);
    testing::expect_close(grads_fast[i], grads_ref[i].to_vector(), 2e-5f);
  }
}

TEST_P(LstmTest, GradientsMatchFiniteDifferences) {
  const auto dir = GetParam().direction;
  testing::GradCheckOptions options;
  options.max_elements_per_input = 24;
  expect_gradients_match(
      [dir](const std::vector<Var>& v) {
        return combined(lstm(v[0], {v[1], v[2], v[3]}, dir, v[4], v[5]));
      },
      inputs(), options);
}

INSTANTIATE_TEST_SUITE_P(Directions, LstmTest,
                         ::testing::Values(LstmCase{RnnDirection::left_to_right, 4, 3, 5, 6},
                                           LstmCase{RnnDirection::right_to_left, 3, 2, 4, 3},
                                           LstmCase{RnnDirection::bidirectional_concat, 5, 2, 3, 4},
                                           LstmCase{RnnDirection::bidirectional_concat, 1, 1, 7, 5}),
                         [](const ::testing::TestParamInfo<LstmCase>& info) {
                           const auto& c = info.param;
                           const char* d = c.direction == RnnDirection::left_to_right   ? "LeftToRight"
                                           : c.direction == RnnDirection::right_to_left ? "RightToLeft"
                                                                                        : "Bidirectional";
                           return std::string(d) + "_T" + std::to_string(c.steps) + "_N" + std::to_string(c.batch) +
                                  "_C" + std::to_string(c.channels) + "_H" + std::to_string(c.hidden);
                         });

TEST(Lstm, ZeroInitialStatesByDefaultAndOnlyOutputUsed) {
  const Tensor x = random_tensor({3, 2, 4}, 94);
  std::vector<Tensor> w{random_tensor({1, 4, 4, 5}, 95), random_tensor({1, 5, 4, 5}, 96), random_tensor({1, 4, 5}, 97)};
  const LstmWeights weights{Var::constant(w[0]), Var::constant(w[1]), Var::constant(w[2])};
  const Var zeros = Var::constant(Tensor::zeros({1, 2, 5}));
  testing::expect_close(
      lstm(Var::constant(x), weights, RnnDirection::left_to_right).output.value(),
      reference_lstm(Var::constant(x), weights, RnnDirection::left_to_right, zeros, zeros).output.value().to_vector(),
      1e-5f);
  // Gradient through the output alone (the final-state gradients are absent).
  expect_gradients_match(
      [](const std::vector<Var>& v) {
        return lstm(v[0], {v[1], v[2], v[3]}, RnnDirection::left_to_right).output;
      },
      {x, w[0], w[1], w[2]});
}

TEST(Lstm, ShapeErrorsNameTheShapes) {
  const Var x = Var::constant(Tensor::zeros({3, 2, 4}));
  const LstmWeights bad{Var::constant(Tensor::zeros({1, 5, 4, 5})), Var::constant(Tensor::zeros({1, 5, 4, 5})),
                        Var::constant(Tensor::zeros({1, 4, 5}))};
  try {
    lstm(x, bad, RnnDirection::left_to_right);
    FAIL();
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("weights_input [1,5,4,5]"), std::string::npos) << e.what();
  }
  const LstmWeights good{Var::constant(Tensor::zeros({1, 4, 4, 5})), Var::constant(Tensor::zeros({1, 5, 4, 5})),
                         Var::constant(Tensor::zeros({1, 4, 5}))};
  EXPECT_THROW(lstm(x, good, RnnDirection::bidirectional_concat), ShapeError);
  EXPECT_THROW(lstm(x, good, RnnDirection::left_to_right, Var::constant(Tensor::zeros({1, 3, 5}))), ShapeError);
}

}  // namespace
}  // namespace nmt::graph
