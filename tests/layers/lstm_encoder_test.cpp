// The bidirectional LSTM encoder of the RNN models, on its own: the shapes of its outputs for a
// padded batch, last states that are the states at each sentence's own ends, a sentence encoded
// alike alone and in a batch with a longer one (whatever its padding holds), and gradients of
// the inputs and of every layer's weights against finite differences.
#include "nmt/layers/lstm_encoder.h"

#include <gtest/gtest.h>

#include <vector>

#include "../graph/gradient_check.h"

namespace nmt::layers {
namespace {

using graph::Tensor;
using graph::testing::random_tensor;

constexpr std::int64_t kChannels = 3, kHidden = 2;
constexpr int kLayers = 2;  // the second layer reads both directions of the first

struct Fixture {
  graph::Parameters params;
  graph::RandomGenerator generator{401};
  LstmEncoder encoder{params, "encoder", kChannels, kHidden, kLayers, generator};
};

// Element (t, b, j) of a time-major [S, B, D] tensor.
float at(const Tensor& x, std::int64_t t, std::int64_t b, std::int64_t j) {
  return x.data()[(t * x.dim(1) + b) * x.dim(2) + j];
}

TEST(LstmEncoder, OutputsHaveTheShapesOfThePaddedBatch) {
  const Fixture f;
  const std::vector<std::int32_t> lengths{4, 2, 1};
  const Var inputs = Var::constant(random_tensor({4, 3, kChannels}, 402));
  const EncoderOutput out = f.encoder.encode(inputs, lengths, 0.0f, nullptr);
  EXPECT_EQ(out.states.shape(), (graph::Shape{4, 3, 2 * kHidden}));  // both directions side by side
  EXPECT_EQ(out.last_forward.shape(), (graph::Shape{3, kHidden}));
  EXPECT_EQ(out.last_backward.shape(), (graph::Shape{3, kHidden}));
  EXPECT_EQ(f.encoder.hidden_size(), kHidden);
}

TEST(LstmEncoder, LastStatesAreTheStatesAtEachSentencesEnds) {
  // The forward direction ends at the sentence's last token, not at the batch's last step; the
  // backward direction ends at the first token, having started at the sentence's last.
  const Fixture f;
  const std::vector<std::int32_t> lengths{4, 2, 1};
  const Var inputs = Var::constant(random_tensor({4, 3, kChannels}, 403));
  const EncoderOutput out = f.encoder.encode(inputs, lengths, 0.0f, nullptr);
  for (std::int64_t b = 0; b < 3; ++b)
    for (std::int64_t j = 0; j < kHidden; ++j) {
      EXPECT_EQ(out.last_forward.value().data()[b * kHidden + j], at(out.states.value(), lengths[b] - 1, b, j))
          << "sentence " << b;
      EXPECT_EQ(out.last_backward.value().data()[b * kHidden + j], at(out.states.value(), 0, b, kHidden + j))
          << "sentence " << b;
    }
}

TEST(LstmEncoder, PaddingDoesNotChangeAShorterSentencesStates) {
  // A 2-token sentence after a 4-token one in a batch of 4 steps; its padding holds large
  // values, not zeros, so that any leak of padding into its states would show.
  const Fixture f;
  const Tensor long_sentence = random_tensor({4, 1, kChannels}, 404);
  const Tensor short_sentence = random_tensor({2, 1, kChannels}, 405);
  const Tensor padding = random_tensor({2, 1, kChannels}, 406, -3.0f, 3.0f);
  Tensor batch = Tensor::empty({4, 2, kChannels});
  for (std::int64_t t = 0; t < 4; ++t)
    for (std::int64_t c = 0; c < kChannels; ++c) {
      batch.data()[(t * 2 + 0) * kChannels + c] = long_sentence.data()[t * kChannels + c];
      batch.data()[(t * 2 + 1) * kChannels + c] =
          t < 2 ? short_sentence.data()[t * kChannels + c] : padding.data()[(t - 2) * kChannels + c];
    }
  graph::NoGradGuard no_grad;
  const auto encode = [&](const Tensor& x, std::vector<std::int32_t> lengths) {
    return f.encoder.encode(Var::constant(x), lengths, 0.0f, nullptr);
  };
  const EncoderOutput together = encode(batch, {4, 2});
  const EncoderOutput alone = encode(short_sentence, {2});
  const EncoderOutput long_alone = encode(long_sentence, {4});
  // Equal up to rounding: a batch of two may take other kernel paths than a batch of one.
  constexpr float kTolerance = 1e-6f;
  for (std::int64_t j = 0; j < 2 * kHidden; ++j) {
    for (std::int64_t t = 0; t < 2; ++t)
      EXPECT_NEAR(at(together.states.value(), t, 1, j), at(alone.states.value(), t, 0, j), kTolerance)
          << "short sentence, position " << t;
    for (std::int64_t t = 0; t < 4; ++t)  // and the longer sentence is not disturbed by the shorter one
      EXPECT_NEAR(at(together.states.value(), t, 0, j), at(long_alone.states.value(), t, 0, j), kTolerance)
          << "long sentence, position " << t;
  }
  for (std::int64_t j = 0; j < kHidden; ++j) {
    EXPECT_NEAR(together.last_forward.value().data()[kHidden + j], alone.last_forward.value().data()[j], kTolerance);
    EXPECT_NEAR(together.last_backward.value().data()[kHidden + j], alone.last_backward.value().data()[j], kTolerance);
  }
}

TEST(LstmEncoder, GradientsMatchFiniteDifferences) {
  // States, last forward and last backward states in one output, so that the check covers the
  // row gathers that reverse sentences and pick their last states; dropout between the layers
  // is on, with the same mask on every evaluation.
  Fixture f;
  const std::vector<std::int32_t> lengths{3, 1};
  const Var x = Var::parameter(random_tensor({3, 2, kChannels}, 407));
  std::vector<Var> vars{x};
  for (const Var& v : f.params.vars()) vars.push_back(v);
  graph::testing::GradCheckOptions options;
  options.max_elements_per_input = 24;
  graph::testing::expect_gradients_match(
      [&] {
        graph::RandomGenerator dropout(408);
        const EncoderOutput out = f.encoder.encode(x, lengths, 0.3f, &dropout);
        return graph::concat({graph::reshape(out.states, {-1}), graph::reshape(out.last_forward, {-1}),
                              graph::reshape(out.last_backward, {-1})},
                             0);
      },
      vars, options);
}

}  // namespace
}  // namespace nmt::layers
