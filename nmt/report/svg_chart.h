// Line charts as SVG: one polyline per series, a legend, axes with ticks and labels, an
// optional logarithmic y axis. No scripts, no external fonts or styles.
//
// Each series is a <g class="series" data-series="NAME"> holding a <polyline> (when it has
// points) and a <circle> per point, both with data-series="NAME", so a page can be checked
// for its curves.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace nmt::report {

struct ChartSeries {
  std::string name;
  std::vector<std::pair<double, double>> points;  // (x, y), drawn in this order
  int colour = -1;                                // palette index (series_colour); -1: the series' own index
  bool faint = false;  // thin and translucent, without markers or a legend entry (e.g. one seed under the mean)
};

struct LineChart {
  std::string id;  // data-chart attribute
  std::string title;
  std::string x_label, y_label;
  bool log_y = false;  // y on a logarithmic axis (values must be positive; others are left out)
  double x_min = 0;    // the x axis starts here (or lower, if a point does)
  std::vector<ChartSeries> series;
  int width = 900, height = 420;
};

std::string line_chart_svg(const LineChart& chart);

// Tick values: multiples of 1, 2 or 5 times a power of ten covering [low, high], about
// `count` of them (low and high widened to the outer ticks).
std::vector<double> linear_ticks(double low, double high, int count);
// For a logarithmic axis: the powers of ten from below `low` to above `high`, and between
// them 2 and 5 times (over 1.5 to 3 decades), 2, 3, 5 and 7 times (0.7 to 1.5 decades) or
// every multiple (less); one tick below and one above the data.
std::vector<double> log_ticks(double low, double high);

// The colour of series i (ten distinguishable colours, then again with dashes).
std::string series_colour(std::size_t index);

}  // namespace nmt::report
