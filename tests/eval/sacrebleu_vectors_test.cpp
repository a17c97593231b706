// Conformance with sacreBLEU 2.6.0: every case in tests/data/bleu (see its README.md and
// ORIGIN.md), every metric label in its expected.json. A label names the options that
// differ from the defaults ("bleu tokenize=intl", "chrf++"); a label this file cannot
// read fails the test, so a new kind of vector cannot be skipped silently.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "nmt/eval/bleu.h"
#include "nmt/eval/chrf.h"
#include "nmt/eval/line_reader.h"
#include "nmt/eval/report.h"

namespace nmt::eval {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr double kScoreTolerance = 1e-4;

fs::path vector_dir() { return fs::path(NMT_SOURCE_DIR) / "tests" / "data" / "bleu"; }

json read_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  return json::parse(in);
}

// The corpus-level cases: every folder with a hyp.txt.
std::vector<std::string> corpus_cases() {
  std::vector<std::string> names;
  if (!fs::is_directory(vector_dir())) return names;
  for (const fs::directory_entry& entry : fs::directory_iterator(vector_dir())) {
    if (fs::exists(entry.path() / "hyp.txt")) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

struct Label {
  bool is_bleu = true;
  BleuOptions bleu;
  ChrfOptions chrf;
};

// "bleu", "chrf" or "chrf++", then options: tokenize=NAME, lowercase, smooth=METHOD.
// Returns an error message for anything else.
std::optional<std::string> parse_label(const std::string& text, Label& label) {
  std::istringstream words(text);
  std::string metric;
  words >> metric;
  if (metric == "chrf" || metric == "chrf++") {
    label.is_bleu = false;
    if (metric == "chrf++") label.chrf = chrf_plus_plus();
  } else if (metric != "bleu") {
    return "unknown metric '" + metric + "'";
  }
  for (std::string option; words >> option;) {
    const std::size_t equals = option.find('=');
    const std::string key = option.substr(0, equals);
    const std::string value = equals == std::string::npos ? "" : option.substr(equals + 1);
    if (key == "lowercase") {
      label.bleu.lowercase = true;
      label.chrf.lowercase = true;
    } else if (key == "tokenize" && label.is_bleu && parse_tokenizer(value)) {
      label.bleu.tokenizer = *parse_tokenizer(value);
    } else if (key == "smooth" && label.is_bleu && parse_smoothing(value)) {
      label.bleu.smoothing = *parse_smoothing(value);  // default values, as the README says
    } else {
      return "unknown option '" + option + "'";
    }
  }
  return std::nullopt;
}

std::string sacrebleu_formatted(const MetricReport& report) {
  return format_text(report, 2);  // sacreBLEU's Score.format() default width
}

class SacrebleuCorpusVectors : public testing::TestWithParam<std::string> {};

TEST_P(SacrebleuCorpusVectors, EveryMetricMatches) {
  const fs::path dir = vector_dir() / GetParam();
  const json expected = read_json(dir / "expected.json");
  const std::vector<std::string> hypotheses = read_segments_file((dir / "hyp.txt").string()).lines;
  std::vector<std::vector<std::string>> references;
  for (int r = 0; fs::exists(dir / ("ref" + std::to_string(r) + ".txt")); ++r) {
    references.push_back(read_segments_file((dir / ("ref" + std::to_string(r) + ".txt")).string()).lines);
  }
  const int nrefs = static_cast<int>(references.size());
  ASSERT_EQ(expected.at("references").get<int>(), nrefs);
  ASSERT_FALSE(expected.at("results").empty());

  for (const json& result : expected.at("results")) {
    const std::string metric = result.at("metric").get<std::string>();
    SCOPED_TRACE("case " + GetParam() + ", metric '" + metric + "'");
    Label label;
    if (const auto error = parse_label(metric, label)) {
      ADD_FAILURE() << "cannot test this label: " << *error;
      continue;
    }
    if (label.is_bleu) {
      const BleuScore score = corpus_bleu(hypotheses, references, label.bleu);
      for (int n = 0; n < kBleuMaxOrder; ++n) {
        EXPECT_EQ(score.counts[n], result.at("counts")[n].get<double>()) << "counts, order " << n + 1;
        EXPECT_EQ(score.totals[n], result.at("totals")[n].get<double>()) << "totals, order " << n + 1;
        EXPECT_NEAR(score.precisions[n], result.at("precisions")[n].get<double>(), kScoreTolerance)
            << "precision, order " << n + 1;
      }
      EXPECT_EQ(score.sys_len, result.at("sys_len").get<std::int64_t>());
      EXPECT_EQ(score.ref_len, result.at("ref_len").get<std::int64_t>());
      EXPECT_NEAR(score.bp, result.at("bp").get<double>(), kScoreTolerance);
      EXPECT_NEAR(score.score, result.at("score").get<double>(), kScoreTolerance);
      EXPECT_EQ(sacrebleu_formatted(bleu_report(score, label.bleu, nrefs, kSacrebleuVersion)),
                result.at("formatted").get<std::string>());
    } else {
      const ChrfScore score = corpus_chrf(hypotheses, references, label.chrf);
      EXPECT_NEAR(score.score, result.at("score").get<double>(), kScoreTolerance);
      EXPECT_EQ(sacrebleu_formatted(chrf_report(score, label.chrf, nrefs, kSacrebleuVersion)),
                result.at("formatted").get<std::string>());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(TestsDataBleu, SacrebleuCorpusVectors, testing::ValuesIn(corpus_cases()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

// Guards the parametrized test above against an empty or misplaced data folder.
TEST(SacrebleuVectors, DataFolderHoldsTheCases) {
  const std::vector<std::string> cases = corpus_cases();
  for (const char* name : {"all-empty", "empty-lines", "heavy", "identical", "light", "short-brevity", "two-refs"}) {
    EXPECT_NE(std::find(cases.begin(), cases.end(), name), cases.end()) << name << " missing in " << vector_dir();
  }
  EXPECT_TRUE(fs::exists(vector_dir() / "sentence" / "expected.json"));
}

TEST(SacrebleuVectors, SentenceBleuWithEffectiveOrder) {
  const json expected = read_json(vector_dir() / "sentence" / "expected.json");
  ASSERT_FALSE(expected.empty());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const json& pair = expected[i];
    SCOPED_TRACE("sentence pair " + std::to_string(i));
    const BleuScore score = sentence_bleu(pair.at("hyp").get<std::string>(), {pair.at("ref").get<std::string>()});
    EXPECT_NEAR(score.score, pair.at("bleu").get<double>(), kScoreTolerance);
  }
}

}  // namespace
}  // namespace nmt::eval
