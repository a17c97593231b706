#include "nmt/data/batching.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <set>
#include <tuple>
#include <vector>

#include "data_error_message.h"
#include "nmt/data/special_ids.h"

namespace nmt::data {
namespace {

using testing::data_error_message;

// A synthetic encoded corpus shaped like real text: target length close to source length,
// lengths spread from 1 to ~100 tokens, plus a known number of pairs the filter must drop.
struct SyntheticCorpus {
  std::shared_ptr<const EncodedCorpus> corpus;
  size_t too_long = 0;
  size_t empty_side = 0;
};

SyntheticCorpus make_corpus(size_t pairs, size_t max_length) {
  std::mt19937 random(12345);  // the test data only; the batcher has its own generator
  std::geometric_distribution<int> length(1.0 / 20);
  std::uniform_int_distribution<int> token(kFirstOrdinaryId, 7999);
  auto corpus = std::make_shared<EncodedCorpus>();
  SyntheticCorpus result;
  for (size_t i = 0; i < pairs; ++i) {
    size_t source_length = 1 + static_cast<size_t>(length(random));
    size_t target_length = std::max<int>(1, static_cast<int>(source_length) + static_cast<int>(random() % 7) - 3);
    if (i % 97 == 0) source_length = 0;  // an empty side
    if (i % 89 == 0) target_length = max_length + 1 + i % 5;
    result.empty_side += source_length == 0 || target_length == 0;
    result.too_long +=
        source_length != 0 && target_length != 0 && (source_length > max_length || target_length > max_length);
    std::vector<int32_t> source(source_length), target(target_length);
    for (auto& id : source) id = token(random);
    for (auto& id : target) id = token(random);
    corpus->source.push_back(source);
    corpus->target.push_back(target);
  }
  result.corpus = corpus;
  return result;
}

BatchingOptions options(uint64_t seed = 7) {
  BatchingOptions result;
  result.max_tokens = 1000;
  result.max_length = 120;
  result.seed = seed;
  return result;
}

std::vector<std::vector<size_t>> batches_of(const EpochPlan& plan) {
  std::vector<std::vector<size_t>> batches;
  for (size_t b = 0; b < plan.batch_count(); ++b) {
    const auto batch = plan.batch(b);
    batches.emplace_back(batch.begin(), batch.end());
  }
  return batches;
}

class BatchingTest : public ::testing::Test {
 protected:
  SyntheticCorpus data_ = make_corpus(5000, options().max_length);
  TrainingBatcher batcher_{data_.corpus, options()};
};

TEST_F(BatchingTest, FilterDropsAndCountsOverlongAndEmptyPairs) {
  const auto& stats = batcher_.filter_stats();
  EXPECT_GT(data_.too_long, 0u);
  EXPECT_GT(data_.empty_side, 0u);
  EXPECT_EQ(stats.too_long, data_.too_long);
  EXPECT_EQ(stats.empty_side, data_.empty_side);
  EXPECT_EQ(stats.kept, 5000 - data_.too_long - data_.empty_side);
  EXPECT_EQ(batcher_.sentences_per_epoch(), stats.kept);
}

TEST_F(BatchingTest, EveryKeptSentenceOccursExactlyOncePerEpoch) {
  const size_t max_length = options().max_length;
  for (uint64_t epoch : {0, 1, 5}) {
    std::vector<int> seen(data_.corpus->size(), 0);
    const auto plan = batcher_.plan_epoch(epoch);
    EXPECT_EQ(plan.batch_count(), batcher_.batches_per_epoch());
    for (const auto& batch : batches_of(plan)) {
      for (const size_t sentence : batch) ++seen[sentence];
    }
    for (size_t i = 0; i < seen.size(); ++i) {
      const size_t source = data_.corpus->source.length(i), target = data_.corpus->target.length(i);
      const bool kept = source > 0 && target > 0 && source <= max_length && target <= max_length;
      ASSERT_EQ(seen[i], kept ? 1 : 0) << "sentence " << i << " in epoch " << epoch;
    }
  }
}

struct Padding {
  double target = 0, source = 0;  // fraction of the padded matrices that is padding
};

Padding padding_of(const std::vector<Batch>& batches) {
  size_t real_target = 0, padded_target = 0, real_source = 0, padded_source = 0;
  for (const Batch& batch : batches) {
    real_target += batch.target_tokens();
    padded_target += batch.padded_target_tokens();
    real_source += batch.source_tokens();
    padded_source += batch.padded_source_tokens();
  }
  return {1.0 - double(real_target) / double(padded_target), 1.0 - double(real_source) / double(padded_source)};
}

std::vector<Batch> one_epoch(TrainingBatcher& batcher) {
  std::vector<Batch> batches;
  for (size_t b = 0; b < batcher.batches_per_epoch(); ++b) batches.push_back(batcher.next());
  return batches;
}

TEST_F(BatchingTest, TokenBudgetHoldsOnBothSidesAndPaddingIsSmall) {
  for (const size_t pool_batches : {0, 8}) {
    SCOPED_TRACE("pool_batches " + std::to_string(pool_batches));
    auto pooled = options();
    pooled.pool_batches = pool_batches;
    pooled.width_multiple = 1;  // the padding of the sorting itself (widths rounded up: below)
    TrainingBatcher batcher(data_.corpus, pooled);
    const auto batches = one_epoch(batcher);
    for (const Batch& batch : batches) {
      EXPECT_LE(batch.padded_target_tokens(), pooled.max_tokens);
      EXPECT_LE(batch.padded_source_tokens(), pooled.max_tokens);
    }
    // The same sentences cut into batches in random order: what bucketing saves.
    std::vector<size_t> shuffled;
    for (const Batch& batch : batches) {
      shuffled.insert(shuffled.end(), batch.sentence_indices.begin(), batch.sentence_indices.end());
    }
    std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(1));
    std::vector<Batch> unsorted;
    for (size_t start = 0; start < shuffled.size(); start += 40) {
      const size_t rows = std::min<size_t>(40, shuffled.size() - start);
      unsorted.push_back(make_training_batch(*data_.corpus, std::span<const size_t>(shuffled).subspan(start, rows)));
    }
    const Padding bucketed = padding_of(batches), random = padding_of(unsorted);
    EXPECT_GT(random.target, 0.4);  // so the comparison means something
    EXPECT_LT(bucketed.target, random.target / 5);
    EXPECT_LT(bucketed.source, random.source / 5);
    if (pool_batches == 0) {
      EXPECT_LT(bucketed.target, 0.03);  // sorted by target length alone
    } else {
      EXPECT_LT(bucketed.target + bucketed.source, 0.15);
    }
    // The budget is used: batches are not needlessly small.
    size_t padded_target = 0;
    for (const Batch& batch : batches) padded_target += batch.padded_target_tokens();
    EXPECT_GT(double(padded_target) / double(batches.size()), 0.75 * double(pooled.max_tokens));
  }
}

TEST_F(BatchingTest, WidthsRoundedUpGiveFewShapesWithinTheBudget) {
  // Every new batch shape creates oneDNN primitives and pooled buffers of its own (issue 15):
  // widths in multiples of 8 (at most max_length + 1) leave few shapes, at little padding.
  const auto shapes_and_padding = [&](size_t multiple) {
    auto o = options();
    o.width_multiple = multiple;
    TrainingBatcher batcher(data_.corpus, o);
    const auto batches = one_epoch(batcher);
    std::set<std::tuple<size_t, size_t, size_t>> shapes;
    for (const Batch& batch : batches) {
      shapes.insert({batch.rows, batch.source_width, batch.target_width});
      EXPECT_LE(batch.padded_target_tokens(), o.max_tokens);
      EXPECT_LE(batch.padded_source_tokens(), o.max_tokens);
      for (const size_t width : {batch.source_width, batch.target_width})
        EXPECT_TRUE(width % multiple == 0 || width == o.max_length + 1) << width;
    }
    return std::pair{shapes.size(), padding_of(batches)};
  };
  const auto [exact_shapes, exact_padding] = shapes_and_padding(1);
  const auto [rounded_shapes, rounded_padding] = shapes_and_padding(8);
  EXPECT_LT(rounded_shapes * 2, exact_shapes) << rounded_shapes << " shapes against " << exact_shapes;
  EXPECT_LT(rounded_padding.target + rounded_padding.source, exact_padding.target + exact_padding.source + 0.25);
  EXPECT_EQ(padded_width(9, 8, 0), 16u);
  EXPECT_EQ(padded_width(16, 8, 0), 16u);
  EXPECT_EQ(padded_width(98, 8, 101), 101u);  // the cap: a model may read no more
  EXPECT_EQ(padded_width(5, 1, 0), 5u);
}

TEST_F(BatchingTest, RowCountsAreMultiplesOfEightFromEightOn) {
  // An RNN decoder runs ops of [rows, hidden] at every time step: row counts from a small set
  // keep its primitives few (issue 15). A batch gives back its rows past a multiple of 8 to the
  // next one; only batches the budget limits to fewer than 8 rows (never here: 8 rows of the
  // longest sentences fit in 1000 tokens) and the last one of the epoch have other counts.
  const auto row_counts = [&](size_t row_multiple) {
    auto o = options();
    o.row_multiple = row_multiple;
    TrainingBatcher batcher(data_.corpus, o);
    std::set<size_t> counts;
    size_t small = 0, sentences = 0;
    for (const Batch& batch : one_epoch(batcher)) {
      counts.insert(batch.rows);
      sentences += batch.rows;
      EXPECT_LE(batch.padded_target_tokens(), o.max_tokens);
      EXPECT_LE(batch.padded_source_tokens(), o.max_tokens);
      if (row_multiple > 1) {
        EXPECT_TRUE(batch.rows % row_multiple == 0 || batch.rows < row_multiple) << batch.rows << " rows";
        small += batch.rows < row_multiple;
      }
    }
    EXPECT_EQ(sentences, batcher.sentences_per_epoch());
    EXPECT_LE(small, 1u) << "batches of fewer than " << row_multiple << " rows";
    return counts.size();
  };
  const size_t any = row_counts(1), eights = row_counts(8);
  EXPECT_LT(eights * 2, any) << eights << " row counts against " << any;
}

TEST_F(BatchingTest, SameSeedAndEpochGiveTheSameOrder) {
  TrainingBatcher again(data_.corpus, options());
  EXPECT_EQ(batches_of(again.plan_epoch(3)), batches_of(batcher_.plan_epoch(3)));
}

TEST_F(BatchingTest, OrderChangesWithTheEpochAndTheSeed) {
  const auto epoch0 = batches_of(batcher_.plan_epoch(0));
  EXPECT_NE(batches_of(batcher_.plan_epoch(1)), epoch0);
  TrainingBatcher other_seed(data_.corpus, options(8));
  EXPECT_NE(batches_of(other_seed.plan_epoch(0)), epoch0);
  // Not only the batch order changes: equal-length sentences are regrouped too.
  auto sorted0 = epoch0;
  auto sorted1 = batches_of(batcher_.plan_epoch(1));
  std::sort(sorted0.begin(), sorted0.end());
  std::sort(sorted1.begin(), sorted1.end());
  EXPECT_NE(sorted0, sorted1);
}

TEST_F(BatchingTest, ResumeFromASavedPositionGivesTheSameBatches) {
  const size_t per_epoch = batcher_.batches_per_epoch();
  const size_t interrupt_at = per_epoch - 3;  // resume near the end, run into epoch 1
  std::vector<std::vector<size_t>> uninterrupted;
  BatchPosition saved;
  for (size_t i = 0; i < per_epoch + 10; ++i) {
    if (i == interrupt_at) saved = batcher_.position();
    uninterrupted.push_back(batcher_.next().sentence_indices);
  }
  EXPECT_EQ(batcher_.position(), (BatchPosition{1, 10}));
  EXPECT_EQ(saved, (BatchPosition{0, interrupt_at}));

  TrainingBatcher resumed(data_.corpus, options());
  resumed.seek(saved);
  for (size_t i = interrupt_at; i < uninterrupted.size(); ++i) {
    ASSERT_EQ(resumed.next().sentence_indices, uninterrupted[i]) << "batch " << i;
  }
}

TEST_F(BatchingTest, BatchMatricesHoldTheSentencesWithBosEosAndPadding) {
  const Batch batch = batcher_.next();
  ASSERT_GT(batch.rows, 1u);
  ASSERT_EQ(batch.source_ids.size(), batch.rows * batch.source_width);
  ASSERT_EQ(batch.target_input.size(), batch.rows * batch.target_width);
  ASSERT_EQ(batch.target_output.size(), batch.rows * batch.target_width);
  ASSERT_EQ(batch.target_mask.size(), batch.rows * batch.target_width);
  ASSERT_EQ(batch.source_mask.size(), batch.rows * batch.source_width);
  for (size_t row = 0; row < batch.rows; ++row) {
    const auto source = data_.corpus->source[batch.sentence_indices[row]];
    const auto target = data_.corpus->target[batch.sentence_indices[row]];
    EXPECT_EQ(batch.source_lengths[row], static_cast<int32_t>(source.size() + 1));
    EXPECT_EQ(batch.target_lengths[row], static_cast<int32_t>(target.size() + 1));
    for (size_t t = 0; t < batch.source_width; ++t) {
      const size_t cell = row * batch.source_width + t;
      const int32_t expected = t < source.size() ? source[t] : t == source.size() ? kEosId : kPadId;
      ASSERT_EQ(batch.source_ids[cell], expected) << "row " << row << " t " << t;
      ASSERT_EQ(batch.source_mask[cell], t <= source.size() ? 1.0f : 0.0f);
    }
    for (size_t t = 0; t < batch.target_width; ++t) {
      const size_t cell = row * batch.target_width + t;
      const int32_t input = t == 0 ? kBosId : t <= target.size() ? target[t - 1] : kPadId;
      const int32_t output = t < target.size() ? target[t] : t == target.size() ? kEosId : kPadId;
      ASSERT_EQ(batch.target_input[cell], input) << "row " << row << " t " << t;
      ASSERT_EQ(batch.target_output[cell], output) << "row " << row << " t " << t;
      ASSERT_EQ(batch.target_mask[cell], t <= target.size() ? 1.0f : 0.0f);
    }
  }
  // The widths are those of the longest sentences, rounded up to the width multiple (at most
  // max_length + 1).
  const auto padding = batcher_.padding();
  EXPECT_EQ(
      padded_width(static_cast<size_t>(*std::max_element(batch.target_lengths.begin(), batch.target_lengths.end())),
                   padding.multiple, padding.target_cap),
      batch.target_width);
  EXPECT_EQ(
      padded_width(static_cast<size_t>(*std::max_element(batch.source_lengths.begin(), batch.source_lengths.end())),
                   padding.multiple, padding.source_cap),
      batch.source_width);
  // Without rounding, exactly the longest sentences.
  const Batch exact = make_training_batch(*data_.corpus, batch.sentence_indices);
  EXPECT_EQ(static_cast<size_t>(*std::max_element(exact.target_lengths.begin(), exact.target_lengths.end())),
            exact.target_width);
  EXPECT_EQ(static_cast<size_t>(*std::max_element(exact.source_lengths.begin(), exact.source_lengths.end())),
            exact.source_width);
}

TEST_F(BatchingTest, SeekPastTheEndOfAnEpochIsAnError) {
  const std::string message = data_error_message([&] { batcher_.seek({2, batcher_.batches_per_epoch()}); });
  EXPECT_NE(message.find(std::to_string(batcher_.batches_per_epoch()) + " batches"), std::string::npos) << message;
}

TEST(Batching, BudgetTooSmallForTheLongestSentenceIsAnError) {
  const auto data = make_corpus(100, 50);
  BatchingOptions bad;
  bad.max_length = 100;
  bad.max_tokens = 100;  // a 100-token sentence needs 101 with EOS
  const std::string message = data_error_message([&] { TrainingBatcher(data.corpus, bad); });
  EXPECT_NE(message.find("max_tokens 100"), std::string::npos) << message;
}

TEST(Batching, NothingLeftAfterTheFilterIsAnError) {
  auto corpus = std::make_shared<EncodedCorpus>();
  const std::vector<int32_t> long_sentence(30, kFirstOrdinaryId);
  corpus->source.push_back(long_sentence);
  corpus->target.push_back(long_sentence);
  BatchingOptions options;
  options.max_length = 20;
  const std::string message = data_error_message([&] { TrainingBatcher(corpus, options); });
  EXPECT_NE(message.find("1 longer than 20 tokens"), std::string::npos) << message;
}

}  // namespace
}  // namespace nmt::data
