// The shares of a batch that the processes of a data-parallel run train on (issue 18): together
// exactly the batch's rows, each a contiguous run with about an even part of its target tokens.
#include "nmt/train/batch_share.h"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

namespace {

using nmt::data::Batch;
using nmt::data::EncodedCorpus;
using nmt::train::batch_share;
using nmt::train::RowRange;
using nmt::train::share_rows;

// A corpus whose sentence i has lengths[i] target tokens (and as many source tokens), and one
// batch of all of it in corpus order.
struct Fixture {
  EncodedCorpus corpus;
  Batch batch;
  explicit Fixture(const std::vector<int>& lengths) {
    std::vector<std::size_t> sentences;
    for (std::size_t i = 0; i < lengths.size(); ++i) {
      std::vector<std::int32_t> ids(static_cast<std::size_t>(lengths[i]), static_cast<std::int32_t>(4 + i % 50));
      corpus.source.push_back(ids);
      corpus.target.push_back(ids);
      sentences.push_back(i);
    }
    batch = nmt::data::make_training_batch(corpus, sentences);
  }
};

std::size_t target_tokens(const Batch& batch, const RowRange& rows) {
  std::size_t tokens = 0;
  for (std::size_t r = rows.first; r < rows.last; ++r) tokens += static_cast<std::size_t>(batch.target_lengths[r]);
  return tokens;
}

TEST(BatchShare, TheSharesAreTheBatchsRowsInOrderWithEvenTokens) {
  std::vector<int> lengths;
  for (int i = 0; i < 37; ++i) lengths.push_back(3 + (i * 7) % 20);
  const Fixture f(lengths);
  const std::size_t total = f.batch.target_tokens();
  for (std::size_t parts : {1, 2, 3, 5}) {
    std::size_t next = 0;
    for (std::size_t part = 0; part < parts; ++part) {
      const RowRange rows = share_rows(f.batch, part, parts, 1);
      EXPECT_EQ(rows.first, next) << parts << " parts, part " << part;
      next = rows.last;
      // Within one row (at most 23 tokens, EOS included) of an even part.
      const double even = static_cast<double>(total) / static_cast<double>(parts);
      EXPECT_NEAR(static_cast<double>(target_tokens(f.batch, rows)), even, 23.0 * 2) << parts << " parts";
    }
    EXPECT_EQ(next, f.batch.rows) << parts << " parts";
  }
}

TEST(BatchShare, BoundariesFallOnTheRowMultipleWhenTheBatchHasRoomForIt) {
  const Fixture f(std::vector<int>(40, 5));
  for (std::size_t part = 0; part < 2; ++part) {
    const RowRange rows = share_rows(f.batch, part, 2, 8);
    EXPECT_EQ(rows.first % 8, 0u);
    EXPECT_TRUE(rows.last % 8 == 0 || rows.last == 40) << rows.last;
  }
  EXPECT_EQ(share_rows(f.batch, 0, 2, 8).last, 24u);  // 20 of 40 even rows, rounded up to 8s
  // Fewer rows than two parts of 8: row by row.
  const Fixture small(std::vector<int>(10, 5));
  EXPECT_EQ(share_rows(small.batch, 0, 2, 8).last, 5u);
}

TEST(BatchShare, ABatchWithFewerRowsThanPartsLeavesSomeSharesEmpty) {
  const Fixture f({6, 9});
  std::size_t rows = 0;
  for (std::size_t part = 0; part < 4; ++part) rows += share_rows(f.batch, part, 4, 1).rows();
  EXPECT_EQ(rows, 2u);
  EXPECT_EQ(share_rows(f.batch, 0, 4, 1).rows(), 1u);
  EXPECT_EQ(share_rows(f.batch, 1, 4, 1).rows(), 1u);
  EXPECT_EQ(share_rows(f.batch, 3, 4, 1).rows(), 0u);
  EXPECT_THROW(share_rows(f.batch, 4, 4, 1), std::invalid_argument);
}

TEST(BatchShare, AShareIsABatchOfItsRowsPaddedToItsOwnWidth) {
  const Fixture f({3, 4, 5, 12});
  const RowRange rows = share_rows(f.batch, 0, 2, 1);
  ASSERT_EQ(rows.last, 3u);  // 4+5+6 = 15 of the 15+13 tokens (EOS included) reach half
  const Batch share = batch_share(f.corpus, f.batch, 0, 2, {}, 1);
  EXPECT_EQ(share.rows, 3u);
  EXPECT_EQ(share.target_width, 6u);  // the longest of its three, not the batch's 13
  EXPECT_EQ(share.sentence_indices, (std::vector<std::size_t>{0, 1, 2}));
  const Batch rest = batch_share(f.corpus, f.batch, 1, 2, {}, 1);
  EXPECT_EQ(rest.sentence_indices, (std::vector<std::size_t>{3}));
  EXPECT_EQ(share.target_tokens() + rest.target_tokens(), f.batch.target_tokens());
}

}  // namespace
