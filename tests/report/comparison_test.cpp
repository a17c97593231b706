// A comparison of two tiny runs (Luong general attention, and none), trained here: its rows
// hold what the runs' metrics.jsonl files say and what their models do on the test set, and
// the HTML report is well-formed, with a curve per run per chart and heat-maps whose cells are
// the model's attention weights.
#include "nmt/report/comparison.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "nmt/decode/attention_profile.h"
#include "nmt/decode/translator.h"
#include "nmt/eval/bleu.h"
#include "nmt/eval/chrf.h"
#include "nmt/graph/engine.h"
#include "nmt/models/factory.h"
#include "nmt/models/saved_model.h"
#include "nmt/report/html_report.h"
#include "nmt/report/table.h"
#include "xml_tree.h"

namespace nmt::report {
namespace {

namespace fs = std::filesystem;
using testing::parse_xml;
using testing::XmlElement;

const std::vector<std::size_t> kHeatmapLines = {2, 4};

DecodingSettings settings() {
  DecodingSettings s;
  s.beam_size = 3;
  s.threads = 1;
  s.length_penalty = 0.6;
  return s;
}

// The two runs, trained once per test process (ctest runs every test in its own process).
struct Runs {
  fs::path base;
  std::vector<RunSpec> specs;
  TestSet test;
  Comparison comparison;

