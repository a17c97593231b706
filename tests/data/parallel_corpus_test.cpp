#include "nmt/data/parallel_corpus.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "data_error_message.h"
#include "temp_files.h"

namespace nmt::data {
namespace {

using testing::data_error_message;
using testing::TempDir;

std::vector<std::string> as_vector(std::span<const std::string> sentences) {
  return {sentences.begin(), sentences.end()};
}

TEST(ParallelCorpus, ReadsAlignedPairsFromPlainAndGzipFiles) {
  TempDir dir;
  const auto english = dir.write("c.en", "Open a file.\nSave the document.\n");
  const auto french = dir.write_gz("c.fr.gz", "Ouvrir un fichier.\r\nEnregistrer le document.\r\n");
  const auto corpus = ParallelCorpus::read(english, french);
  ASSERT_EQ(corpus.size(), 2u);
  EXPECT_EQ(as_vector(corpus.source()), (std::vector<std::string>{"Open a file.", "Save the document."}));
  EXPECT_EQ(as_vector(corpus.target()), (std::vector<std::string>{"Ouvrir un fichier.", "Enregistrer le document."}));
  EXPECT_EQ(corpus.skipped_empty_pairs(), 0u);
}

TEST(ParallelCorpus, SkipsAndCountsPairsWithAnEmptySide) {
  TempDir dir;
  const auto source = dir.write("s", "one\n\nthree\n  \t \nfive\n\nseven\n");
  const auto target = dir.write("t", "un\ndeux\n\nquatre\ncinq\n\nsept\n");
  const auto corpus = ParallelCorpus::read(source, target);
  EXPECT_EQ(as_vector(corpus.source()), (std::vector<std::string>{"one", "five", "seven"}));
  EXPECT_EQ(as_vector(corpus.target()), (std::vector<std::string>{"un", "cinq", "sept"}));
  EXPECT_EQ(corpus.skipped_empty_pairs(), 4u);
}

TEST(ParallelCorpus, LineCountMismatchNamesBothFilesAndBothCounts) {
  TempDir dir;
  const auto three = dir.write("three.en", "a\nb\nc\n");
  const auto five = dir.write_gz("five.fr.gz", "a\nb\nc\nd\ne\n");
  for (const bool source_is_shorter : {true, false}) {
    const auto& source = source_is_shorter ? three : five;
    const auto& target = source_is_shorter ? five : three;
    const std::string message = data_error_message([&] { ParallelCorpus::read(source, target); });
    EXPECT_NE(message.find(std::string("'") + source.string() + "' has " + (source_is_shorter ? "3" : "5") + " lines"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find(std::string("'") + target.string() + "' has " + (source_is_shorter ? "5" : "3")),
              std::string::npos)
        << message;
  }
}

TEST(ParallelCorpus, MissingSideNamesTheFile) {
  TempDir dir;
  const auto source = dir.write("s", "x\n");
  const auto missing = dir.path() / "t-missing";
  const std::string message = data_error_message([&] { ParallelCorpus::read(source, missing); });
  EXPECT_NE(message.find(missing.string()), std::string::npos) << message;
}

TEST(ParallelCorpus, InvalidUtf8OnTheTargetSideNamesFileAndLine) {
  TempDir dir;
  const auto source = dir.write("s", "a\nb\n");
  const auto target = dir.write("t", "a\n\xFF\n");
  const std::string message = data_error_message([&] { ParallelCorpus::read(source, target); });
  EXPECT_NE(message.find(target.string() + ":2:"), std::string::npos) << message;
}

TEST(ParallelCorpus, InMemorySidesMustHaveTheSameSize) {
  EXPECT_EQ(ParallelCorpus({"a", "b"}, {"x", "y"}).size(), 2u);
  const std::string message = data_error_message([] { ParallelCorpus({"a", "b"}, {"x"}); });
  EXPECT_NE(message.find("2 source and 1 target"), std::string::npos) << message;
}

}  // namespace
}  // namespace nmt::data
