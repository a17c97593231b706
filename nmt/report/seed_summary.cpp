#include "nmt/report/seed_summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "nmt/report/markup.h"
#include "nmt/report/table.h"

namespace nmt::report {

namespace {

const std::string kMissing = "\xE2\x80\x93";  // an en dash

std::string exact(const std::optional<double>& v) { return v ? fmt::format("{}", *v) : std::string(); }

std::vector<std::string> cells(const RecipeSummary& s) {
  return {s.name,
          s.model_type,
          s.attention,
          std::to_string(s.runs.size()),
          mean_cell(s.bleu_mean, s.bleu_sd, s.runs.size()),
          mean_cell(s.chrf_mean, s.chrf_sd, s.runs.size()),
          p_cell(s.bleu_test, s.baseline),
          p_cell(s.chrf_test, s.baseline)};
}

const std::vector<TableColumn>& summary_columns() {
  static const std::vector<TableColumn> columns = {{"recipe", "recipe", "", false},
                                                   {"model", "model", "", false},
                                                   {"attention", "attention", "", false},
                                                   {"seeds", "seeds", "", true},
                                                   {"test BLEU", "test_bleu", "", true},
                                                   {"test chrF", "test_chrf", "", true},
                                                   {"BLEU: p vs baseline", "bleu_p", "", true},
                                                   {"chrF: p vs baseline", "chrf_p", "", true}};
  return columns;
}

std::string explanation(const std::vector<RecipeSummary>& summaries, const SummaryOptions& options) {
  const std::size_t seeds = summaries.front().runs.size();
  std::string baseline;
  for (const auto& s : summaries)
    if (s.baseline) baseline = s.name;
  return fmt::format(
      "Scores are the mean ± standard deviation over {} seed{} of the runs' test scores (one seed: its score, "
      "without a spread). p is the paired bootstrap "
      "resampling test (Koehn 2004; sacreBLEU's --paired-bs: {} resamples, seed {}) of each recipe against {}, on "
      "pooled hypotheses: seed k paired with the baseline's seed k, the {} test set{} one after another; * marks p <= "
      "0.05, a difference unlikely to come from the choice of test sentences. The spread over seeds is not in p: a "
      "difference smaller than the standard deviations is not one to build on even when p is small.",
      seeds, seeds == 1 ? "" : "s", options.resamples, eval::seed_label(options.seed), baseline, seeds,
      seeds == 1 ? "" : "s");
}

// "a, b, c": the recipe names in order, once each.
std::string recipe_list(const std::vector<std::string>& names) {
  std::string list;
  std::vector<std::string> seen;
  for (const auto& name : names) {
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
    seen.push_back(name);
    list += (list.empty() ? "" : ", ") + name;
  }
  return list;
}

}  // namespace

MeanAndDeviation mean_and_deviation(const std::vector<double>& values) {
  MeanAndDeviation m;
  for (const double v : values) m.mean += v / static_cast<double>(values.size());
  if (values.size() < 2) return m;
  double squares = 0;
  for (const double v : values) squares += (v - m.mean) * (v - m.mean);
  m.deviation = std::sqrt(squares / static_cast<double>(values.size() - 1));
  return m;
}

std::string p_cell(const std::optional<eval::TestResult>& test, bool baseline) {
  if (baseline) return "baseline";
  if (!test || !test->p_value) return kMissing;
  return fmt::format("{:.4f}{}", *test->p_value, *test->p_value <= 0.05 ? " *" : "");
}

std::string mean_cell(double mean, double deviation, std::size_t seeds) {
  return seeds > 1 ? fmt::format("{:.2f} ± {:.2f}", mean, deviation) : fmt::format("{:.2f}", mean);
}

RecipeGroups group_by_recipe(const std::vector<RunIdentity>& runs, const std::string& baseline) {
  RecipeGroups groups;
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto [it, added] = index.emplace(runs[i].recipe_name, groups.names.size());
    if (added) {
      groups.names.push_back(runs[i].recipe_name);
      groups.runs.emplace_back();
    }
    groups.runs[it->second].push_back(i);
  }
  if (groups.names.empty()) return groups;
  // Seed order, and the same seeds relative to each recipe's first: seed k pairs with seed k.
  const auto offsets = [&](const std::vector<std::size_t>& group) {
    std::vector<std::int64_t> o;
    for (const std::size_t r : group) o.push_back(runs[r].seed - runs[group.front()].seed);
    return o;
  };
  for (auto& group : groups.runs)
    std::stable_sort(group.begin(), group.end(),
                     [&](std::size_t a, std::size_t b) { return runs[a].seed < runs[b].seed; });
  const std::size_t seeds = groups.runs.front().size();
  for (std::size_t g = 0; g < groups.names.size(); ++g) {
    if (groups.runs[g].size() != seeds)
      throw ReportError(fmt::format("{} has {} seeds but {} has {}: the summary pairs seed k with seed k",
                                    groups.names.front(), seeds, groups.names[g], groups.runs[g].size()));
    if (offsets(groups.runs[g]) != offsets(groups.runs.front()))
      throw ReportError(
          fmt::format("the seeds of {} and {} are not the same steps apart: the summary pairs seed k "
                      "with seed k",
                      groups.names.front(), groups.names[g]));
  }
  if (!baseline.empty()) {
    bool found = false;
    for (std::size_t g = 0; g < groups.names.size() && !found; ++g) {
      if (groups.names[g] == baseline || runs[groups.runs[g].front()].argument == baseline) {
        groups.baseline = g;
        found = true;
      }
    }
    if (!found)
      throw ReportError("--baseline " + baseline + " is none of the recipes compared (" + recipe_list(groups.names) +
                        ")");
  }
  return groups;
}

