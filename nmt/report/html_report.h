// The comparison as one self-contained page (report.html): the table, learning curves of dev
// BLEU and dev perplexity against training time, and attention heat-maps of a few test
// sentences per run. Inline CSS and SVG only: no scripts, no external files, so it opens
// offline and survives being mailed. It is XHTML-compatible HTML5 (well-formed XML), so
// programs can parse it too.
//
// Elements a program can find: the summary over seeds (<table class="comparison summary">,
// one <tr data-recipe> per recipe), the table (<table class="comparison">, one <tr data-recipe>
// per run), the charts (<svg data-chart="dev-bleu"> and "dev-perplexity", one
// <polyline data-series=RECIPE> per run with points), and each heat-map in a
// <figure class="heatmap-figure" data-recipe=RECIPE data-line=N>.
#pragma once

#include <string>

#include "nmt/report/comparison.h"
#include "nmt/report/seed_summary.h"
#include "nmt/report/svg_chart.h"

namespace nmt::report {

struct ReportInfo {
  std::string command_line;  // how the comparison was made
  std::string generated;     // when (text)
  // One row per recipe over its seeds, with significance against the baseline (seed_summary.h);
  // no such section when empty.
  std::vector<RecipeSummary> summaries;
  SummaryOptions summary_options;
};

// The unit of training time on a chart's x axis: seconds for short runs, minutes up to three
// hours, then hours.
struct TimeUnit {
  double seconds;
  const char* name;
};
TimeUnit time_unit_for(double longest_seconds);

// One run's curve (e.g. a dev score against training time).
struct RunCurve {
  std::string name, recipe_name;
  std::vector<std::pair<double, double>> points;
};
// A series per run; when recipes have several runs (seeds), each seed faint in its recipe's
// colour under the mean of the seeds' points in order (up to the shortest seed's count).
void add_run_curves(LineChart& chart, const std::vector<RunCurve>& runs);

// The report's CSS (inline in its <style>), shared by the classifier report.
const char* report_style();

// Dev BLEU / dev perplexity (log scale) against training time, one series per run.
LineChart dev_bleu_chart(const Comparison& comparison);
LineChart dev_perplexity_chart(const Comparison& comparison);

std::string html_report(const Comparison& comparison, const ReportInfo& info);

}  // namespace nmt::report
