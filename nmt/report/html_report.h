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

// Dev BLEU / dev perplexity (log scale) against training time, one series per run.
LineChart dev_bleu_chart(const Comparison& comparison);
LineChart dev_perplexity_chart(const Comparison& comparison);

std::string html_report(const Comparison& comparison, const ReportInfo& info);

}  // namespace nmt::report
