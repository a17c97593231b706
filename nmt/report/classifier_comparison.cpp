#include "nmt/report/classifier_comparison.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <set>

#include "nmt/data/data_error.h"
#include "nmt/decode/classification.h"
#include "nmt/graph/engine.h"
#include "nmt/models/saved_classifier.h"
#include "nmt/report/markup.h"
#include "nmt/report/table.h"

namespace nmt::report {

namespace fs = std::filesystem;

namespace {

const std::string kMissing = "\xE2\x80\x93";  // an en dash

std::string optional_fixed(const std::optional<double>& v) { return v ? fmt::format("{:.2f}", *v) : kMissing; }
std::string exact(const std::optional<double>& v) { return v ? fmt::format("{}", *v) : std::string(); }

std::string pooling_of(const io::Recipe& recipe) {
  const auto& m = recipe.model;
  return m.pooling == "attention" && m.attention_heads > 1 ? fmt::format("attention ({} heads)", m.attention_heads)
                                                           : m.pooling;
}

const std::vector<TableColumn>& columns() {
  static const std::vector<TableColumn> c = {
      {"run", "run", "the recipe (and seed) of the run", false},
      {"pooling", "pooling", "how the encoder's states become one vector (model.pooling)", false},
      {"seed", "seed", "training.seed of the run", true},
      {"parameters", "parameters", "trainable parameters", true},
      {"training time", "training_seconds", "training time as metrics.jsonl records it, validations included", true},
      {"sent/s", "training_sentences_per_second", "training sentences per second, the mean of the train records", true},
      {"steps", "steps", "updates made", true},
      {"best dev accuracy", "best_dev_accuracy", "the highest dev accuracy of the run's validations (percent)", true},
      {"best dev macro-F1", "best_dev_macro_f1", "the highest dev macro-F1 of the run's validations", true},
      {"test accuracy", "test_accuracy", "accuracy of model.nmt on the test set (percent)", true},
      {"test macro-F1", "test_macro_f1",
       "macro-averaged F1 of model.nmt on the test set: the mean of each label's F1 (scikit-learn's)", true},
      {"labelling sent/s", "labelling_sentences_per_second", "test sentences labelled per second", true},
      {"stopped", "stop_reason", "why training stopped", false},
  };
  return c;
}

std::vector<std::string> readable_row(const ClassifierRunResult& r) {
  const RunMetrics& m = r.metrics;
  return {r.name,
          r.pooling,
          std::to_string(r.seed),
          thousands(static_cast<double>(r.parameters)),
          format_duration(m.training_seconds),
          m.mean_tokens_per_second() ? thousands(*m.mean_tokens_per_second()) : kMissing,
          thousands(static_cast<double>(m.steps)),
          optional_fixed(m.best_dev_accuracy()),
          optional_fixed(m.best_dev_macro_f1()),
          fmt::format("{:.2f}", r.scores.accuracy),
          fmt::format("{:.2f}", r.scores.macro_f1),
          thousands(r.sentences_per_second),
          m.stop ? m.stop->reason : "not stopped"};
}

std::vector<std::string> csv_row(const ClassifierRunResult& r) {
  const RunMetrics& m = r.metrics;
  return {r.name,
          r.pooling,
          std::to_string(r.seed),
          std::to_string(r.parameters),
          fmt::format("{}", m.training_seconds),
          exact(m.mean_tokens_per_second()),
          std::to_string(m.steps),
          exact(m.best_dev_accuracy()),
          exact(m.best_dev_macro_f1()),
          fmt::format("{}", r.scores.accuracy),
          fmt::format("{}", r.scores.macro_f1),
          fmt::format("{}", r.sentences_per_second),
          m.stop ? m.stop->reason : "not stopped"};
}

const std::vector<TableColumn>& summary_columns() {
  static const std::vector<TableColumn> c = {{"recipe", "recipe", "", false},
                                             {"pooling", "pooling", "", false},
                                             {"seeds", "seeds", "", true},
                                             {"test accuracy", "test_accuracy", "", true},
                                             {"test macro-F1", "test_macro_f1", "", true},
                                             {"accuracy: p vs baseline", "accuracy_p", "", true},
                                             {"macro-F1: p vs baseline", "macro_f1_p", "", true}};
  return c;
}

std::vector<std::string> summary_cells(const ClassifierRecipeSummary& s) {
  return {s.name,
          s.pooling,
          std::to_string(s.runs.size()),
          mean_cell(s.accuracy_mean, s.accuracy_sd, s.runs.size()),
          mean_cell(s.macro_f1_mean, s.macro_f1_sd, s.runs.size()),
          p_cell(s.accuracy_test, s.baseline),
          p_cell(s.macro_f1_test, s.baseline)};
}

std::string summary_explanation(const std::vector<ClassifierRecipeSummary>& summaries, const SummaryOptions& options) {
  const std::size_t seeds = summaries.front().runs.size();
  std::string baseline;
  for (const auto& s : summaries)
    if (s.baseline) baseline = s.name;
  return fmt::format(
      "Scores are the mean ± standard deviation over {} seed{} of the runs' test scores (one seed: its score). p is "
      "the paired bootstrap resampling test ({} resamples, seed {}) of each recipe against {}, on pooled predictions: "
      "seed k paired with the baseline's seed k, the {} test set{} one after another; * marks p <= 0.05. The spread "
      "over seeds is not in p: a difference smaller than the standard deviations is not one to build on even when p "
      "is small.",
      seeds, seeds == 1 ? "" : "s", options.resamples, eval::seed_label(options.seed), baseline, seeds,
      seeds == 1 ? "" : "s");
}

LineChart dev_chart(const ClassifierComparison& c, bool accuracy) {
  double longest = 0;
  for (const auto& r : c.runs)
    for (const auto& v : r.metrics.validations) longest = std::max(longest, v.time);
  const TimeUnit unit = time_unit_for(longest);
  LineChart chart;
  chart.id = accuracy ? "dev-accuracy" : "dev-macro-f1";
  chart.title = accuracy ? "Dev accuracy during training" : "Dev macro-F1 during training";
  chart.x_label = fmt::format("training time ({})", unit.name);
  chart.y_label = accuracy ? "dev accuracy (%)" : "dev macro-F1";
  std::vector<RunCurve> curves;
  for (const auto& r : c.runs) {
    RunCurve curve{r.name, r.recipe_name, {}};
    for (const auto& v : r.metrics.validations) {
      const std::optional<double>& value = accuracy ? v.dev_accuracy : v.dev_macro_f1;
      if (value) curve.points.emplace_back(v.time / unit.seconds, *value);
    }
    curves.push_back(std::move(curve));
  }
  add_run_curves(chart, curves);
  return chart;
}

}  // namespace

LabelledTestSet read_labelled_test_set(const std::string& text_path, const std::string& labels_path) {
  LabelledTestSet t;
  t.text_path = text_path;
  t.labels_path = labels_path;
  try {
    t.sentences = data::LabelledSentences::read(text_path, labels_path, false);
  } catch (const data::DataError& e) {
    throw ReportError(std::string("test set: ") + e.what());
  }
  if (t.sentences.size() == 0) throw ReportError("test set: " + text_path + " is empty");
  return t;
}

ClassifierRunResult evaluate_classifier_run(const RunSpec& spec, const LabelledTestSet& test, std::size_t batch_tokens,
                                            int threads, const std::vector<std::size_t>& heatmap_lines) {
  ClassifierRunResult r;
  r.name = spec.name;
  r.argument = spec.argument;
  r.recipe_name = spec.recipe_name;
  r.run_directory = spec.directory();
  const std::string model_path = (fs::path(spec.directory()) / "model.nmt").string();
  r.metrics = read_run_metrics((fs::path(spec.directory()) / "metrics.jsonl").string());
  if (!fs::exists(model_path)) throw ReportError(model_path + ": missing: no model to classify with");
  const models::SavedClassifier saved = models::load_classifier(model_path);
  r.seed = saved.recipe.training.seed;
  r.pooling = pooling_of(saved.recipe);
  r.parameters = saved.model->parameters().element_count();
  r.labels = saved.labels.names();
  for (const std::size_t line : heatmap_lines)
    if (line < 1 || line > test.sentences.size())
      throw ReportError(
          fmt::format("heat-map line {} is not a line of {} ({} lines)", line, test.text_path, test.sentences.size()));
  try {
    r.gold = saved.labels.ids(test.sentences, test.labels_path);
  } catch (const data::DataError& e) {
    throw ReportError(std::string("test set: ") + e.what() + " (of " + model_path + ")");
  }
  graph::set_compute_threads(threads);
  const auto start = std::chrono::steady_clock::now();
  const std::vector<decode::Classification> labelled =
      decode::classify(*saved.model, *saved.vocabulary, test.sentences.sentences, batch_tokens);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.sentences_per_second = static_cast<double>(labelled.size()) / std::max(r.seconds, 1e-9);
  for (const auto& c : labelled) r.predicted.push_back(c.prediction.label);
  r.scores = eval::score_classification(r.gold, r.predicted, r.labels.size());
  if (saved.model->config().pooling == layers::Pooling::attention) {
    for (const std::size_t line : heatmap_lines) {
      const decode::Classification& c = labelled[line - 1];
      AttentionMap map;
      map.title = fmt::format("test line {}", line);
      for (const std::int32_t id : c.ids) map.source_pieces.push_back(saved.vocabulary->piece(id));
      map.source_text = test.sentences.sentences[line - 1];
      map.target_text = fmt::format("{} (p = {:.4f}; gold: {})", saved.labels.name(c.prediction.label),
                                    c.prediction.probability, test.sentences.labels[line - 1]);
      map.weights = c.prediction.weights;
      for (std::size_t k = 0; k < map.weights.size(); ++k)
        map.target_pieces.push_back(map.weights.size() == 1 ? "attention" : fmt::format("head {}", k + 1));
      r.heatmaps.push_back({line, std::move(map)});
    }
  }
  return r;
}

std::vector<ClassifierRecipeSummary> summarize_classifier_recipes(const ClassifierComparison& c,
                                                                  const SummaryOptions& options) {
  std::vector<RunIdentity> identities;
  for (const auto& run : c.runs) {
    if (run.labels != c.runs.front().labels)
      throw ReportError(c.runs.front().name + " and " + run.name +
                        " were trained on different label sets: their predictions cannot be compared");
    identities.push_back({run.recipe_name, run.argument, run.seed});
  }
  const RecipeGroups groups = group_by_recipe(identities, options.baseline);
  std::vector<ClassifierRecipeSummary> summaries;
  if (groups.names.empty()) return summaries;
  const std::size_t label_count = c.runs.front().labels.size();
  // Seed k of every recipe against seed k of the baseline: the test sets one after another.
  const auto pooled = [&](const std::vector<std::size_t>& runs, bool gold) {
    std::vector<std::int32_t> ids;
    for (const std::size_t r : runs) {
      const auto& source = gold ? c.runs[r].gold : c.runs[r].predicted;
      ids.insert(ids.end(), source.begin(), source.end());
    }
    return ids;
  };
  const std::vector<std::size_t>& baseline_runs = groups.runs[groups.baseline];
  const std::vector<std::int32_t> gold = pooled(baseline_runs, true), baseline_predicted = pooled(baseline_runs, false);
  const eval::SegmentStatistics baseline_accuracy = eval::accuracy_statistics(gold, baseline_predicted);
  const eval::SegmentStatistics baseline_f1 = eval::macro_f1_statistics(gold, baseline_predicted, label_count);
  const eval::Resamples resamples(gold.size(), options.resamples, options.seed);
  for (std::size_t g = 0; g < groups.names.size(); ++g) {
    ClassifierRecipeSummary s;
    s.name = groups.names[g];
    s.pooling = c.runs[groups.runs[g].front()].pooling;
    s.runs = groups.runs[g];
    s.baseline = g == groups.baseline;
    std::vector<double> accuracies, f1s;
    for (const std::size_t r : s.runs) {
      accuracies.push_back(c.runs[r].scores.accuracy);
      f1s.push_back(c.runs[r].scores.macro_f1);
    }
    const MeanAndDeviation a = mean_and_deviation(accuracies), f = mean_and_deviation(f1s);
    s.accuracy_mean = a.mean;
    s.accuracy_sd = a.deviation;
    s.macro_f1_mean = f.mean;
    s.macro_f1_sd = f.deviation;
    if (!s.baseline) {
      const std::vector<std::int32_t> predicted = pooled(s.runs, false);
      s.accuracy_test = eval::paired_bootstrap(baseline_accuracy, eval::accuracy_statistics(gold, predicted),
                                               eval::accuracy_scorer(), resamples);
      s.macro_f1_test = eval::paired_bootstrap(baseline_f1, eval::macro_f1_statistics(gold, predicted, label_count),
                                               eval::macro_f1_scorer(label_count), resamples);
    }
    summaries.push_back(std::move(s));
  }
  return summaries;
}

std::string classifier_summary_markdown(const std::vector<ClassifierRecipeSummary>& summaries,
                                        const SummaryOptions& options) {
  if (summaries.empty()) return "";
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : summaries) rows.push_back(summary_cells(s));
  return markdown_grid(summary_columns(), rows) + "\n" + summary_explanation(summaries, options) + "\n";
}

