// Every attention mechanism: gradients (of the query, the encoder states and the mechanism's own
// parameters) against finite differences; weights that are a distribution over the source (over
// the window for the local ones) that never touches padding; the registry's traits honoured by
// what each mechanism does. The parameterised specs run over every registered mechanism.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "../graph/gradient_check.h"
#include "nmt/layers/attention/registry.h"
#include "registered_mechanisms.h"

namespace nmt::layers {
namespace {

using graph::Tensor;
using graph::testing::random_tensor;

constexpr std::int64_t kRows = 3, kSource = 6, kQuery = 4, kValue = 4;
const std::vector<std::int32_t> kLengths{6, 4, 1};

Tensor padding_mask() {
  Tensor m = Tensor::zeros({kRows, 1, kSource});
  for (std::int64_t b = 0; b < kRows; ++b)
    for (std::int64_t s = 0; s < kLengths[b]; ++s) m.data()[b * kSource + s] = 1;
  return m;
}

struct Fixture {
  graph::Parameters params;
  std::unique_ptr<Attention> attention;
  Var values = Var::parameter(random_tensor({kRows, kSource, kValue}, 201));
  Var query = Var::parameter(random_tensor({kRows, kQuery}, 202));
  explicit Fixture(const std::string& mechanism, ScoreFunction local_score = ScoreFunction::general) {
    AttentionOptions o;
    o.mechanism = mechanism;
    o.local_score = local_score;
    o.window = 1;
    o.hidden_size = 5;
    o.max_source_length = 8;
    graph::RandomGenerator gen(203);
    attention = make_attention(o, params, "attention", kQuery, kValue, gen);
  }
  AttentionResult run(std::int64_t step) const {
    return attention->attend(attention->prepare(values, padding_mask(), kLengths), query, step);
  }
};

class AttentionTest : public ::testing::TestWithParam<std::string> {};

TEST_P(AttentionTest, WeightsAreADistributionThatSkipsPadding) {
  const Fixture f(GetParam());
  for (std::int64_t step : {0, 2, 5}) {
    const AttentionResult r = f.run(step);
    ASSERT_EQ(r.weights.shape(), (graph::Shape{kRows, kSource}));
    ASSERT_EQ(r.context.shape(), (graph::Shape{kRows, kValue}));
    for (std::int64_t b = 0; b < kRows; ++b) {
      double total = 0;
      for (std::int64_t s = 0; s < kSource; ++s) {
        const float w = r.weights.value().data()[b * kSource + s];
        EXPECT_GE(w, 0.0f);
        if (s >= kLengths[b]) {
          EXPECT_EQ(w, 0.0f) << "padding got weight, row " << b << " position " << s;
        }
        total += w;
      }
      EXPECT_NEAR(total, 1.0, 1e-5) << "row " << b << " step " << step;
    }
  }
}

TEST_P(AttentionTest, ContextIsTheWeightedAverageOfTheEncoderStates) {
  const Fixture f(GetParam());
  const AttentionResult r = f.run(1);
  for (std::int64_t b = 0; b < kRows; ++b)
    for (std::int64_t k = 0; k < kValue; ++k) {
      double expected = 0;
      for (std::int64_t s = 0; s < kSource; ++s)
        expected += r.weights.value().data()[b * kSource + s] * f.values.value().data()[(b * kSource + s) * kValue + k];
      EXPECT_NEAR(r.context.value().data()[b * kValue + k], expected, 1e-5);
    }
}

TEST_P(AttentionTest, GradientsMatchFiniteDifferences) {
  const Fixture f(GetParam());
  std::vector<Var> vars{f.query, f.values};
  for (const auto& [name, v] : f.params.entries()) vars.push_back(v);
  // Finite differences must not move a local window's hard edge: keep the step small.
  graph::testing::GradCheckOptions options;
  options.step = 2e-3f;
  options.absolute_tolerance = 2e-3;
  options.relative_tolerance = 2e-2;
  graph::testing::expect_gradients_match(
      [&] {
        const AttentionResult r = f.run(2);
        return graph::concat({r.context, r.weights}, 1);
      },
      vars, options);
}

TEST_P(AttentionTest, ALongerSourceThanItsMaximumIsAnErrorExactlyWhenTheRegistrySaysSo) {
  const Fixture f(GetParam());  // max_source_length 8
  const Var longer = Var::constant(random_tensor({1, 9, kValue}, 205));
  const auto prepare = [&] { f.attention->prepare(longer, Tensor::filled({1, 1, 9}, 1.0f), {9}); };
  if (attention_mechanism(GetParam()).limits_source_length) {
    EXPECT_THROW(prepare(), std::invalid_argument);
  } else {
    EXPECT_NO_THROW(prepare());
  }
}

TEST_P(AttentionTest, MismatchedSizesAreAnErrorExactlyForTheDotScore) {
  for (ScoreFunction score : {ScoreFunction::dot, ScoreFunction::general}) {
    AttentionOptions o;
    o.mechanism = GetParam();
    o.local_score = score;
    graph::Parameters params;
    graph::RandomGenerator gen(206);
    const auto make = [&] { make_attention(o, params, "attention", kQuery, kValue + 2, gen); };
    if (attention_mechanism(GetParam()).uses_dot_score(o)) {
      EXPECT_THROW(make(), std::invalid_argument) << score_function_name(score);
    } else {
      EXPECT_NO_THROW(make()) << score_function_name(score);
    }
  }
}

TEST_P(AttentionTest, IsDescribedAndCountsItsFlops) {
  const AttentionMechanism& m = attention_mechanism(GetParam());
  EXPECT_FALSE(m.description.empty());
  const AttentionSizes sizes{
      .source_positions = 12, .target_positions = 10, .source_width = 6, .query_size = 4, .value_size = 8};
  // At least the context, sum_s a_s h_s: 2 x target positions x width x value size.
  EXPECT_GE(m.forward_flops({}, sizes), 2 * 10 * 6 * 8);
}

INSTANTIATE_TEST_SUITE_P(Mechanisms, AttentionTest, ::testing::ValuesIn(testing::registered_mechanisms(true)),
                         testing::mechanism_test_name);

TEST(LocalAttention, MonotonicWindowFollowsTheTargetPosition) {
  for (ScoreFunction score : {ScoreFunction::dot, ScoreFunction::general, ScoreFunction::concat}) {
    const Fixture f("local-m", score);
    const AttentionResult r = f.run(3);  // window [2, 4] with D = 1
    for (std::int64_t b = 0; b < kRows; ++b) {
      const std::int64_t centre = std::min<std::int64_t>(3, kLengths[b] - 1);
      for (std::int64_t s = 0; s < kSource; ++s)
        if (std::abs(s - centre) > 1) {
          EXPECT_EQ(r.weights.value().data()[b * kSource + s], 0.0f) << b << " " << s;
        }
    }
  }
}

TEST(LocalAttention, PredictiveGradientFlowsThroughThePosition) {
  const Fixture f("local-p");
  const AttentionResult r = f.run(0);
  graph::backward(graph::sum(graph::mul(r.weights, Var::constant(random_tensor(r.weights.shape(), 204)))));
  const Var& w_p = f.params.get("attention.position_hidden.weight");
  ASSERT_TRUE(w_p.grad().defined());
  double norm = 0;
  for (float g : w_p.grad().values()) norm += std::abs(g);
  EXPECT_GT(norm, 0.0) << "no gradient reached W_p through p_t";
}

TEST(AttentionRegistry, NamesAreUniqueAndAnUnknownNameListsTheChoices) {
  const std::vector<std::string> names = attention_mechanism_names();
  ASSERT_FALSE(names.empty());
  EXPECT_EQ(names.front(), "none");
  EXPECT_TRUE(attention_mechanism("none").is_none());
  for (const std::string& name : names) {
    EXPECT_EQ(attention_mechanism(name).name, name);
    EXPECT_EQ(std::count(names.begin(), names.end(), name), 1) << name;
  }
  try {
    attention_mechanism("luong-dott");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("luong-dot"), std::string::npos);
  }
  EXPECT_THROW(parse_score_function("cosine"), std::invalid_argument);
}

TEST(AttentionMemory, SelectRowsRepeatsSentencesForBeams) {
  const Fixture f("luong-general");
  const AttentionMemory m = f.attention->prepare(f.values, padding_mask(), kLengths);
  const std::vector<std::int32_t> rows{2, 2, 0};
  const AttentionMemory s = m.select_rows(rows);
  EXPECT_EQ(s.lengths, (std::vector<std::int32_t>{1, 1, 6}));
  EXPECT_EQ(s.values.shape(), (graph::Shape{3, kSource, kValue}));
  EXPECT_EQ(s.mask.data()[0 * kSource + 1], 0.0f);
  EXPECT_EQ(s.mask.data()[2 * kSource + 5], 1.0f);
}

}  // namespace
}  // namespace nmt::layers