  Runs() {
    if (::chdir(NMT_SOURCE_DIR) != 0) throw std::runtime_error("cannot enter the source directory");
    base = fs::temp_directory_path() / ("nmt-comparison-" + std::to_string(::getpid()));
    fs::remove_all(base);
    for (const std::string attention : {"luong-general", "none"}) {
      const std::string dir = (base / ("tiny-" + attention)).string();
      specs.push_back(resolve_run("recipes/tiny.yaml", {"model.attention=" + attention, "output.directory=" + dir}));
      specs.back().name = "tiny-" + attention;
      std::ostringstream log;
      if (train_unless_finished(specs.back(), log, false) != TrainingOutcome::trained)
        throw std::runtime_error("training " + dir + " failed:\n" + log.str());
    }
    test = read_test_set(specs[0].recipe.data.test_source, specs[0].recipe.data.test_target);
    comparison.decoding = settings();
    comparison.test_source = test.source_path;
    comparison.test_reference = test.reference_path;
    comparison.test_sentences = test.sources.size();
    comparison.heatmap_lines = kHeatmapLines;
    for (const auto& spec : specs) comparison.runs.push_back(evaluate_run(spec, test, settings(), kHeatmapLines));
  }
  ~Runs() {
    std::error_code ignored;
    fs::remove_all(base, ignored);
  }
};

const Runs& runs() {
  static const Runs r;
  return r;
}

// What a metrics.jsonl says, read here without the library's reader.
struct Expected {
  std::int64_t steps = 0;
  double time = 0;
  std::vector<double> tokens_per_second;
  double best_perplexity = 1e300, best_bleu = -1;
  std::size_t validations = 0;
  std::string stop_reason;
};

Expected expected_from(const std::string& path) {
  Expected e;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    const auto j = nlohmann::json::parse(line);
    const std::string event = j.at("event");
    if (event == "test") continue;
    e.steps = j.at("step");
    e.time = j.at("time");
    if (event == "train") e.tokens_per_second.push_back(j.at("tokens_per_second"));
    if (event == "validation") {
      ++e.validations;
      e.best_perplexity = std::min(e.best_perplexity, j.at("dev_perplexity").get<double>());
      e.best_bleu = std::max(e.best_bleu, j.at("dev_bleu").get<double>());
    }
    if (event == "stop") e.stop_reason = j.at("reason");
  }
  return e;
}

// What the library translator makes of the test set with the comparison's settings.
decode::Translations translate_test_set(const models::SavedModel& saved, const TestSet& test) {
  decode::TranslateOptions o;
  o.batch_tokens = settings().batch_tokens;
  o.max_source_length = saved.model->max_source_length();
  o.beam.beam_size = settings().beam_size;
  o.beam.length_penalty = settings().length_penalty;
  o.beam.max_length_ratio = settings().max_length_ratio;
  o.beam.attention = true;
  graph::set_compute_threads(1);
  return decode::translate(*saved.model, saved.vocabularies, test.sources, o);
}

TEST(Comparison, RowsHoldWhatTheMetricsLogsSayAndTheSharedDecodingScores) {
  const Runs& r = runs();
  const Comparison& c = r.comparison;
  ASSERT_EQ(c.runs.size(), 2u);
  const auto csv = csv_rows(c);
  for (std::size_t i = 0; i < c.runs.size(); ++i) {
    const RunResult& run = c.runs[i];
    SCOPED_TRACE(run.name);
    EXPECT_EQ(run.name, r.specs[i].name);
    EXPECT_EQ(run.attention, i == 0 ? "luong-general" : "none");
    EXPECT_EQ(run.model_type, "rnn");
    const models::SavedModel saved = models::load_model(r.specs[i].directory() + "/model.nmt");
    EXPECT_EQ(run.parameters, saved.model->parameters().element_count());

    const Expected e = expected_from(r.specs[i].directory() + "/metrics.jsonl");
    EXPECT_EQ(e.steps, 12);  // recipes/tiny.yaml: max_steps 12, a validation every 4, a train record every 2
    EXPECT_EQ(e.validations, 3u);
    EXPECT_EQ(e.tokens_per_second.size(), 6u);
    EXPECT_EQ(run.metrics.steps, e.steps);
    EXPECT_EQ(run.metrics.training_seconds, e.time);
    double sum = 0;
    for (double t : e.tokens_per_second) sum += t;
    EXPECT_DOUBLE_EQ(*run.metrics.mean_tokens_per_second(), sum / static_cast<double>(e.tokens_per_second.size()));
    EXPECT_EQ(*run.metrics.best_dev_perplexity(), e.best_perplexity);
    EXPECT_EQ(*run.metrics.best_dev_bleu(), e.best_bleu);
    ASSERT_TRUE(run.metrics.stop);
    EXPECT_EQ(run.metrics.stop->reason, "max_steps");
    EXPECT_EQ(run.metrics.validations.size(), e.validations);

    // Test BLEU and chrF: the library translator with the same settings, scored by nmt_eval.
    const decode::Translations t = translate_test_set(saved, r.test);
    EXPECT_EQ(run.translations, t.best_lines());
    EXPECT_EQ(run.test_bleu, eval::corpus_bleu(t.best_lines(), {r.test.references}).score);
    EXPECT_EQ(run.test_chrf, eval::corpus_chrf(t.best_lines(), {r.test.references}).score);
    EXPECT_GT(run.sentences_per_second, 0);

    // The CSV carries the same numbers, exactly.
    ASSERT_EQ(csv[i].size(), table_columns().size());
    EXPECT_EQ(csv[i][0], run.name);
    EXPECT_EQ(csv[i][2], run.attention);
    EXPECT_EQ(csv[i][3], std::to_string(r.specs[i].recipe.training.seed));
    EXPECT_EQ(std::stoll(csv[i][4]), run.parameters);
    EXPECT_EQ(std::stod(csv[i][5]), e.time);
    EXPECT_DOUBLE_EQ(std::stod(csv[i][6]), sum / static_cast<double>(e.tokens_per_second.size()));
    EXPECT_EQ(std::stoll(csv[i][7]), e.steps);
    EXPECT_EQ(std::stod(csv[i][8]), e.best_perplexity);
    EXPECT_EQ(std::stod(csv[i][9]), e.best_bleu);
    EXPECT_EQ(std::stod(csv[i][10]), run.test_bleu);
    EXPECT_EQ(std::stod(csv[i][11]), run.test_chrf);
    // Where attention goes: the profile of the scored translations; none without attention.
    if (i == 0) {
      EXPECT_EQ(std::stod(csv[i][12]), decode::attention_profile(t).diagonal);
    } else {
      EXPECT_EQ(csv[i][12], "");
    }
    EXPECT_EQ(csv[i][14], "max_steps");
  }
}

TEST(Comparison, HtmlReportHasACurvePerRunPerChartAndHeatmapsOfTheModelsAttention) {
  const Runs& r = runs();
  const Comparison& c = r.comparison;
  const std::string html = html_report(c, {"nmt-compare test", "now", {}, {}});
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"", 0), 0u);
  std::unique_ptr<XmlElement> root;
  try {
    root = parse_xml(html);
  } catch (const testing::XmlError& e) {
    FAIL() << "report.html is not well-formed: " << e.what();
  }
  EXPECT_TRUE(root->find_all("script").empty());
  for (const auto* e : root->find_all([](const XmlElement& e) { return e.attribute("href") || e.attribute("src"); }))
    ADD_FAILURE() << "a reference to another file in <" << e->name << ">";

  // The table: a row per run.
  const auto rows = root->find_all([](const XmlElement& e) { return e.name == "tr" && e.attribute("data-recipe"); });
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]->attribute("data-recipe"), "tiny-luong-general");
  EXPECT_EQ(rows[0]->find_all("td")[2]->text, "luong-general");

  // Charts: one curve per run, through every validation.
  for (const std::string chart : {"dev-bleu", "dev-perplexity"}) {
    SCOPED_TRACE(chart);
    const auto svgs = root->find_all([&](const XmlElement& e) { return e.attribute("data-chart") == chart; });
    ASSERT_EQ(svgs.size(), 1u);
    for (const RunResult& run : c.runs) {
      const auto curves = svgs[0]->find_all(
          [&](const XmlElement& e) { return e.name == "polyline" && e.attribute("data-series") == run.name; });
      ASSERT_EQ(curves.size(), 1u) << run.name;
      std::istringstream points(*curves[0]->attribute("points"));
      std::size_t n = 0;
      for (std::string p; points >> p;) ++n;
      EXPECT_EQ(n, run.metrics.validations.size());
    }
    EXPECT_NE(svgs[0]->all_text().find("training time (seconds)"), std::string::npos);
  }

  // Heat-maps: one per line for the attention run, none for the run without attention.
  const auto figures = [&](const std::string& name) {
    return root->find_all([&](const XmlElement& e) {
      return e.name == "figure" && e.attribute("class") == "heatmap-figure" && e.attribute("data-recipe") == name;
    });
  };
  EXPECT_TRUE(figures("tiny-none").empty());
  const auto none_section = root->find_all(
      [](const XmlElement& e) { return e.name == "section" && e.attribute("data-recipe") == "tiny-none"; });
  ASSERT_EQ(none_section.size(), 1u);
  EXPECT_NE(none_section[0]->all_text().find("No heat-maps: this model has no attention"), std::string::npos);

  const auto maps = figures("tiny-luong-general");
  ASSERT_EQ(maps.size(), kHeatmapLines.size());
  const models::SavedModel saved = models::load_model(r.specs[0].directory() + "/model.nmt");
  const decode::Translations t = translate_test_set(saved, r.test);
  for (std::size_t k = 0; k < maps.size(); ++k) {
    const std::size_t line = kHeatmapLines[k];
    SCOPED_TRACE("test line " + std::to_string(line));
    EXPECT_EQ(maps[k]->attribute("data-line"), std::to_string(line));
    const decode::Translation& sentence = t.sentences[line - 1];
    const decode::TranslatedHypothesis& best = sentence.n_best.front();
    const std::size_t rows_expected = best.pieces.size() + (best.complete ? 1 : 0);
    const std::size_t columns = sentence.source_pieces.size() + 1;
    ASSERT_EQ(best.attention.size(), rows_expected);
    const auto cells =
        maps[k]->find_all([](const XmlElement& e) { return e.name == "rect" && e.attribute("class") == "cell"; });
    ASSERT_EQ(cells.size(), rows_expected * columns);
    for (const XmlElement* cell : cells) {
      const std::size_t i = std::stoul(*cell->attribute("data-target")),
                        j = std::stoul(*cell->attribute("data-source"));
      ASSERT_LT(i, rows_expected);
      ASSERT_LT(j, columns);
      EXPECT_EQ(std::stof(*cell->attribute("data-weight")), best.attention[i][j]) << i << "," << j;
    }
    // The axes carry the pieces, the caption the sentence and its translation.
    const auto labels = maps[k]->find_all([](const XmlElement& e) { return e.attribute("class") == "source-labels"; });
    ASSERT_EQ(labels.size(), 1u);
    EXPECT_EQ(labels[0]->find_all("text").front()->text, sentence.source_pieces.front());
    EXPECT_EQ(labels[0]->find_all("text").back()->text, "</s>");
    const std::string caption = maps[k]->find_all("figcaption")[0]->all_text();
    EXPECT_NE(caption.find(r.test.sources[line - 1]), std::string::npos) << caption;
    EXPECT_NE(caption.find(best.text), std::string::npos) << caption;
  }
}

