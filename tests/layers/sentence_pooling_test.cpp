// Sentence pooling for classifiers (issue 20): each pooling by its definition on a small case,
// gradients of the states and of attention's parameters against finite differences, and
// padding that changes nothing (a sentence pools to the same vector alone and in a batch).
#include "nmt/layers/sentence_pooling.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "../graph/gradient_check.h"

namespace nmt::layers {
namespace {

using graph::Tensor;
using graph::testing::random_tensor;

constexpr std::int64_t kHidden = 3, kState = 2 * kHidden;

// Encoder output of B sentences of width T with random states; the last states are random too
// (the pooling only concatenates them).
EncoderOutput random_encoding(std::int64_t width, std::int64_t rows, std::uint64_t seed) {
  return {Var::parameter(random_tensor({width, rows, kState}, seed)),
          Var::parameter(random_tensor({rows, kHidden}, seed + 1)),
          Var::parameter(random_tensor({rows, kHidden}, seed + 2))};
}

struct Fixture {
  graph::Parameters params;
  graph::RandomGenerator generator{11};
  SentencePooling pooling;
  explicit Fixture(Pooling p, int heads = 2) : pooling(params, "pool", p, kState, 4, heads, generator) {}
};

TEST(SentencePooling, EachPoolingByItsDefinition) {
  const EncoderOutput e = random_encoding(4, 2, 1);
  const std::vector<std::int32_t> lengths{4, 2};
  const Tensor& s = e.states.value();  // [T, B, D]
  const auto state = [&](std::int64_t t, std::int64_t b, std::int64_t d) { return s.data()[(t * 2 + b) * kState + d]; };
  Fixture mean(Pooling::mean), max(Pooling::max), last(Pooling::last);
  const Tensor m = mean.pooling(e, lengths).vectors.value(), x = max.pooling(e, lengths).vectors.value();
  ASSERT_EQ(m.shape(), (graph::Shape{2, kState}));
  for (std::int64_t b = 0; b < 2; ++b) {
    for (std::int64_t d = 0; d < kState; ++d) {
      float sum = 0, largest = -1e30f;
      for (std::int64_t t = 0; t < lengths[b]; ++t) sum += state(t, b, d), largest = std::max(largest, state(t, b, d));
      EXPECT_NEAR(m.data()[b * kState + d], sum / static_cast<float>(lengths[b]), 1e-6f);
      EXPECT_EQ(x.data()[b * kState + d], largest);
    }
  }
  const Tensor l = last.pooling(e, lengths).vectors.value();
  for (std::int64_t b = 0; b < 2; ++b)
    for (std::int64_t d = 0; d < kHidden; ++d) {
      EXPECT_EQ(l.data()[b * kState + d], e.last_forward.value().data()[b * kHidden + d]);
      EXPECT_EQ(l.data()[b * kState + kHidden + d], e.last_backward.value().data()[b * kHidden + d]);
    }
  EXPECT_EQ(last.pooling.output_size(), kState);
}

TEST(SentencePooling, AttentionWeightsAreADistributionOverEachSentencesTokens) {
  Fixture f(Pooling::attention, 3);
  const EncoderOutput e = random_encoding(5, 2, 4);
  const PooledSentences p = f.pooling(e, std::vector<std::int32_t>{5, 3});
  ASSERT_EQ(p.weights.shape(), (graph::Shape{2, 3, 5}));
  EXPECT_EQ(p.vectors.shape(), (graph::Shape{2, 3 * kState}));
  EXPECT_EQ(f.pooling.output_size(), 3 * kState);
  for (std::int64_t b = 0; b < 2; ++b)
    for (std::int64_t k = 0; k < 3; ++k) {
      float total = 0;
      for (std::int64_t t = 0; t < 5; ++t) total += p.weights.data()[(b * 3 + k) * 5 + t];
      EXPECT_NEAR(total, 1.0f, 1e-5f);
    }
  for (std::int64_t t = 3; t < 5; ++t) EXPECT_EQ(p.weights.data()[(1 * 3 + 0) * 5 + t], 0.0f);
}

TEST(SentencePooling, GradientsMatchFiniteDifferences) {
  for (const Pooling pooling : {Pooling::last, Pooling::mean, Pooling::max, Pooling::attention}) {
    SCOPED_TRACE(pooling_name(pooling));
    Fixture f(pooling);
    const EncoderOutput e = random_encoding(4, 3, 7);
    std::vector<Var> vars{e.states, e.last_forward, e.last_backward};
    for (const auto& [name, v] : f.params.entries()) vars.push_back(v);
    graph::testing::GradCheckOptions options;
    options.step = 2e-3f;  // small enough that no maximum changes place
    options.relative_tolerance = 2e-2;
    options.absolute_tolerance = 2e-3;
    graph::testing::expect_gradients_match(
        [&] {
          return f.pooling(e, std::vector<std::int32_t>{4, 2, 3}).vectors;
        },
        vars, options);
  }
}

TEST(SentencePooling, PaddingChangesNothing) {
  for (const Pooling pooling : {Pooling::mean, Pooling::max, Pooling::attention}) {
    SCOPED_TRACE(pooling_name(pooling));
    Fixture f(pooling);
    // Sentence 1 (length 2) in a batch of width 5, and alone at width 2.
    const EncoderOutput batch = random_encoding(5, 2, 21);
    Tensor alone_states = Tensor::empty({2, 1, kState});
    for (std::int64_t t = 0; t < 2; ++t)
      for (std::int64_t d = 0; d < kState; ++d)
        alone_states.data()[t * kState + d] = batch.states.value().data()[(t * 2 + 1) * kState + d];
    const EncoderOutput alone{Var::constant(alone_states), Var::constant(Tensor::zeros({1, kHidden})),
                              Var::constant(Tensor::zeros({1, kHidden}))};
    const Tensor together = f.pooling(batch, std::vector<std::int32_t>{5, 2}).vectors.value();
    const Tensor single = f.pooling(alone, std::vector<std::int32_t>{2}).vectors.value();
    const std::int64_t size = f.pooling.output_size();
    for (std::int64_t i = 0; i < size; ++i) EXPECT_NEAR(together.data()[size + i], single.data()[i], 1e-6f) << i;
  }
}

TEST(SentencePooling, NamesAndBadSettings) {
  EXPECT_EQ(parse_pooling("attention"), Pooling::attention);
  EXPECT_EQ(parse_pooling("mean"), Pooling::mean);
  EXPECT_EQ(parse_pooling("average"), std::nullopt);
  EXPECT_EQ(pooling_name(Pooling::max), "max");
  graph::Parameters params;
  graph::RandomGenerator generator(1);
  EXPECT_THROW(SentencePooling(params, "p", Pooling::attention, kState, 4, 0, generator), std::invalid_argument);
}

}  // namespace
}  // namespace nmt::layers
