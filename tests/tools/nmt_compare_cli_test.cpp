// nmt-compare and nmt-heatmap from the command line: usage and input errors, and a real
// comparison of two tiny recipes (trained by nmt-compare, then found finished, then collected
// from their run directories), with heat-maps drawn from nmt-translate's soft alignments.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_process.h"
#include "nmt/graph/precision.h"

namespace {

namespace fs = std::filesystem;
const std::string kBin = std::string(NMT_BINARY_DIR) + "/bin/";

using nmt::testing::Result;
using nmt::testing::slurp;
using nmt::testing::split_lines;

std::vector<std::string> split_csv(const std::string& line) {  // the fields here need no quoting
  std::vector<std::string> fields;
  std::stringstream in(line);
  for (std::string f; std::getline(in, f, ',');) fields.push_back(f);
  if (!line.empty() && line.back() == ',') fields.emplace_back();
  return fields;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = 0; (p = text.find(what, p)) != std::string::npos; p += what.size()) ++n;
  return n;
}

class NmtCompareCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nmt-compare-cli-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs a shell command in the source directory with `input` on standard input.
  Result run(const std::string& command, const std::string& input = "") const {
    return nmt::testing::run_in_source_dir(dir_, command, input);
  }
  Result compare(const std::string& arguments) const { return run(kBin + "nmt-compare --threads 1 " + arguments); }

  // recipes/tiny.yaml with another attention, training into dir_/run-ATTENTION.
  std::string tiny_recipe(const std::string& attention) const {
    std::string text = slurp(fs::path(NMT_SOURCE_DIR) / "recipes" / "tiny.yaml");
    text.replace(text.find("attention: luong-general"), 24, "attention: " + attention);
    text.replace(text.find("directory: runs/tiny"), 20, "directory: " + (dir_ / ("run-" + attention)).string());
    const fs::path path = dir_ / ("tiny-" + attention + ".yaml");
    std::ofstream(path) << text;
    return path.string();
  }

  // recipes/tiny-classifier.yaml with another pooling, training into dir_/classify-POOLING.
  std::string classifier_recipe(const std::string& pooling) const {
    std::string text = slurp(fs::path(NMT_SOURCE_DIR) / "recipes" / "tiny-classifier.yaml");
    text.replace(text.find("pooling: attention"), 18, "pooling: " + pooling);
    text.replace(text.find("directory: runs/tiny-classifier"), 31,
                 "directory: " + (dir_ / ("classify-" + pooling)).string());
    const fs::path path = dir_ / ("classify-" + pooling + ".yaml");
    std::ofstream(path) << text;
    return path.string();
  }

  fs::path dir_;
};

TEST_F(NmtCompareCli, HelpAndUsageErrors) {
  const Result help = compare("--help");
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("--collect-only"), std::string::npos) << help.out;
  const Result none = compare("");
  EXPECT_EQ(none.status, 2);
  EXPECT_NE(none.err.find("nmt-compare: give the recipes or run directories to compare"), std::string::npos)
      << none.err;
  const Result lines = compare("recipes/tiny.yaml --heatmap-sentences 3,x");
  EXPECT_EQ(lines.status, 2);
  EXPECT_NE(lines.err.find("--heatmap-sentences: 'x' is not a line number"), std::string::npos) << lines.err;
  EXPECT_EQ(compare("recipes/tiny.yaml --heatmap-sentences 0").status, 2);
  // The decoding ranges of nmt-translate, checked before any training.
  for (const char* bad : {"--beam-size 100000", "--length-penalty -1", "--length-penalty nan", "--max-length-ratio inf",
                          "--batch-tokens -1", "--batch-tokens 0", "--precision fp16"}) {
    const Result r = compare(std::string("recipes/tiny.yaml ") + bad);
    EXPECT_EQ(r.status, 2) << bad << "\n" << r.err;
    EXPECT_NE(r.err.find(" must be "), std::string::npos) << bad << "\n" << r.err;
  }
  const Result version = compare("--version");
  EXPECT_EQ(version.status, 0);
  EXPECT_NE(version.out.find("nmt-compare (nmt "), std::string::npos) << version.out;
  EXPECT_EQ(compare("recipes/tiny.yaml --heatmap-sentences 2,2").status, 2);
  EXPECT_EQ(compare("recipes/tiny.yaml --beam-size 0").status, 2);
  EXPECT_EQ(compare("recipes/tiny.yaml --frobnicate").status, 2);
  EXPECT_EQ(run(kBin + "nmt-heatmap --help").status, 0);
  EXPECT_EQ(run(kBin + "nmt-heatmap --line x").status, 2);
  const Result negative = run(kBin + "nmt-heatmap --line -1");
  EXPECT_EQ(negative.status, 2);
  EXPECT_NE(negative.err.find("--line counts input lines from 0, not -1"), std::string::npos) << negative.err;
  EXPECT_NE(run(kBin + "nmt-heatmap --version").out.find("nmt-heatmap (nmt "), std::string::npos);
}

