// The attention profile the trainer logs at every validation, on attention rows whose
// centroids are known by construction.
#include "nmt/decode/attention_profile.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace nmt::decode {
namespace {

// A translation whose target token t attends to source position positions[t] alone, of
// `source` positions (pieces and EOS) in rows two columns wider (the batch's padding).
Translation looking_at(std::vector<std::size_t> positions, std::size_t source) {
  TranslatedHypothesis hypothesis;
  for (const std::size_t s : positions) {
    std::vector<float> row(source + 2, 0.0f);
    row.at(s) = 1.0f;
    hypothesis.attention.push_back(row);
  }
  Translation translation;
  translation.source_pieces.assign(source - 1, "piece");
  translation.n_best.push_back(hypothesis);
  return translation;
}

TEST(AttentionProfile, MonotonicAttentionIsDiagonal) {
  Translations translations;
  translations.sentences = {looking_at({0, 1, 2, 3, 4}, 5), looking_at({0, 3, 6}, 7)};
  const AttentionProfile profile = attention_profile(translations);
  EXPECT_EQ(profile.tokens, 8u);
  EXPECT_DOUBLE_EQ(profile.centre, 0.5);
  EXPECT_NEAR(profile.diagonal, 1.0, 1e-12);
  // Relative positions 0, 1/4, ..., 1 (sd sqrt(1/8)) and 0, 1/2, 1 (sd sqrt(1/6)).
  EXPECT_NEAR(profile.spread, 0.5 * (std::sqrt(1.0 / 8.0) + std::sqrt(1.0 / 6.0)), 1e-12);
}

TEST(AttentionProfile, AttentionStuckInTheMiddleDoesNotFollow) {
  Translations translations;
  translations.sentences = {looking_at({2, 2, 2, 2}, 5), looking_at({3, 3}, 7)};
  const AttentionProfile profile = attention_profile(translations);
  EXPECT_DOUBLE_EQ(profile.centre, 0.5);
  EXPECT_DOUBLE_EQ(profile.spread, 0.0);
  EXPECT_DOUBLE_EQ(profile.diagonal, 0.0);
}

TEST(AttentionProfile, ReversedAttentionIsAntiDiagonalAndWeightsAreAveraged) {
  Translations translations;
  translations.sentences = {looking_at({4, 2, 0}, 5)};
  // Half the weight on each of positions 0 and 4: the centroid is the middle.
  translations.sentences[0].n_best[0].attention[1] = {0.5f, 0.0f, 0.0f, 0.0f, 0.5f, 0.0f, 0.0f};
  const AttentionProfile profile = attention_profile(translations);
  EXPECT_NEAR(profile.diagonal, -1.0, 1e-12);
  EXPECT_DOUBLE_EQ(profile.centre, 0.5);
}

TEST(AttentionProfile, TranslationsWithoutAttentionRowsCountNothing) {
  Translations translations;
  translations.sentences = {Translation{}, looking_at({0}, 3), looking_at({0, 0}, 1)};
  EXPECT_EQ(attention_profile(translations).tokens, 0u);
}

}  // namespace
}  // namespace nmt::decode
