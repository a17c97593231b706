#include "nmt/data/vocabularies.h"

#include <gtest/gtest.h>

#include "nmt/data/special_ids.h"
#include "small_corpus.h"

namespace nmt::data {
namespace {

VocabularyOptions options(bool joint) {
  VocabularyOptions result;
  result.subword.vocab_size = 400;
  result.subword.normalization = SubwordNormalization::identity;
  result.joint = joint;
  return result;
}

TEST(Vocabularies, JointSharesOneModelTrainedOnBothSides) {
  const auto corpus = testing::small_corpus();
  const auto vocabularies = train_vocabularies(corpus, options(true));
  ASSERT_TRUE(vocabularies.source);
  EXPECT_TRUE(vocabularies.joint());
  EXPECT_EQ(vocabularies.source, vocabularies.target);
  EXPECT_EQ(vocabularies.source->size(), 400);
  // Both languages round-trip through the shared model.
  EXPECT_EQ(vocabularies.source->decode(vocabularies.source->encode(corpus.source()[0])), corpus.source()[0]);
  EXPECT_EQ(vocabularies.target->decode(vocabularies.target->encode(corpus.target()[0])), corpus.target()[0]);
}

TEST(Vocabularies, SeparateModelsAreTrainedOnOneSideEach) {
  const auto corpus = testing::small_corpus();
  const auto vocabularies = train_vocabularies(corpus, options(false));
  EXPECT_FALSE(vocabularies.joint());
  EXPECT_EQ(vocabularies.source->size(), 400);
  EXPECT_EQ(vocabularies.target->size(), 400);
  EXPECT_NE(vocabularies.source->bytes(), vocabularies.target->bytes());
  // A French word is a single piece of the French vocabulary but not of the English one.
  EXPECT_NE(vocabularies.target->id("\xE2\x96\x81"
                                    "les"),
            kUnkId);
  EXPECT_EQ(vocabularies.source->id("\xE2\x96\x81"
                                    "les"),
            kUnkId);
}

}  // namespace
}  // namespace nmt::data