TEST(Comparison, HeatmapLinesMustBeLinesOfTheTestSet) {
  const Runs& r = runs();
  try {
    evaluate_run(r.specs[0], r.test, settings(), {9});
    FAIL() << "accepted line 9 of 8";
  } catch (const ReportError& e) {
    EXPECT_EQ(std::string(e.what()), "heat-map line 9 is not a line of tests/data/tiny/dev.en (8 lines)");
  }
}

TEST(Comparison, AFinishedRunIsNotTrainedAgainButARaisedLimitResumesIt) {
  const fs::path dir = runs().base / "again";
  const RunSpec spec = resolve_run("recipes/tiny.yaml", {"output.directory=" + dir.string(), "training.max_steps=4"});
  std::ostringstream log;
  ASSERT_EQ(train_unless_finished(spec, log, false), TrainingOutcome::trained) << log.str();
  const auto slurp = [&] {
    std::ifstream in(dir / "metrics.jsonl");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  };
  const std::string before = slurp();
  EXPECT_EQ(train_unless_finished(spec, log, false), TrainingOutcome::already_finished);
  EXPECT_EQ(slurp(), before) << "a finished run was trained again";
  const RunSpec more = resolve_run(dir.string(), {"training.max_steps=6"});
  EXPECT_EQ(train_unless_finished(more, log, false), TrainingOutcome::trained);
  EXPECT_EQ(read_run_metrics((dir / "metrics.jsonl").string()).steps, 6);
  EXPECT_NE(log.str().find("resuming from"), std::string::npos) << log.str();
}

}  // namespace
TEST(Comparison, AFinishedRunIsRecognisedWithoutReadingItsCorpus) {
  // Collecting finished runs compares the stored recipe only: no corpus read, no model built.
  const fs::path dir = runs().base / "finished-without-corpus";
  fs::create_directories(dir);
  const fs::path source = dir / "train.en", target = dir / "train.fr";
  fs::copy_file(std::string(NMT_SOURCE_DIR) + "/tests/data/tiny/train.en", source,
                fs::copy_options::overwrite_existing);
  fs::copy_file(std::string(NMT_SOURCE_DIR) + "/tests/data/tiny/train.fr", target,
                fs::copy_options::overwrite_existing);
  const RunSpec spec = resolve_run("recipes/tiny.yaml",
                                   {"output.directory=" + (dir / "run").string(), "training.max_steps=2",
                                    "data.train_source=" + source.string(), "data.train_target=" + target.string()});
  std::ostringstream log;
  ASSERT_EQ(train_unless_finished(spec, log, false), TrainingOutcome::trained) << log.str();
  fs::remove(source);
  fs::remove(target);
  EXPECT_EQ(train_unless_finished(spec, log, false), TrainingOutcome::already_finished);
}

}  // namespace nmt::report
