#include "nmt/report/html_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "nmt/report/heatmap.h"
#include "nmt/report/markup.h"
#include "nmt/report/table.h"

namespace nmt::report {

namespace {

// The time unit of the longest run's training.
TimeUnit time_unit(const Comparison& c) {
  double longest = 0;
  for (const auto& r : c.runs)
    for (const auto& v : r.metrics.validations) longest = std::max(longest, v.time);
  return time_unit_for(longest);
}

LineChart dev_chart(const Comparison& c, bool bleu) {
  const TimeUnit unit = time_unit(c);
  LineChart chart;
  chart.id = bleu ? "dev-bleu" : "dev-perplexity";
  chart.title = bleu ? "Dev BLEU (greedy) during training" : "Dev perplexity during training";
  chart.x_label = fmt::format("training time ({})", unit.name);
  chart.y_label = bleu ? "dev BLEU" : "dev perplexity";
  chart.log_y = !bleu;
  std::vector<RunCurve> curves;
  for (const auto& r : c.runs) {
    RunCurve curve{r.name, r.recipe_name, {}};
    for (const auto& v : r.metrics.validations) {
      if (bleu && !v.dev_bleu) continue;
      curve.points.emplace_back(v.time / unit.seconds, bleu ? *v.dev_bleu : v.dev_perplexity);
    }
    curves.push_back(std::move(curve));
  }
  add_run_curves(chart, curves);
  return chart;
}

// An id for SVG references: letters, digits and '-' only.
std::string element_id(std::size_t run, std::size_t line) { return fmt::format("heatmap-{}-line-{}", run + 1, line); }

constexpr const char* kStyle = R"(
body { font-family: sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; line-height: 1.4; }
h1 { margin-bottom: 0.2em; }
h2 { margin-top: 2em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em; }
p.meta { color: #555; }
code { background: #f3f3f3; padding: 0 0.2em; }
.table-wrap { overflow-x: auto; }
table.comparison { border-collapse: collapse; font-size: 0.9em; }
table.comparison th, table.comparison td { border: 1px solid #ccc; padding: 0.3em 0.6em; }
table.comparison th { background: #eef2f7; }
table.comparison td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.comparison tr:nth-child(even) td { background: #fafafa; }
dl.columns dt { font-weight: bold; float: left; clear: left; width: 9em; }
dl.columns dd { margin-left: 10em; margin-bottom: 0.3em; }
figure { margin: 1em 0; overflow-x: auto; }
figcaption { color: #444; font-size: 0.9em; max-width: 900px; }
section.recipe-heatmaps { margin-top: 1.5em; }
p.no-attention { font-style: italic; color: #555; }
)";

}  // namespace

TimeUnit time_unit_for(double longest_seconds) {
  if (longest_seconds < 180) return {1, "seconds"};
  if (longest_seconds < 3 * 3600) return {60, "minutes"};
  return {3600, "hours"};
}

void add_run_curves(LineChart& chart, const std::vector<RunCurve>& runs) {
  // Runs of the same recipe (its seeds, nmt-compare --seeds): each seed faint in the recipe's
  // colour, under the mean of the seeds' validations in order (mean time, mean value) up to
  // the shortest seed's count.
  std::vector<std::string> recipes;
  std::vector<std::vector<const RunCurve*>> seeds;
  for (const auto& r : runs) {
    const auto it = std::find(recipes.begin(), recipes.end(), r.recipe_name);
    if (it == recipes.end()) {
      recipes.push_back(r.recipe_name);
      seeds.push_back({&r});
    } else {
      seeds[static_cast<std::size_t>(it - recipes.begin())].push_back(&r);
    }
  }
  if (recipes.size() == runs.size()) {
    for (const auto& r : runs) chart.series.push_back({r.name, r.points});
    return;
  }
  for (std::size_t g = 0; g < recipes.size(); ++g) {
    std::size_t shortest = seeds[g].front()->points.size();
    for (const RunCurve* r : seeds[g]) {
      chart.series.push_back({r->name, r->points, static_cast<int>(g), true});
      shortest = std::min(shortest, r->points.size());
    }
    const double n = static_cast<double>(seeds[g].size());
    ChartSeries mean{fmt::format("{} (mean of {} seeds)", recipes[g], seeds[g].size()), {}, static_cast<int>(g), false};
    for (std::size_t k = 0; k < shortest; ++k) {
      double x = 0, y = 0;
      for (const RunCurve* r : seeds[g]) {
        x += r->points[k].first / n;
        y += r->points[k].second / n;
      }
      mean.points.emplace_back(x, y);
    }
    chart.series.push_back(std::move(mean));
  }
}

const char* report_style() { return kStyle; }

LineChart dev_bleu_chart(const Comparison& comparison) { return dev_chart(comparison, true); }
LineChart dev_perplexity_chart(const Comparison& comparison) { return dev_chart(comparison, false); }

std::string html_report(const Comparison& c, const ReportInfo& info) {
  const DecodingSettings& d = c.decoding;
  std::string h =
      "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
      "<title>Attention comparison</title>\n<style>";
  h += report_style();
  h += "</style>\n</head>\n<body>\n<h1>Attention comparison</h1>\n";
  h += fmt::format("<p class=\"meta\">{} runs, generated {}{}.</p>\n", c.runs.size(), xml_escape(info.generated),
                   info.command_line.empty() ? "" : " by <code>" + xml_escape(info.command_line) + "</code>");

  // The table.
  h += "<h2>Results</h2>\n";
  h += fmt::format(
      "<p>Test set <code>{}</code> / <code>{}</code> ({} lines), translated by every model with beam size {}, length "
      "penalty {}, at most {} &#215; source subwords + 10 output subwords, batches of {} source subwords, on {} "
      "thread{}{}; BLEU and chrF as sacreBLEU computes them (<code>{}</code>, <code>{}</code>).</p>\n",
      xml_escape(c.test_source), xml_escape(c.test_reference), c.test_sentences, d.beam_size, d.length_penalty,
      d.max_length_ratio, d.batch_tokens, d.threads, d.threads == 1 ? "" : "s", precision_note(d),
      xml_escape(c.runs.empty() ? "" : c.runs.front().bleu_signature),
      xml_escape(c.runs.empty() ? "" : c.runs.front().chrf_signature));
  if (!info.summaries.empty()) h += html_summary(info.summaries, info.summary_options) + "<h3>Every run</h3>\n";
  const auto& columns = table_columns();
  std::vector<std::string> names;
  for (const auto& r : c.runs) names.push_back(r.name);
  h += html_grid("comparison", columns, readable_rows(c), names);
  h += "<dl class=\"columns\">\n";
  for (const auto& col : columns)
    h += "<dt>" + xml_escape(col.heading) + "</dt><dd>" + xml_escape(col.meaning) + ".</dd>\n";
  h += "</dl>\n<p>Run directories: ";
  for (std::size_t i = 0; i < c.runs.size(); ++i)
    h += (i ? ", " : "") + xml_escape(c.runs[i].name) + " <code>" + xml_escape(c.runs[i].run_directory) + "</code>";
  h += ".</p>\n";

  // Learning curves.
  h += "<h2>Learning curves</h2>\n<p>Every validation of every run, against its training time (updates and "
       "validations). Dev BLEU comes from greedy decoding of the dev set (<code>validation.max_sentences</code> of "
       "it); dev perplexity is teacher-forced, without dropout or label smoothing.</p>\n";
  std::set<std::string> recipe_names;
  for (const auto& r : c.runs) recipe_names.insert(r.recipe_name);
  if (recipe_names.size() < c.runs.size())
    h += "<p>Each recipe's seeds are drawn thin and faint in its colour, under the mean of their validations (in "
         "order: mean time, mean value).</p>\n";
  h += "<figure>\n" + line_chart_svg(dev_bleu_chart(c)) + "</figure>\n";
  h += "<figure>\n" + line_chart_svg(dev_perplexity_chart(c)) + "</figure>\n";

  // Heat-maps.
  h += "<h2>Attention heat-maps</h2>\n";
  h += "<p>For test lines ";
  for (std::size_t i = 0; i < c.heatmap_lines.size(); ++i) h += (i ? ", " : "") + std::to_string(c.heatmap_lines[i]);
  h += ": the attention weights of the translation scored above (the best beam hypothesis). Rows are the output "
       "subwords in the order they were produced, columns the source subwords (<code>&#9601;</code> marks the "
       "start of a word; <code>&lt;/s&gt;</code> is the end of sentence); a cell is darker the more weight that "
       "source subword got when that output subword was chosen. Each row sums to 1. Hover a cell for its "
       "weight.</p>\n";
  if (c.heatmap_lines.empty()) h += "<p>No heat-map lines were asked for (<code>--heatmap-sentences</code>).</p>\n";
  for (std::size_t i = 0; i < c.runs.size(); ++i) {
    const RunResult& r = c.runs[i];
    h += fmt::format(
        "<section class=\"recipe-heatmaps\" data-recipe=\"{}\">\n<h3>{} <small>(attention: {})</small></h3>\n",
        xml_escape(r.name), xml_escape(r.name), xml_escape(r.attention));
    if (!r.has_attention) {
      h += "<p class=\"no-attention\">No heat-maps: this model has no attention (<code>model.attention: none</code>). "
           "Its decoder sees only the encoder's final states, so there are no weights over the source to draw.</p>\n";
    }
    for (const HeatmapSentence& s : r.heatmaps) {
      if (!s.map) {
        h += fmt::format("<p>Test line {} is empty: nothing to draw.</p>\n", s.line);
        continue;
      }
      h += fmt::format("<figure class=\"heatmap-figure\" data-recipe=\"{}\" data-line=\"{}\">\n", xml_escape(r.name),
                       s.line);
      h += heatmap_svg(*s.map, element_id(i, s.line), false);
      h += fmt::format(
          "<figcaption>{}, test line {}: &#8220;{}&#8221; &#8594; &#8220;{}&#8221;</figcaption>\n</figure>\n",
          xml_escape(r.name), s.line, xml_escape(s.map->source_text), xml_escape(s.map->target_text));
    }
    h += "</section>\n";
  }
  h += "</body>\n</html>\n";
  return h;
}

}  // namespace nmt::report
