// One row per recipe when each was trained with several seeds (nmt-compare --seeds N): the
// mean and standard deviation of test BLEU and chrF over its seeds, and whether it differs
// from a baseline recipe by paired bootstrap resampling (eval/significance.h).
//
// The test is on pooled hypotheses: seed k of a recipe and seed k of the baseline are
// paired line by line, and the N test sets are concatenated into one of N x lines segments,
// resampled as sacreBLEU's --paired-bs resamples one. It answers whether the difference
// holds across test sentences given these trainings; how much another seed would move a
// score is what the standard deviation shows.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "nmt/eval/significance.h"
#include "nmt/report/comparison.h"
#include "nmt/report/run_spec.h"

namespace nmt::report {

struct RecipeSummary {
  std::string name;  // RunResult::recipe_name
  std::string model_type, attention;
  std::vector<std::size_t> runs;                                  // indices into Comparison::runs, in seed order
  double bleu_mean = 0, bleu_sd = 0, chrf_mean = 0, chrf_sd = 0;  // sd over seeds (n - 1); 0 for one seed (not shown)
  bool baseline = false;
  // Against the baseline (unset for the baseline itself): the pooled score, p-value, mean and interval.
  std::optional<eval::TestResult> bleu_test, chrf_test;
};

struct SummaryOptions {
  std::string baseline;  // a recipe name (or argument); empty: the first recipe
  int resamples = eval::kDefaultBootstrapResamples;
  std::optional<std::uint64_t> seed = eval::kDefaultSignificanceSeed;
};

// The runs of a comparison grouped by recipe (in order of first appearance), each group in seed
// order, and the baseline's group: shared by the translation summary here and the classifier's
// (classifier_comparison.h). ReportError when recipes have different seed counts or seeds not the
// same steps apart (the summary pairs seed k with seed k), or `baseline` (non-empty; a recipe
// name or argument) names no recipe.
struct RunIdentity {
  std::string recipe_name, argument;
  std::int64_t seed = 0;
};
struct RecipeGroups {
  std::vector<std::string> names;
  std::vector<std::vector<std::size_t>> runs;  // indices of the runs given, in seed order
  std::size_t baseline = 0;
};
RecipeGroups group_by_recipe(const std::vector<RunIdentity>& runs, const std::string& baseline);

// The mean and the sample standard deviation (n - 1; 0 for one value).
struct MeanAndDeviation {
  double mean = 0, deviation = 0;
};
MeanAndDeviation mean_and_deviation(const std::vector<double>& values);
// A summary cell: "27.51 ± 0.43", or for one seed "27.51".
std::string mean_cell(double mean, double deviation, std::size_t seeds);
// A p-value cell: "baseline", "0.0123 *" (* for p <= 0.05), or an en dash without a test.
std::string p_cell(const std::optional<eval::TestResult>& test, bool baseline);

// ReportError naming the recipes when `baseline` (non-empty) is none of them: checked before
// any training.
void check_baseline(const std::vector<RunSpec>& specs, const std::string& baseline);

// Each recipe's runs in seed order. ReportError when `options.baseline` names no recipe, or
// recipes have different seed counts or seeds not the same steps apart.
std::vector<RecipeSummary> summarize_recipes(const Comparison& comparison, const std::vector<std::string>& references,
                                             const SummaryOptions& options);

// The Markdown table of the summaries and a paragraph on how to read it.
std::string markdown_summary(const std::vector<RecipeSummary>& summaries, const SummaryOptions& options);
// The same as CSV: full precision, empty where there is no value.
std::string csv_summary(const std::vector<RecipeSummary>& summaries);
// The same as an HTML section (<table class="comparison summary">, a <tr data-recipe> per recipe).
std::string html_summary(const std::vector<RecipeSummary>& summaries, const SummaryOptions& options);

}  // namespace nmt::report