void check_baseline(const std::vector<RunSpec>& specs, const std::string& baseline) {
  if (baseline.empty()) return;
  std::vector<std::string> names;
  for (const auto& spec : specs) {
    if (spec.recipe_name == baseline || spec.argument == baseline) return;
    names.push_back(spec.recipe_name);
  }
  throw ReportError("--baseline " + baseline + " is none of the recipes compared (" + recipe_list(names) + ")");
}

std::vector<RecipeSummary> summarize_recipes(const Comparison& comparison, const std::vector<std::string>& references,
                                             const SummaryOptions& options) {
  std::vector<RunIdentity> identities;
  for (const RunResult& run : comparison.runs) identities.push_back({run.recipe_name, run.argument, run.seed});
  const RecipeGroups groups = group_by_recipe(identities, options.baseline);
  std::vector<RecipeSummary> summaries;
  for (std::size_t g = 0; g < groups.names.size(); ++g) {
    RecipeSummary summary;
    summary.name = groups.names[g];
    summary.model_type = comparison.runs[groups.runs[g].front()].model_type;
    summary.attention = comparison.runs[groups.runs[g].front()].attention;
    summary.runs = groups.runs[g];
    summaries.push_back(std::move(summary));
  }
  if (summaries.empty()) return summaries;
  const std::size_t seeds = summaries.front().runs.size();
  const std::size_t baseline = groups.baseline;
  summaries[baseline].baseline = true;

  // Seed k of every recipe against seed k of the baseline: the test sets one after another.
  const auto pooled = [&](const RecipeSummary& s) {
    std::vector<std::string> lines;
    for (const std::size_t r : s.runs)
      lines.insert(lines.end(), comparison.runs[r].translations.begin(), comparison.runs[r].translations.end());
    return lines;
  };
  std::vector<std::string> pooled_references;
  for (std::size_t k = 0; k < seeds; ++k)
    pooled_references.insert(pooled_references.end(), references.begin(), references.end());
  const std::vector<std::vector<std::string>> reference_streams{pooled_references};
  const eval::BleuOptions bleu;
  const eval::ChrfOptions chrf;
  const std::vector<std::string> baseline_lines = pooled(summaries[baseline]);
  const eval::SegmentStatistics baseline_bleu = eval::bleu_statistics(baseline_lines, reference_streams, bleu);
  const eval::SegmentStatistics baseline_chrf = eval::chrf_statistics(baseline_lines, reference_streams, chrf);
  const eval::Resamples resamples(pooled_references.size(), options.resamples, options.seed);

  for (auto& s : summaries) {
    std::vector<double> bleu_scores, chrf_scores;
    for (const std::size_t r : s.runs) {
      bleu_scores.push_back(comparison.runs[r].test_bleu);
      chrf_scores.push_back(comparison.runs[r].test_chrf);
    }
    const MeanAndDeviation b = mean_and_deviation(bleu_scores), c = mean_and_deviation(chrf_scores);
    s.bleu_mean = b.mean;
    s.bleu_sd = b.deviation;
    s.chrf_mean = c.mean;
    s.chrf_sd = c.deviation;
    if (s.baseline) continue;
    const std::vector<std::string> lines = pooled(s);
    s.bleu_test = eval::paired_bootstrap(baseline_bleu, eval::bleu_statistics(lines, reference_streams, bleu),
                                         eval::bleu_scorer(bleu), resamples);
    s.chrf_test = eval::paired_bootstrap(baseline_chrf, eval::chrf_statistics(lines, reference_streams, chrf),
                                         eval::chrf_scorer(chrf), resamples);
  }
  return summaries;
}

std::string markdown_summary(const std::vector<RecipeSummary>& summaries, const SummaryOptions& options) {
  if (summaries.empty()) return "";
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : summaries) rows.push_back(cells(s));
  return markdown_grid(summary_columns(), rows) + "\n" + explanation(summaries, options) + "\n";
}

std::string csv_summary(const std::vector<RecipeSummary>& summaries) {
  std::string text =
      "recipe,model,attention,seeds,test_bleu_mean,test_bleu_sd,test_chrf_mean,test_chrf_sd,baseline,"
      "bleu_p_value,chrf_p_value\n";
  for (const auto& s : summaries) {
    const auto p = [](const std::optional<eval::TestResult>& t) { return t ? exact(t->p_value) : std::string(); };
    const bool spread = s.runs.size() > 1;
    text += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", csv_field(s.name), s.model_type, csv_field(s.attention),
                        s.runs.size(), s.bleu_mean, spread ? fmt::format("{}", s.bleu_sd) : "", s.chrf_mean,
                        spread ? fmt::format("{}", s.chrf_sd) : "", s.baseline ? "true" : "false", p(s.bleu_test),
                        p(s.chrf_test));
  }
  return text;
}

std::string html_summary(const std::vector<RecipeSummary>& summaries, const SummaryOptions& options) {
  if (summaries.empty()) return "";
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> names;
  for (const auto& s : summaries) {
    rows.push_back(cells(s));
    names.push_back(s.name);
  }
  return html_grid("comparison summary", summary_columns(), rows, names) + "<p>" +
         xml_escape(explanation(summaries, options)) + "</p>\n";
}

}  // namespace nmt::report
