// Checks the committed en-fr corpus (corpora/en-fr), which the default recipe trains on:
// that it reads, has the documented split sizes, and keeps dev and test out of train.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <unordered_set>

#include "nmt/data/parallel_corpus.h"

namespace nmt::data {
namespace {

const std::filesystem::path kCorpusDir = std::filesystem::path(NMT_SOURCE_DIR) / "corpora/en-fr";

ParallelCorpus read_split(const std::string& split) {
  return ParallelCorpus::read(kCorpusDir / (split + ".en.gz"), kCorpusDir / (split + ".fr.gz"));
}

TEST(DefaultCorpus, SplitsHaveTheDocumentedSizesAndNoEmptyLines) {
  const auto train = read_split("train");
  const auto dev = read_split("dev");
  const auto test = read_split("test");
  EXPECT_EQ(train.size(), 31221u);
  EXPECT_EQ(dev.size(), 1000u);
  EXPECT_EQ(test.size(), 1000u);
  EXPECT_EQ(train.skipped_empty_pairs() + dev.skipped_empty_pairs() + test.skipped_empty_pairs(), 0u);
}

TEST(DefaultCorpus, NoSourceOrTargetSentenceIsSharedBetweenSplits) {
  const auto train = read_split("train");
  const auto dev = read_split("dev");
  const auto test = read_split("test");
  std::unordered_set<std::string> train_sources(train.source().begin(), train.source().end());
  std::unordered_set<std::string> train_targets(train.target().begin(), train.target().end());
  EXPECT_EQ(train_sources.size(), train.size()) << "a source repeats within train";
  std::unordered_set<std::string> dev_sources(dev.source().begin(), dev.source().end());
  for (const auto* held_out : {&dev, &test}) {
    for (size_t i = 0; i < held_out->size(); ++i) {
      EXPECT_FALSE(train_sources.contains(held_out->source()[i])) << held_out->source()[i];
      EXPECT_FALSE(train_targets.contains(held_out->target()[i])) << held_out->target()[i];
    }
  }
  for (const auto& sentence : test.source()) EXPECT_FALSE(dev_sources.contains(sentence));
}

TEST(DefaultCorpus, NoPairHasIdenticalSides) {
  for (const std::string split : {"train", "dev", "test"}) {
    const auto corpus = read_split(split);
    for (size_t i = 0; i < corpus.size(); ++i) {
      EXPECT_NE(corpus.source()[i], corpus.target()[i]) << split << " pair " << i;
    }
  }
}

}  // namespace
}  // namespace nmt::data