std::string classifier_summary_csv(const std::vector<ClassifierRecipeSummary>& summaries) {
  std::string text =
      "recipe,pooling,seeds,test_accuracy_mean,test_accuracy_sd,test_macro_f1_mean,test_macro_f1_sd,baseline,"
      "accuracy_p_value,macro_f1_p_value\n";
  for (const auto& s : summaries) {
    const auto p = [](const std::optional<eval::TestResult>& t) { return t ? exact(t->p_value) : std::string(); };
    const bool spread = s.runs.size() > 1;
    text += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", csv_field(s.name), csv_field(s.pooling), s.runs.size(),
                        s.accuracy_mean, spread ? fmt::format("{}", s.accuracy_sd) : "", s.macro_f1_mean,
                        spread ? fmt::format("{}", s.macro_f1_sd) : "", s.baseline ? "true" : "false",
                        p(s.accuracy_test), p(s.macro_f1_test));
  }
  return text;
}

std::string classifier_markdown_table(const ClassifierComparison& c) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : c.runs) rows.push_back(readable_row(r));
  return markdown_grid(columns(), rows);
}

std::string classifier_markdown(const ClassifierComparison& c, const std::vector<ClassifierRecipeSummary>& summaries,
                                const SummaryOptions& options) {
  std::string text = fmt::format(
      "# Classifier comparison\n\nTest set `{}` / `{}` ({} sentences), labelled by every model (batches of {} "
      "subwords, {} thread{}); accuracy and macro-F1 in percent.\n\n",
      c.test_text, c.test_labels, c.test_sentences, c.batch_tokens, c.threads, c.threads == 1 ? "" : "s");
  if (!summaries.empty())
    text += "## Recipes\n\n" + classifier_summary_markdown(summaries, options) + "\n## Every run\n\n";
  text += classifier_markdown_table(c) + "\n";
  for (const auto& col : columns()) text += fmt::format("- **{}**: {}.\n", col.heading, col.meaning);
  return text;
}