TEST_F(NmtCompareCli, MissingRunsAndBadFilesAreErrorsNamingThem) {
  const std::string missing = (dir_ / "nothing").string();
  // (The default heat-map lines 3, 7 and 12 are for the en-fr test set: line 12 is left out
  // for the tiny one, which has 8 lines, and the errors below are about the runs.)
  Result r = compare("--collect-only recipes/tiny.yaml --set output.directory=" + missing);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("nmt-compare: " + missing + ": no run directory (the output.directory of recipes/tiny.yaml)"),
            std::string::npos)
      << r.err;
  // A directory with a recipe but no training yet.
  const fs::path run_dir = dir_ / "run";
  fs::create_directories(run_dir);
  fs::copy_file(fs::path(NMT_SOURCE_DIR) / "recipes" / "tiny.yaml", run_dir / "recipe.yaml");
  r = compare("--collect-only " + run_dir.string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find((run_dir / "metrics.jsonl").string() + ": missing: the run has not started training"),
            std::string::npos)
      << r.err;
  std::ofstream(run_dir / "metrics.jsonl")
      << "{\"event\":\"train\",\"step\":2,\"time\":0.5,\"epoch\":0,\"tokens_per_second\":9}\n{oops\n";
  r = compare("--collect-only " + run_dir.string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find((run_dir / "metrics.jsonl").string() + ":2: not a JSON object"), std::string::npos) << r.err;
  // A directory that is not a run, and a recipe with a mistake.
  r = compare("--collect-only " + dir_.string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(dir_.string() + " is a directory without a recipe.yaml"), std::string::npos) << r.err;
  const fs::path bad = dir_ / "bad.yaml";
  std::ofstream(bad) << "data:\n  train_source: a\n  train_target: b\ntraining:\n  max_step: 3\n";
  r = compare(bad.string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(bad.string() + ":5:3: unknown key 'training.max_step'"), std::string::npos) << r.err;
  // Heat-map lines past the end of the test set are refused before any training.
  r = compare("recipes/tiny.yaml --heatmap-sentences 2,9 --set output.directory=" + missing);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("--heatmap-sentences: line 9 is not a line of tests/data/tiny/dev.en (8 lines)"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(missing));
  // nmt-heatmap: a missing file.
  r = run(kBin + "nmt-heatmap --alignment-json " + (dir_ / "absent.jsonl").string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find((dir_ / "absent.jsonl").string() + ": cannot open"), std::string::npos) << r.err;
  r = run(kBin + "nmt-heatmap --alignment-json " + dir_.string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(dir_.string() + ": is a directory"), std::string::npos) << r.err;
}

