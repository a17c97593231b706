// nmt-classify from the command line, on classifiers that nmt-train makes from the tiny
// classifier recipe: one "LABEL<TAB>probability" line per input line, attention JSON lines
// that nmt-heatmap draws, and clear errors for bad input.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_process.h"

namespace {

namespace fs = std::filesystem;

using nmt::testing::Result;
using nmt::testing::slurp;
using nmt::testing::split_lines;

class NmtClassifyCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("nmt-classify-cli-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // Memorises its training sentences (dropout off): the labels nmt-classify gives are theirs.
    train("attention", "recipes/tiny-classifier.yaml --set training.max_steps=100 --set model.dropout=0");
    train("mean", "recipes/tiny-classifier.yaml --set training.max_steps=2 --set model.pooling=mean");
    train("translation", "recipes/tiny.yaml --set training.max_steps=2 --set output.translate_test=false");
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  static void train(const std::string& name, const std::string& arguments) {
    const Result r = run(std::string(NMT_BINARY_DIR) + "/bin/nmt-train " + arguments +
                             " -q --set output.directory=" + (dir_ / name).string(),
                         "");
    ASSERT_EQ(r.status, 0) << r.err;
  }
  static std::string model(const std::string& name) { return (dir_ / name / "model.nmt").string(); }

  static Result run(const std::string& command, const std::string& input) {
    return nmt::testing::run_in_source_dir(dir_, command, input);
  }
  static Result classify(const std::string& arguments, const std::string& input) {
    return run(std::string(NMT_BINARY_DIR) + "/bin/nmt-classify --threads 1 " + arguments, input);
  }

  static inline fs::path dir_;
};

TEST_F(NmtClassifyCli, OneLabelAndItsProbabilityPerInputLine) {
  const std::string sentences = slurp(fs::path(NMT_SOURCE_DIR) / "tests/data/tiny-labels/train.txt");
  const std::vector<std::string> labels =
      split_lines(slurp(fs::path(NMT_SOURCE_DIR) / "tests/data/tiny-labels/train.label"));
  const Result r = classify("-m " + model("attention"), sentences);
  ASSERT_EQ(r.status, 0) << r.err;
  const std::vector<std::string> lines = split_lines(r.out);
  ASSERT_EQ(lines.size(), labels.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::size_t tab = lines[i].find('\t');
    ASSERT_NE(tab, std::string::npos) << lines[i];
    EXPECT_EQ(lines[i].substr(0, tab), labels[i]) << "line " << i + 1;
    const double probability = std::stod(lines[i].substr(tab + 1));
    EXPECT_GT(probability, 1.0 / 3) << lines[i];  // the best of three labels
    EXPECT_LE(probability, 1.0);
    EXPECT_EQ(lines[i].size() - tab - 1, 6u) << "4 decimals: " << lines[i];
  }
  EXPECT_NE(r.err.find("nmt-classify: cpu: "), std::string::npos) << r.err;
  // An empty line gets a line too; -i and -o name files; -q silences the CPU line.
  const fs::path input = dir_ / "in.txt", output = dir_ / "out.tsv";
  std::ofstream(input) << "the small horse was seen at the park\n\nthe green bus waits at the house\n";
  const Result files = classify("-q -m " + model("attention") + " -i " + input.string() + " -o " + output.string(), "");
  ASSERT_EQ(files.status, 0) << files.err;
  EXPECT_EQ(files.err, "");
  EXPECT_EQ(split_lines(slurp(output)).size(), 3u);
  EXPECT_EQ(split_lines(slurp(output))[0].substr(0, 7), "animal\t");
}

TEST_F(NmtClassifyCli, AttentionIsAJsonLinePerSentenceThatNmtHeatmapDraws) {
  const Result r = classify("-q --attention -m " + model("attention"), "the small horse was seen at the park\n\n");
  ASSERT_EQ(r.status, 0) << r.err;
  const std::vector<std::string> lines = split_lines(r.out);
  ASSERT_EQ(lines.size(), 2u);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const nlohmann::json record = nlohmann::json::parse(lines[i]);
    EXPECT_EQ(record.at("line"), i);
    const auto& pieces = record.at("pieces");
    ASSERT_FALSE(pieces.empty());
    EXPECT_EQ(pieces.back(), "</s>");
    ASSERT_EQ(record.at("attention").size(), 1u);  // one head
    const auto& weights = record.at("attention")[0];
    ASSERT_EQ(weights.size(), pieces.size());
    double sum = 0;
    for (const auto& w : weights) sum += w.get<double>();
    EXPECT_NEAR(sum, 1.0, 1e-5);
  }
  EXPECT_EQ(nlohmann::json::parse(lines[0]).at("label"), "animal");
  EXPECT_EQ(nlohmann::json::parse(lines[1]).at("pieces").size(), 1u);  // the empty line: EOS alone
  const Result svg = run(std::string(NMT_BINARY_DIR) + "/bin/nmt-heatmap", lines[0] + "\n");
  ASSERT_EQ(svg.status, 0) << svg.err;
  EXPECT_NE(svg.out.find("data-rows=\"1\""), std::string::npos);
  EXPECT_NE(svg.out.find("the small horse was seen at the park"), std::string::npos);
  EXPECT_NE(svg.out.find("animal (p = "), std::string::npos);
}

TEST_F(NmtClassifyCli, WrongModelsFilesAndOptionsAreClearErrors) {
  Result r = classify("-m " + model("translation"), "x\n");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("holds a translation model (model.type rnn), not a classifier: nmt-translate reads it"),
            std::string::npos)
      << r.err;
  r = classify("--attention -m " + model("mean"), "x\n");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("pools its states with 'mean': it has no attention weights to show"), std::string::npos)
      << r.err;
  r = classify("-m " + model("attention") + " -i " + (dir_ / "missing.txt").string(), "");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("missing.txt"), std::string::npos) << r.err;
  r = classify("-m " + (dir_ / "missing.nmt").string(), "x\n");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("missing.nmt"), std::string::npos) << r.err;
  EXPECT_EQ(classify("", "x\n").status, 2);
  EXPECT_EQ(classify("-m " + model("attention") + " --batch-tokens 0", "x\n").status, 2);
  EXPECT_EQ(classify("-m " + model("attention") + " --threads 0", "x\n").status, 2);
  EXPECT_EQ(classify("-m " + model("attention") + " --beam-size 5", "x\n").status, 2);
  // Invalid UTF-8 is replaced and warned about, never fatal.
  r = classify("-m " + model("attention"), "the cat\xff is here\n");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(split_lines(r.out).size(), 1u);
  EXPECT_NE(r.err.find("line 1: invalid UTF-8 replaced by U+FFFD"), std::string::npos) << r.err;
}

}  // namespace