std::string classifier_csv(const ClassifierComparison& c) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : c.runs) rows.push_back(csv_row(r));
  return csv_grid(columns(), rows);
}

std::string classifier_html_report(const ClassifierComparison& c, const std::vector<ClassifierRecipeSummary>& summaries,
                                   const ReportInfo& info) {
  std::string h =
      "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
      "<title>Classifier comparison</title>\n<style>";
  h += report_style();
  h += "</style>\n</head>\n<body>\n<h1>Classifier comparison</h1>\n";
  h += fmt::format("<p class=\"meta\">{} runs, generated {}{}.</p>\n", c.runs.size(), xml_escape(info.generated),
                   info.command_line.empty() ? "" : " by <code>" + xml_escape(info.command_line) + "</code>");
  h += "<h2>Results</h2>\n";
  h += fmt::format(
      "<p>Test set <code>{}</code> / <code>{}</code> ({} sentences), labelled by every model; accuracy and "
      "macro-F1 in percent.</p>\n",
      xml_escape(c.test_text), xml_escape(c.test_labels), c.test_sentences);
  std::vector<std::string> names;
  if (!summaries.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : summaries) {
      rows.push_back(summary_cells(s));
      names.push_back(s.name);
    }
    h += html_grid("comparison summary", summary_columns(), rows, names) + "<p>" +
         xml_escape(summary_explanation(summaries, info.summary_options)) + "</p>\n<h3>Every run</h3>\n";
  }
  std::vector<std::vector<std::string>> rows;
  names.clear();
  for (const auto& r : c.runs) {
    rows.push_back(readable_row(r));
    names.push_back(r.name);
  }
  h += html_grid("comparison", columns(), rows, names);
  h += "<dl class=\"columns\">\n";
  for (const auto& col : columns())
    h += "<dt>" + xml_escape(col.heading) + "</dt><dd>" + xml_escape(col.meaning) + ".</dd>\n";
  h += "</dl>\n";

  h += "<h2>Learning curves</h2>\n<p>Every validation of every run against its training time: accuracy and "
       "macro-F1 of the dev set, labelled without dropout.</p>\n";
  h += "<figure>\n" + line_chart_svg(dev_chart(c, true)) + "</figure>\n";
  h += "<figure>\n" + line_chart_svg(dev_chart(c, false)) + "</figure>\n";

  h += "<h2>Attention heat-maps</h2>\n<p>For test lines ";
  for (std::size_t i = 0; i < c.heatmap_lines.size(); ++i) h += (i ? ", " : "") + std::to_string(c.heatmap_lines[i]);
  h += ": the weights of the attention pooling over the sentence's subwords (<code>&#9601;</code> marks the start "
       "of a word; <code>&lt;/s&gt;</code> is the end of sentence), one row per head, each summing to 1; the label "
       "given, its probability and the gold label above. Hover a cell for its weight.</p>\n";
  for (std::size_t i = 0; i < c.runs.size(); ++i) {
    const ClassifierRunResult& r = c.runs[i];
    h += fmt::format(
        "<section class=\"recipe-heatmaps\" data-recipe=\"{}\">\n<h3>{} <small>(pooling: {})</small></h3>\n",
        xml_escape(r.name), xml_escape(r.name), xml_escape(r.pooling));
    if (r.heatmaps.empty() && !c.heatmap_lines.empty())
      h += "<p class=\"no-attention\">No heat-maps: this model pools without attention weights (<code>" +
           xml_escape(r.pooling) + "</code>).</p>\n";
    for (const HeatmapSentence& s : r.heatmaps) {
      h += fmt::format("<figure class=\"heatmap-figure\" data-recipe=\"{}\" data-line=\"{}\">\n", xml_escape(r.name),
                       s.line);
      h += heatmap_svg(*s.map, fmt::format("heatmap-{}-line-{}", i + 1, s.line), false);
      h += fmt::format("<figcaption>{}, test line {}: &#8220;{}&#8221; &#8594; {}</figcaption>\n</figure>\n",
                       xml_escape(r.name), s.line, xml_escape(s.map->source_text), xml_escape(s.map->target_text));
    }
    h += "</section>\n";
  }
  h += "</body>\n</html>\n";
  return h;
}

}  // namespace nmt::report
