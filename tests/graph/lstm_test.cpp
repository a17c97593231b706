// The oneDNN LSTM op against a step-by-step reference LSTM built from simpler ops
// (each gradient-checked on its own), forward and backward, in every direction; and in bf16.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "bf16_rounding.h"
#include "gradient_check.h"
#include "nmt/graph/precision.h"
#include "skip_unless_cpu_offers.h"

namespace nmt::graph {
namespace {

using testing::expect_gradients_match;
using testing::random_tensor;
using testing::representable_in_bf16;
using testing::round_to_bf16;

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

// ---- bf16 (precision.h) ----

// One left-to-right LSTM from zero states, in double, reading x, the weights and each step's
// hidden state rounded to bf16; the cell stays unrounded; the outputs are rounded to bf16.
std::vector<float> bf16_reference_outputs(const Tensor& x, const Tensor& wx, const Tensor& wh, const Tensor& b) {
  const std::int64_t steps = x.dim(0), batch = x.dim(1), channels = x.dim(2), hidden = wh.dim(3);
  const auto sigmoid = [](double v) { return 1 / (1 + std::exp(-v)); };
  std::vector<double> h(batch * hidden, 0.0), c(batch * hidden, 0.0);
  std::vector<float> outputs;
  for (std::int64_t t = 0; t < steps; ++t) {
    std::vector<double> next(h.size());
    for (std::int64_t n = 0; n < batch; ++n)
      for (std::int64_t j = 0; j < hidden; ++j) {
        double gate[4];
        for (int g = 0; g < 4; ++g) {
          double s = b.data()[g * hidden + j];
          for (std::int64_t k = 0; k < channels; ++k)
            s += double(round_to_bf16(x.data()[(t * batch + n) * channels + k])) *
                 round_to_bf16(wx.data()[(k * 4 + g) * hidden + j]);
          for (std::int64_t k = 0; k < hidden; ++k)
            s += h[n * hidden + k] * round_to_bf16(wh.data()[(k * 4 + g) * hidden + j]);
          gate[g] = s;
        }
        double& cell = c[n * hidden + j];
        cell = sigmoid(gate[1]) * cell + sigmoid(gate[0]) * std::tanh(gate[2]);
        next[n * hidden + j] = round_to_bf16(static_cast<float>(sigmoid(gate[3]) * std::tanh(cell)));
      }
    h = next;
    outputs.insert(outputs.end(), h.begin(), h.end());
  }
  return outputs;
}

// From 16 rows (sentences or hypotheses) per step; fewer compute in f32 (ops/lstm.cpp).
TEST(Lstm, InBf16ReadsRoundedOperandsKeepsTheCellInF32AndReturnsRoundedStates) {
  NMT_SKIP_UNLESS_CPU_OFFERS(Precision::bf16);
  const Tensor x = random_tensor({5, 16, 40}, 101), wx = random_tensor({1, 40, 4, 8}, 102, -0.5f, 0.5f),
               wh = random_tensor({1, 8, 4, 8}, 103, -0.5f, 0.5f), b = random_tensor({1, 4, 8}, 104, -0.5f, 0.5f);
  const LstmWeights weights{Var::constant(wx), Var::constant(wh), Var::constant(b)};
  const std::vector<float> expected = bf16_reference_outputs(x, wx, wh, b);
  const LstmResult f32 = lstm(Var::constant(x), weights, RnnDirection::left_to_right);
  const PrecisionGuard guard(Precision::bf16);
  const LstmResult bf16 = lstm(Var::constant(x), weights, RnnDirection::left_to_right);
  // Exactly the reference, but where oneDNN's f32 sum of the gates and the double one fall on
  // either side of a rounding boundary (then within two bf16 steps of the largest |h| < 1).
  const auto equal_to_reference = [&](const Tensor& actual) {
    long equal = 0;
    for (std::size_t i = 0; i < expected.size(); ++i) equal += actual.data()[i] == expected[i];
    return equal;
  };
  const long outputs = static_cast<long>(expected.size());
  testing::expect_close(bf16.output.value(), expected, 8e-3f);
  EXPECT_GE(equal_to_reference(bf16.output.value()), outputs * 95 / 100) << "of " << outputs;
  EXPECT_LT(equal_to_reference(f32.output.value()), outputs * 5 / 100) << "the f32 LSTM computes otherwise";
  for (const float v : bf16.output.value().values()) ASSERT_TRUE(representable_in_bf16(v)) << v;
  for (const float v : bf16.last_hidden.value().values()) ASSERT_TRUE(representable_in_bf16(v)) << v;
  long unrounded_cells = 0;
  for (const float v : bf16.last_cell.value().values()) unrounded_cells += !representable_in_bf16(v);
  EXPECT_GT(unrounded_cells, 64) << "the cell state stays f32";
}

TEST(Lstm, InBf16FewerThan16RowsComputeInF32) {
  const Tensor x = random_tensor({3, 15, 8}, 113);
  const LstmWeights weights{Var::constant(random_tensor({1, 8, 4, 4}, 114)),
                            Var::constant(random_tensor({1, 4, 4, 4}, 115)),
                            Var::constant(random_tensor({1, 4, 4}, 116))};
  const std::vector<float> f32 =
      lstm(Var::constant(x), weights, RnnDirection::left_to_right).output.value().to_vector();
  const PrecisionGuard guard(Precision::bf16);
  EXPECT_EQ(lstm(Var::constant(x), weights, RnnDirection::left_to_right).output.value().to_vector(), f32);
}

TEST(Lstm, Bf16GradientsAreF32AndCloseToTheF32Gradients) {
  NMT_SKIP_UNLESS_CPU_OFFERS(Precision::bf16);
  const Tensor x = random_tensor({4, 16, 24}, 105), h0 = random_tensor({2, 16, 8}, 106),
               c0 = random_tensor({2, 16, 8}, 107);
  const std::vector<Tensor> in{x,
                               random_tensor({2, 24, 4, 8}, 108, -0.5f, 0.5f),
                               random_tensor({2, 8, 4, 8}, 109, -0.5f, 0.5f),
                               random_tensor({2, 4, 8}, 110, -0.5f, 0.5f),
                               h0,
                               c0};
  std::vector<Tensor> grads[2];
  for (const Precision precision : {Precision::f32, Precision::bf16}) {
    const PrecisionGuard guard(precision);
    std::vector<Var> v;
    for (const auto& t : in) v.push_back(Var::parameter(t.clone()));
    const LstmResult r = lstm(v[0], {v[1], v[2], v[3]}, RnnDirection::bidirectional_concat, v[4], v[5]);
    backward(add(sum(mul(r.output, Var::constant(random_tensor(r.output.shape(), 111)))),
                 sum(mul(r.last_cell, Var::constant(random_tensor(r.last_cell.shape(), 112))))));
    for (const Var& p : v) grads[precision == Precision::bf16].push_back(p.grad());
  }
  const char* names[] = {"input", "weights_input", "weights_hidden", "bias", "initial_hidden", "initial_cell"};
  for (std::size_t i = 0; i < in.size(); ++i) {
    SCOPED_TRACE(names[i]);
    ASSERT_EQ(grads[1][i].type(), DataType::f32);
    double largest = 0, difference = 0;
    for (std::int64_t k = 0; k < in[i].numel(); ++k) {
      largest = std::max(largest, std::abs(double(grads[0][i].data()[k])));
      difference = std::max(difference, std::abs(double(grads[1][i].data()[k]) - grads[0][i].data()[k]));
    }
    EXPECT_LT(difference, 0.05 * largest) << "largest f32 gradient " << largest;
    EXPECT_GT(difference, 1e-6 * largest) << "bf16 rounding should show";
  }
}

}  // namespace
}  // namespace nmt::graph
