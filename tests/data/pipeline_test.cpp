// The whole data path on real text: read files, train a joint vocabulary, encode, batch,
// and decode the batch matrices back to the original sentences.

#include <gtest/gtest.h>

#include <memory>
#include <set>

#include "nmt/data/batching.h"
#include "nmt/data/encoded_corpus.h"
#include "nmt/data/parallel_corpus.h"
#include "nmt/data/special_ids.h"
#include "nmt/data/vocabularies.h"
#include "small_corpus.h"

namespace nmt::data {
namespace {

std::vector<int32_t> row_until_eos(const std::vector<int32_t>& matrix, size_t width, size_t row, size_t skip_first) {
  std::vector<int32_t> ids;
  for (size_t t = skip_first; t < width; ++t) {
    const int32_t id = matrix[row * width + t];
    if (id == kEosId || id == kPadId) break;
    ids.push_back(id);
  }
  return ids;
}

TEST(Pipeline, BatchesDecodeBackToTheCorpusSentences) {
  const auto corpus = testing::small_corpus(250);
  VocabularyOptions vocabulary_options;
  vocabulary_options.subword.vocab_size = 400;
  vocabulary_options.subword.normalization = SubwordNormalization::identity;
  const auto vocabularies = train_vocabularies(corpus, vocabulary_options);
  auto encoded = std::make_shared<const EncodedCorpus>(encode_corpus(corpus, vocabularies));
  ASSERT_EQ(encoded->size(), corpus.size());

  BatchingOptions batching;
  batching.max_tokens = 600;
  batching.max_length = 80;
  TrainingBatcher batcher(encoded, batching);
  const auto& filtered = batcher.filter_stats();
  EXPECT_EQ(filtered.kept + filtered.too_long + filtered.empty_side, corpus.size());

  std::set<size_t> seen;
  for (size_t b = 0; b < batcher.batches_per_epoch(); ++b) {
    const Batch batch = batcher.next();
    for (size_t row = 0; row < batch.rows; ++row) {
      const size_t sentence = batch.sentence_indices[row];
      EXPECT_TRUE(seen.insert(sentence).second);
      EXPECT_EQ(vocabularies.source->decode(row_until_eos(batch.source_ids, batch.source_width, row, 0)),
                corpus.source()[sentence]);
      EXPECT_EQ(vocabularies.target->decode(row_until_eos(batch.target_output, batch.target_width, row, 0)),
                corpus.target()[sentence]);
      // The decoder input is the same sentence shifted right behind BOS.
      EXPECT_EQ(batch.target_input[row * batch.target_width], kBosId);
      EXPECT_EQ(vocabularies.target->decode(row_until_eos(batch.target_input, batch.target_width, row, 1)),
                corpus.target()[sentence]);
    }
  }
  EXPECT_EQ(seen.size(), filtered.kept);
}

}  // namespace
}  // namespace nmt::data
