// Comparing sentence classifiers (model.type classifier, issue 20) as nmt-compare compares
// translation models: every run's model labels the same test set, scored by accuracy and
// macro-F1; one row per run; with several runs one row per recipe (mean and standard deviation
// over its seeds, and paired bootstrap tests of accuracy and macro-F1 against a baseline on
// pooled predictions, as seed_summary.h does for BLEU); learning curves of dev accuracy and
// macro-F1; and, for attention pooling, heat-maps of a few test sentences (one row per head).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nmt/data/labelled_sentences.h"
#include "nmt/eval/classification_scores.h"
#include "nmt/report/comparison.h"
#include "nmt/report/html_report.h"
#include "nmt/report/run_metrics.h"
#include "nmt/report/run_spec.h"
#include "nmt/report/seed_summary.h"

namespace nmt::report {

struct LabelledTestSet {
  std::string text_path, labels_path;
  data::LabelledSentences sentences;  // every line, an empty one included
};
// ReportError naming the files when they cannot be read or differ in length, or are empty.
LabelledTestSet read_labelled_test_set(const std::string& text_path, const std::string& labels_path);

struct ClassifierRunResult {
  std::string name, argument, run_directory, recipe_name;
  std::int64_t seed = 0;
  std::string pooling;  // "attention", "attention (4 heads)", "mean", ...
  std::int64_t parameters = 0;
  RunMetrics metrics;
  std::vector<std::string> labels;            // the model's label set
  std::vector<std::int32_t> gold, predicted;  // ids in `labels`, per test line
  eval::ClassificationScores scores;
  double seconds = 0, sentences_per_second = 0;  // labelling the test set
  std::vector<HeatmapSentence> heatmaps;         // attention pooling only
};

// Loads RUN/model.nmt and RUN/metrics.jsonl, labels the test set (batches of batch_tokens, on
// threads threads, timed), scores it, and draws the attention pooling's weights of the
// heatmap_lines (1-based). ReportError when a test label is not among the model's labels
// (naming the file and line).
ClassifierRunResult evaluate_classifier_run(const RunSpec& spec, const LabelledTestSet& test, std::size_t batch_tokens,
                                            int threads, const std::vector<std::size_t>& heatmap_lines);

struct ClassifierComparison {
  std::string test_text, test_labels;
  std::size_t test_sentences = 0;
  std::size_t batch_tokens = 0;
  int threads = 0;
  std::vector<std::size_t> heatmap_lines;
  std::vector<ClassifierRunResult> runs;
};

struct ClassifierRecipeSummary {
  std::string name, pooling;
  std::vector<std::size_t> runs;  // indices into ClassifierComparison::runs, in seed order
  double accuracy_mean = 0, accuracy_sd = 0, macro_f1_mean = 0, macro_f1_sd = 0;
  bool baseline = false;
  std::optional<eval::TestResult> accuracy_test, macro_f1_test;  // against the baseline
};

// ReportError when the runs' label sets differ, or as group_by_recipe (seed_summary.h).
std::vector<ClassifierRecipeSummary> summarize_classifier_recipes(const ClassifierComparison& comparison,
                                                                  const SummaryOptions& options);

// comparison.md: a title, the summary over recipes (when given), the table of every run and
// what its columns mean. The same tables as CSV (full precision).
std::string classifier_markdown(const ClassifierComparison& comparison,
                                const std::vector<ClassifierRecipeSummary>& summaries, const SummaryOptions& options);
std::string classifier_markdown_table(const ClassifierComparison& comparison);
std::string classifier_csv(const ClassifierComparison& comparison);
std::string classifier_summary_csv(const std::vector<ClassifierRecipeSummary>& summaries);
std::string classifier_summary_markdown(const std::vector<ClassifierRecipeSummary>& summaries,
                                        const SummaryOptions& options);

// report.html: the tables, dev accuracy and macro-F1 against training time
// (<svg data-chart="dev-accuracy">, "dev-macro-f1"), and the heat-maps
// (<figure class="heatmap-figure" data-recipe=RUN data-line=N>). Self-contained, as html_report.h.
std::string classifier_html_report(const ClassifierComparison& comparison,
                                   const std::vector<ClassifierRecipeSummary>& summaries, const ReportInfo& info);

}  // namespace nmt::report
