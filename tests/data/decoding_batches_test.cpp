#include "nmt/data/decoding_batches.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nmt/data/special_ids.h"

namespace nmt::data {
namespace {

TokenSequences sources_of_lengths(const std::vector<size_t>& lengths) {
  TokenSequences sources;
  for (size_t i = 0; i < lengths.size(); ++i) {
    // Each token is the sentence index, so a row shows which sentence it holds.
    sources.push_back(std::vector<int32_t>(lengths[i], kFirstOrdinaryId + static_cast<int32_t>(i)));
  }
  return sources;
}

TEST(DecodingBatches, SortLongestFirstWithinTheBudgetAndRestoreTheInputOrder) {
  std::vector<size_t> lengths;
  for (size_t i = 0; i < 300; ++i) lengths.push_back(1 + (i * 37) % 60);
  const auto sources = sources_of_lengths(lengths);
  const auto batches = make_decoding_batches(sources, 500);

  std::vector<std::vector<std::string>> results;
  size_t previous_width = SIZE_MAX;
  for (const Batch& batch : batches) {
    EXPECT_LE(batch.padded_source_tokens(), 500u);
    EXPECT_LE(batch.source_width, previous_width);  // longest first
    previous_width = batch.source_width;
    EXPECT_TRUE(batch.target_input.empty());  // decoding batches carry no target
    std::vector<std::string> outputs;
    for (size_t row = 0; row < batch.rows; ++row) {
      const size_t sentence = batch.sentence_indices[row];
      EXPECT_EQ(batch.source_ids[row * batch.source_width], kFirstOrdinaryId + static_cast<int32_t>(sentence));
      EXPECT_EQ(batch.source_lengths[row], static_cast<int32_t>(lengths[sentence] + 1));
      outputs.push_back("output of " + std::to_string(sentence));
    }
    results.push_back(std::move(outputs));
  }
  const auto restored = restore_input_order<std::string>(batches, std::move(results));
  ASSERT_EQ(restored.size(), lengths.size());
  for (size_t i = 0; i < restored.size(); ++i) EXPECT_EQ(restored[i], "output of " + std::to_string(i));
}

TEST(DecodingBatches, OverlongAndEmptySentencesAreKept) {
  const auto sources = sources_of_lengths({3, 0, 40, 2});
  const auto batches = make_decoding_batches(sources, 20);
  ASSERT_GE(batches.size(), 2u);
  // The 40-token sentence exceeds the budget of 20 and gets a batch of its own.
  EXPECT_EQ(batches[0].rows, 1u);
  EXPECT_EQ(batches[0].sentence_indices[0], 2u);
  size_t rows = 0;
  bool saw_empty = false;
  for (const Batch& batch : batches) {
    rows += batch.rows;
    for (size_t row = 0; row < batch.rows; ++row) {
      if (batch.sentence_indices[row] == 1) {
        saw_empty = true;
        EXPECT_EQ(batch.source_lengths[row], 1);
        EXPECT_EQ(batch.source_ids[row * batch.source_width], kEosId);
      }
    }
  }
  EXPECT_EQ(rows, 4u);
  EXPECT_TRUE(saw_empty);
}

TEST(DecodingBatches, RestoreRejectsResultsThatDoNotMatchTheBatches) {
  const auto sources = sources_of_lengths({1, 2, 3});
  const auto batches = make_decoding_batches(sources, 100);
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_THROW(restore_input_order<int>(batches, {{1, 2}}), DataError);
  EXPECT_THROW(restore_input_order<int>(batches, {}), DataError);
  EXPECT_EQ(restore_input_order<int>(batches, {{10, 20, 30}}).size(), 3u);
}

TEST(DecodingBatches, NoInputGivesNoBatches) {
  EXPECT_TRUE(make_decoding_batches(TokenSequences{}, 100).empty());
  EXPECT_THROW(make_decoding_batches(sources_of_lengths({1}), 0), DataError);
}

TEST(DecodingBatches, WidthsRoundedUpStayWithinTheBudgetAndTheCap) {
  // Issue 15: few batch widths, few oneDNN primitives. The cap is what the model can read.
  const auto sources = sources_of_lengths({30, 17, 9, 3, 2, 34});
  const auto batches = make_decoding_batches(sources, 100, SIZE_MAX, {8, 36, 0});
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0].source_width, 36u);  // 34 + EOS rounds up to 40, capped at 36
  EXPECT_EQ(batches[0].rows, 2u);           // 100 / 36
  EXPECT_EQ(batches[1].source_width, 24u);  // 17 + EOS rounds up to 24
  EXPECT_EQ(batches[1].rows, 4u);
  for (const Batch& batch : batches) {
    EXPECT_LE(batch.padded_source_tokens(), 100u);
    for (size_t row = 0; row < batch.rows; ++row) {
      const size_t length = static_cast<size_t>(batch.source_lengths[row]);
      for (size_t t = 0; t < batch.source_width; ++t)
        EXPECT_EQ(batch.source_mask[row * batch.source_width + t], t < length ? 1.0f : 0.0f);
    }
  }
  // Without rounding, the longest sentence's own width.
  EXPECT_EQ(make_decoding_batches(sources, 100)[0].source_width, 35u);
}

}  // namespace
}  // namespace nmt::data
