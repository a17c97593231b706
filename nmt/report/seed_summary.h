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