// --seeds 2: every recipe trained twice (the second seed beside the recipe's own directory),
// one summary row per recipe with the spread over seeds and the test against --baseline,
// each seed's learning curve faint under the mean. A baseline that is no recipe is refused
// before any training.
TEST_F(NmtCompareCli, SeedsAreSummarizedWithSignificanceAgainstTheBaseline) {
  const std::string general = tiny_recipe("luong-general"), none = tiny_recipe("none");
  const Result unknown = compare(general + " " + none + " --seeds 2 --baseline tiny-bahdanau");
  EXPECT_EQ(unknown.status, 1);
  EXPECT_NE(
      unknown.err.find("--baseline tiny-bahdanau is none of the recipes compared (tiny-luong-general, tiny-none)"),
      std::string::npos)
      << unknown.err;
  EXPECT_FALSE(fs::exists(dir_ / "run-none"));
  EXPECT_EQ(compare(general + " --seeds 0").status, 2);

  const fs::path out = dir_ / "out";
  const Result r = compare(general + " " + none + " --seeds 2 --baseline tiny-none --bootstrap-resamples 100 -o " +
                           out.string() + " --heatmap-sentences 1");
  ASSERT_EQ(r.status, 0) << r.err;
  for (const std::string run : {"run-luong-general", "run-luong-general-seed2", "run-none", "run-none-seed2"})
    EXPECT_TRUE(fs::exists(dir_ / run / "model.nmt")) << run;
  const auto summary = split_lines(slurp(out / "summary.csv"));
  ASSERT_EQ(summary.size(), 3u) << slurp(out / "summary.csv");
  const auto general_row = split_csv(summary[1]), none_row = split_csv(summary[2]);
  EXPECT_EQ(general_row[0], "tiny-luong-general");
  EXPECT_EQ(general_row[3], "2");
  EXPECT_EQ(general_row[8], "false");
  EXPECT_EQ(none_row[8], "true");
  EXPECT_EQ(none_row[9], "");
  // The p-value is nmt-bleu --paired-bs's on the pooled translations: each recipe's two seeds'
  // test translations one after the other, against the references twice.
  const std::string references = slurp(fs::path(NMT_SOURCE_DIR) / "tests" / "data" / "tiny" / "dev.fr");
  std::ofstream(dir_ / "references2") << references << references;
  for (const std::string recipe : {"tiny-none", "tiny-luong-general"}) {
    std::ofstream(dir_ / (recipe + ".pooled")) << slurp(out / "translations" / (recipe + "_seed_1.hyp"))
                                               << slurp(out / "translations" / (recipe + "_seed_2.hyp"));
  }
  const Result paired =
      run(kBin + "nmt-bleu " + (dir_ / "references2").string() + " -i " + (dir_ / "tiny-none.pooled").string() + " " +
          (dir_ / "tiny-luong-general.pooled").string() + " -m bleu chrf --paired-bs --paired-bs-n 100");
  ASSERT_EQ(paired.status, 0) << paired.err;
  const auto report = nlohmann::json::parse(paired.out);
  EXPECT_EQ(std::stod(general_row[9]), report[1]["BLEU"]["p_value"].get<double>());
  EXPECT_EQ(std::stod(general_row[10]), report[1]["chrF2"]["p_value"].get<double>());
  // The spread is the sample deviation of the two runs' test BLEU in comparison.csv.
  const auto runs = split_lines(slurp(out / "comparison.csv"));
  ASSERT_EQ(runs.size(), 5u);
  const double a = std::stod(split_csv(runs[1])[10]), b = std::stod(split_csv(runs[2])[10]);
  EXPECT_EQ(split_csv(runs[1])[0], "tiny-luong-general seed 1");
  EXPECT_EQ(split_csv(runs[2])[3], "2");
  EXPECT_NEAR(std::stod(general_row[4]), (a + b) / 2, 1e-9);
  EXPECT_NEAR(std::stod(general_row[5]), std::abs(a - b) / std::sqrt(2.0), 1e-9);
  EXPECT_NE(r.out.find("| tiny-none | rnn | none | 2 |"), std::string::npos) << r.out;
  const std::string md = slurp(out / "comparison.md");
  EXPECT_LT(md.find("## Recipes"), md.find("## Every run")) << md;
  EXPECT_NE(md.find("100 resamples, seed 12345) of each recipe against tiny-none"), std::string::npos) << md;
  const std::string html = slurp(out / "report.html");
  EXPECT_EQ(run("xmllint --noout " + (out / "report.html").string()).status, 0);
  EXPECT_NE(html.find("<table class=\"comparison summary\">"), std::string::npos);
  EXPECT_EQ(count(html, "<g class=\"series faint\" data-series=\"tiny-none seed 2\">"), 2u);
  EXPECT_EQ(count(html, "<polyline data-series=\"tiny-none (mean of 2 seeds)\""), 2u);
}

