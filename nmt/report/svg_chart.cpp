#include "nmt/report/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "nmt/report/markup.h"

namespace nmt::report {

namespace {

constexpr double kCharWidth = 7.0;  // at 12px

// Tableau 10: distinguishable, and kind to colour-blind readers.
constexpr const char* kPalette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
constexpr std::size_t kPaletteSize = sizeof kPalette / sizeof kPalette[0];

std::string tick_label(double value, double step) {
  if (value == 0) return "0";
  const double magnitude = std::abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-3) return fmt::format("{:g}", value);
  const int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  return fmt::format("{:.{}f}", value, std::max(decimals, 0));
}

}  // namespace

std::string series_colour(std::size_t index) { return kPalette[index % kPaletteSize]; }

std::vector<double> linear_ticks(double low, double high, int count) {
  if (!(high > low)) high = low + 1;
  const double raw = (high - low) / std::max(count, 1);
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = power;
  for (const double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * power;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  const double first = std::floor(low / step + 1e-9), last = std::ceil(high / step - 1e-9);
  for (double k = first; k <= last + 1e-9; k += 1) ticks.push_back(k * step == 0 ? 0 : k * step);
  return ticks;
}

std::vector<double> log_ticks(double low, double high) {
  if (!(low > 0)) low = 1;
  if (!(high > low)) high = low * 10;
  const int first = static_cast<int>(std::floor(std::log10(low) + 1e-9));
  const int last = static_cast<int>(std::ceil(std::log10(high) - 1e-9));
  // Fewer steps per decade the more decades there are, so that there are 4 to 12 ticks.
  const double decades = std::log10(high / low);
  std::vector<double> steps = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  if (decades > 3)
    steps = {1};
  else if (decades > 1.5)
    steps = {1, 2, 5};
  else if (decades > 0.7)
    steps = {1, 2, 3, 5, 7};
  std::vector<double> ticks;
  for (int e = first; e <= last; ++e)
    for (const double m : steps) {
      if (e == last && m != 1.0) continue;
      ticks.push_back(m * std::pow(10.0, e));
    }
  // Trim ticks outside the data, keeping one below and one above.
  while (ticks.size() > 2 && ticks[1] <= low) ticks.erase(ticks.begin());
  while (ticks.size() > 2 && ticks[ticks.size() - 2] >= high) ticks.pop_back();
  return ticks;
}

std::string line_chart_svg(const LineChart& chart) {
  // The data range.
  double x_low = chart.x_min, x_high = chart.x_min;
  double y_low = std::numeric_limits<double>::infinity(), y_high = -y_low;
  std::size_t drawn = 0;
  for (const auto& s : chart.series)
    for (const auto& [x, y] : s.points) {
      if (!std::isfinite(x) || !std::isfinite(y) || (chart.log_y && y <= 0)) continue;
      x_low = std::min(x_low, x);
      x_high = std::max(x_high, x);
      y_low = std::min(y_low, y);
      y_high = std::max(y_high, y);
      ++drawn;
    }
  if (drawn == 0) {
    y_low = chart.log_y ? 1 : 0;
    y_high = chart.log_y ? 10 : 1;
  }
  if (!chart.log_y) y_low = std::min(y_low, 0.0);  // BLEU and the like: from zero
  const std::vector<double> x_ticks = linear_ticks(x_low, x_high, 8);
  const std::vector<double> y_ticks = chart.log_y ? log_ticks(y_low, y_high) : linear_ticks(y_low, y_high, 6);
  const double x0 = x_ticks.front(), x1 = x_ticks.back(), y0 = y_ticks.front(), y1 = y_ticks.back();
  const double x_step = x_ticks.size() > 1 ? x_ticks[1] - x_ticks[0] : 1;
  const double y_step = y_ticks.size() > 1 ? y_ticks[1] - y_ticks[0] : 1;

  // Layout: y tick labels and axis label on the left, legend on the right.
  std::size_t longest_name = 4;
  for (const auto& s : chart.series)
    if (!s.faint) longest_name = std::max(longest_name, utf8_length(s.name) + (s.points.empty() ? 10 : 0));
  std::size_t longest_tick = 1;
  for (double t : y_ticks) longest_tick = std::max(longest_tick, tick_label(t, y_step).size());
  const double legend_w = 36 + static_cast<double>(longest_name) * kCharWidth;
  const double left = 34 + static_cast<double>(longest_tick) * kCharWidth, top = 40;
  const double right = static_cast<double>(chart.width) - legend_w - 16,
               bottom = static_cast<double>(chart.height) - 50;
  const double plot_w = std::max(right - left, 50.0), plot_h = std::max(bottom - top, 50.0);
  const auto px = [&](double x) { return left + (x - x0) / (x1 - x0) * plot_w; };
  const auto py = [&](double y) {
    const double f = chart.log_y ? (std::log(y) - std::log(y0)) / (std::log(y1) - std::log(y0)) : (y - y0) / (y1 - y0);
    return top + plot_h - f * plot_h;
  };

  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-chart=\"{}\" width=\"{}\" height=\"{}\" "
      "viewBox=\"0 0 {} {}\" font-family=\"sans-serif\" font-size=\"12\" role=\"img\">\n<title>{}</title>\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n",
      xml_escape(chart.id), chart.width, chart.height, chart.width, chart.height, xml_escape(chart.title));
  s += fmt::format("<text x=\"{}\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{}</text>\n", coordinate(left),
                   xml_escape(chart.title));
  // Grid lines and ticks.
  s += "<g class=\"axes\" stroke=\"#dddddd\">\n";
  for (double t : x_ticks)
    s += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>\n", coordinate(px(t)), coordinate(top),
                     coordinate(top + plot_h));
  for (double t : y_ticks)
    s += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/>\n", coordinate(left), coordinate(py(t)),
                     coordinate(left + plot_w));
  s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#444444\"/>\n</g>\n",
                   coordinate(left), coordinate(top), coordinate(plot_w), coordinate(plot_h));
  s += "<g class=\"x-ticks\" text-anchor=\"middle\">\n";
  for (double t : x_ticks)
    s += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#444444\"/><text x=\"{0}\" y=\"{3}\">{4}</text>\n",
        coordinate(px(t)), coordinate(top + plot_h), coordinate(top + plot_h + 5), coordinate(top + plot_h + 18),
        tick_label(t, x_step));
  s += "</g>\n<g class=\"y-ticks\" text-anchor=\"end\">\n";
  for (double t : y_ticks)
    s += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#444444\"/><text x=\"{3}\" y=\"{4}\">{5}</text>\n",
        coordinate(left - 5), coordinate(py(t)), coordinate(left), coordinate(left - 8), coordinate(py(t) + 4),
        tick_label(t, chart.log_y ? t : y_step));
  s += "</g>\n";
  s += fmt::format("<text class=\"x-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                   coordinate(left + plot_w / 2), coordinate(top + plot_h + 38), xml_escape(chart.x_label));
  s += fmt::format(
      "<text class=\"y-label\" x=\"14\" y=\"{0}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {0})\">{1}</text>\n",
      coordinate(top + plot_h / 2), xml_escape(chart.y_label + (chart.log_y ? " (log scale)" : "")));

  // The series, then the legend.
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    const ChartSeries& series = chart.series[i];
    const std::size_t index = series.colour >= 0 ? static_cast<std::size_t>(series.colour) : i;
    const std::string name = xml_escape(series.name), colour = series_colour(index);
    const std::string dash = index >= kPaletteSize ? " stroke-dasharray=\"6 3\"" : "";
    std::string points;
    std::string markers;
    for (const auto& [x, y] : series.points) {
      if (!std::isfinite(x) || !std::isfinite(y) || (chart.log_y && y <= 0)) continue;
      if (!points.empty()) points += ' ';
      points += coordinate(px(x)) + "," + coordinate(py(y));
      if (series.faint) continue;
      markers += fmt::format(
          "<circle data-series=\"{}\" cx=\"{}\" cy=\"{}\" r=\"2.5\" fill=\"{}\"><title>{}: {:.4g} at "
          "{:.4g}</title></circle>\n",
          name, coordinate(px(x)), coordinate(py(y)), colour, name, y, x);
    }
    s += fmt::format("<g class=\"series{}\" data-series=\"{}\">\n", series.faint ? " faint" : "", name);
    if (!points.empty())
      s += fmt::format(
          "<polyline data-series=\"{}\" points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"{}{}/>\n", name,
          points, colour, series.faint ? "1" : "2", series.faint ? " stroke-opacity=\"0.35\"" : "", dash);
    s += markers + "</g>\n";
  }
  s += "<g class=\"legend\">\n";
  const double legend_x = static_cast<double>(chart.width) - legend_w;
  std::size_t entry = 0;
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    const ChartSeries& series = chart.series[i];
    if (series.faint) continue;
    const std::size_t index = series.colour >= 0 ? static_cast<std::size_t>(series.colour) : i;
    const double y = top + 8 + static_cast<double>(entry++) * 20;
    const bool empty = series.points.empty();
    s += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"{3}\" stroke-width=\"3\"{4}/><text x=\"{5}\" "
        "y=\"{6}\">{7}{8}</text>\n",
        coordinate(legend_x), coordinate(y), coordinate(legend_x + 24), series_colour(index),
        index >= kPaletteSize ? " stroke-dasharray=\"6 3\"" : "", coordinate(legend_x + 30), coordinate(y + 4),
        xml_escape(series.name), empty ? " (no data)" : "");
  }
  s += "</g>\n</svg>\n";
  return s;
}

}  // namespace nmt::report