TEST_F(NmtCompareCli, TrainsComparesCollectsAndDrawsHeatmaps) {
  const std::string general = tiny_recipe("luong-general"), none = tiny_recipe("none");
  const fs::path out = dir_ / "out";
  const Result first = compare(general + " " + none + " -o " + out.string() + " --heatmap-sentences 1,3 --beam-size 2");
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_NE(first.out.find("| tiny-luong-general | rnn | luong-general |"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("| tiny-none | rnn | none |"), std::string::npos) << first.out;

  // The CSV: a row per recipe, numbers from each run's metrics.jsonl.
  const auto csv = split_lines(slurp(out / "comparison.csv"));
  ASSERT_EQ(csv.size(), 3u) << slurp(out / "comparison.csv");
  for (std::size_t i = 1; i < csv.size(); ++i) {
    const auto fields = split_csv(csv[i]);
    ASSERT_EQ(fields.size(), 15u) << csv[i];
    const std::string attention = i == 1 ? "luong-general" : "none";
    EXPECT_EQ(fields[0], "tiny-" + attention);
    EXPECT_EQ(fields[2], attention);
    nlohmann::json stop;
    for (const auto& line : split_lines(slurp(dir_ / ("run-" + attention) / "metrics.jsonl"))) {
      const auto j = nlohmann::json::parse(line);
      if (j.at("event") == "stop") stop = j;
    }
    EXPECT_EQ(std::stod(fields[5]), stop.at("time").get<double>());
    EXPECT_EQ(fields[7], "12");
    EXPECT_EQ(fields[14], "max_steps");
    EXPECT_EQ(split_lines(slurp(out / "translations" / ("tiny-" + attention + ".hyp"))).size(), 8u);
  }
  EXPECT_NE(slurp(out / "comparison.md").find("| tiny-none | rnn | none |"), std::string::npos);

  // The report: well-formed for libxml2 too, heat-maps for the attention run only.
  const std::string html = slurp(out / "report.html");
  const Result lint = run("xmllint --noout " + (out / "report.html").string());
  EXPECT_EQ(lint.status, 0) << lint.err;
  EXPECT_EQ(count(html, "class=\"heatmap-figure\" data-recipe=\"tiny-luong-general\""), 2u);
  EXPECT_EQ(count(html, "class=\"heatmap-figure\" data-recipe=\"tiny-none\""), 0u);
  EXPECT_EQ(count(html, "<polyline data-series=\"tiny-none\""), 2u);  // dev BLEU and dev perplexity
  EXPECT_NE(html.find("beam size 2"), std::string::npos);

  // Again: both runs are finished, nothing is trained, the logs stay as they are.
  const std::string metrics = slurp(dir_ / "run-none" / "metrics.jsonl");
  const Result again = compare(general + " " + none + " -o " + out.string() + " --heatmap-sentences 1,3 --beam-size 2");
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(count(again.err, "already trained"), 2u) << again.err;
  EXPECT_EQ(slurp(dir_ / "run-none" / "metrics.jsonl"), metrics);
  // Collected from the run directories: the same numbers (the decoding is deterministic;
  // only its speed differs).
  const fs::path collected = dir_ / "collected";
  const Result collect =
      compare("--collect-only " + (dir_ / "run-luong-general").string() + " " + (dir_ / "run-none").string() + " -o " +
              collected.string() + " --heatmap-sentences 1,3 --beam-size 2");
  ASSERT_EQ(collect.status, 0) << collect.err;
  EXPECT_EQ(collect.err.find("training"), std::string::npos) << collect.err;
  const auto csv2 = split_lines(slurp(collected / "comparison.csv"));
  ASSERT_EQ(csv2.size(), 3u);
  for (std::size_t i = 1; i < csv.size(); ++i) {
    auto a = split_csv(csv[i]), b = split_csv(csv2[i]);
    EXPECT_EQ(b[0], i == 1 ? "run-luong-general" : "run-none");
    a[0] = b[0];
    a[13] = b[13];
    EXPECT_EQ(a, b);
  }

  // The test decoding in int8 (where the CPU has VNNI), said in the report.
  if (nmt::graph::precision_unavailable_reason(nmt::graph::Precision::int8).empty()) {
    const Result int8 = compare("--collect-only " + (dir_ / "run-luong-general").string() + " -o " +
                                (dir_ / "int8").string() + " --heatmap-sentences none --beam-size 2 --precision int8");
    ASSERT_EQ(int8.status, 0) << int8.err;
    EXPECT_NE(slurp(dir_ / "int8" / "comparison.md").find("on 1 thread, with int8 linear layers."), std::string::npos);
    EXPECT_EQ(slurp(collected / "comparison.md").find("int8"), std::string::npos);
  }

  // nmt-heatmap on nmt-translate's soft alignments: a cell per (target, source) pair with its weight.
  const std::string model = (dir_ / "run-luong-general" / "model.nmt").string();
  const Result soft =
      run(kBin + "nmt-translate --threads 1 --alignment soft -m " + model, "Open the file.\nChi Squared\n");
  ASSERT_EQ(soft.status, 0) << soft.err;
  std::ofstream(dir_ / "soft.jsonl") << soft.out;
  const nlohmann::json record = nlohmann::json::parse(split_lines(soft.out)[1]);
  const fs::path svg = dir_ / "line2.svg";
  const Result drawn =
      run(kBin + "nmt-heatmap --alignment-json " + (dir_ / "soft.jsonl").string() + " --line 1 -o " + svg.string());
  ASSERT_EQ(drawn.status, 0) << drawn.err;
  EXPECT_EQ(run("xmllint --noout " + svg.string()).status, 0);
  const std::string text = slurp(svg);
  const std::size_t rows = record.at("target").size(),
                    columns = record.at("source").size();  // "source" ends with "</s>"
  EXPECT_EQ(count(text, "class=\"cell\""), rows * columns);
  // Each cell reads <rect class="cell" data-target="I" data-source="J" data-weight="W" ...>.
  const auto attribute = [&](std::size_t from, const std::string& name) {
    const std::size_t start = text.find(name + "=\"", from) + name.size() + 2;
    return text.substr(start, text.find('"', start) - start);
  };
  std::size_t checked = 0;
  for (std::size_t p = 0; (p = text.find("<rect class=\"cell\"", p)) != std::string::npos; ++p, ++checked) {
    const std::size_t i = std::stoul(attribute(p, "data-target")), j = std::stoul(attribute(p, "data-source"));
    EXPECT_EQ(std::stof(attribute(p, "data-weight")), record.at("attention").at(i).at(j).get<float>()) << i << "," << j;
  }
  EXPECT_EQ(checked, rows * columns);
  for (const auto& piece : record.at("source"))
    if (piece != "</s>") {
      EXPECT_NE(text.find(">" + piece.get<std::string>() + "</text>"), std::string::npos);
    }
  EXPECT_NE(text.find(">&lt;/s&gt;</text>"), std::string::npos);
  // From standard input, to standard output: the first record.
  const Result piped = run(kBin + "nmt-heatmap", soft.out);
  ASSERT_EQ(piped.status, 0) << piped.err;
  EXPECT_EQ(piped.out.rfind("<?xml", 0), 0u);
  EXPECT_NE(piped.out.find("<title>line 0: "), std::string::npos);
  // A model without attention has no heat-map.
  const Result none_soft =
      run(kBin + "nmt-translate --threads 1 --alignment soft -m " + (dir_ / "run-none" / "model.nmt").string(),
          "Open the file.\n");
  ASSERT_EQ(none_soft.status, 0) << none_soft.err;
  const Result no_attention = run(kBin + "nmt-heatmap", none_soft.out);
  EXPECT_EQ(no_attention.status, 1);
  EXPECT_NE(no_attention.err.find("standard input:1: no attention weights: the model has no attention"),
            std::string::npos)
      << no_attention.err;
}

}  // namespace

// Classifiers are labelled and scored by accuracy and macro-F1 instead of translated; their
// summary tests accuracy and macro-F1 as the translation summary tests BLEU and chrF.
TEST_F(NmtCompareCli, ClassifiersAreComparedByAccuracyAndMacroF1) {
  const std::string attention = classifier_recipe("attention"), mean = classifier_recipe("mean");
  EXPECT_EQ(compare(attention + " --beam-size 4").status, 2);
  const Result mixed = compare(attention + " " + tiny_recipe("luong-general"));
  EXPECT_EQ(mixed.status, 1);
  EXPECT_NE(mixed.err.find("nmt-compare compares translation models or classifiers, not both"), std::string::npos)
      << mixed.err;
  const fs::path out = dir_ / "out";
  const Result r = compare(attention + " " + mean + " --seeds 2 --set training.max_steps=20 --baseline classify-mean " +
                           "--bootstrap-resamples 100 -o " + out.string());
  ASSERT_EQ(r.status, 0) << r.err;
  // Every run's labels, and its scores as the trainer scored model.nmt on the same test split.
  const auto runs = split_lines(slurp(out / "comparison.csv"));
  ASSERT_EQ(runs.size(), 5u) << slurp(out / "comparison.csv");
  EXPECT_EQ(split_csv(runs[0])[9], "test_accuracy");
  for (std::size_t i = 1; i < runs.size(); ++i) {
    const auto row = split_csv(runs[i]);
    const std::string directory = row[0].substr(0, row[0].find(' ')) + (row[2] == "1" ? "" : "-seed" + row[2]);
    const nlohmann::json scores = nlohmann::json::parse(slurp(dir_ / directory / "test.scores.json"));
    EXPECT_EQ(std::stod(row[9]), scores.at("test_accuracy").get<double>()) << row[0];
    EXPECT_EQ(std::stod(row[10]), scores.at("test_macro_f1").get<double>()) << row[0];
    const std::string predictions =
        slurp(out / "predictions" / (row[0].substr(0, row[0].find(' ')) + "_seed_" + row[2] + ".labels"));
    EXPECT_EQ(predictions, slurp(dir_ / directory / "test.labels")) << row[0];
  }
  const auto summary = split_lines(slurp(out / "summary.csv"));
  ASSERT_EQ(summary.size(), 3u);
  const auto attention_row = split_csv(summary[1]), mean_row = split_csv(summary[2]);
  EXPECT_EQ(attention_row[0], "classify-attention");
  EXPECT_EQ(attention_row[7], "false");
  EXPECT_EQ(mean_row[7], "true");
  const double p = std::stod(attention_row[8]);
  EXPECT_GT(p, 0.0);
  EXPECT_LE(p, 1.0);
  const double a = std::stod(split_csv(runs[1])[9]), b = std::stod(split_csv(runs[2])[9]);
  EXPECT_NEAR(std::stod(attention_row[3]), (a + b) / 2, 1e-9);
  EXPECT_NE(r.out.find("| classify-mean | mean | 2 |"), std::string::npos) << r.out;
  const std::string html = slurp(out / "report.html");
  EXPECT_EQ(run("xmllint --noout " + (out / "report.html").string()).status, 0);
  EXPECT_EQ(count(html, "data-chart=\"dev-accuracy\""), 1u);
  EXPECT_EQ(count(html, "<figure class=\"heatmap-figure\" data-recipe=\"classify-attention seed 1\""), 3u);
  EXPECT_EQ(count(html, "<figure class=\"heatmap-figure\" data-recipe=\"classify-mean seed 1\""), 0u);
  EXPECT_NE(html.find("this model pools without attention weights"), std::string::npos);
  // Collected again without training, the same table.
  const Result again = compare(attention + " " + mean +
                               " --seeds 2 --set training.max_steps=20 --baseline classify-mean "
                               "--bootstrap-resamples 100 --collect-only -o " +
                               (dir_ / "again").string());
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(slurp(dir_ / "again" / "summary.csv"), slurp(out / "summary.csv"));
  const auto collected = split_lines(slurp(dir_ / "again" / "comparison.csv"));
  ASSERT_EQ(collected.size(), runs.size());
  for (std::size_t i = 1; i < runs.size(); ++i) {
    auto a = split_csv(runs[i]), b = split_csv(collected[i]);
    a.erase(a.begin() + 11);  // labelling sentences per second: a time
    b.erase(b.begin() + 11);
    EXPECT_EQ(a, b);
  }
}
