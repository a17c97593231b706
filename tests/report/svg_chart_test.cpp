// Line charts: ticks, one polyline per series through its points, a legend, well-formed SVG.
#include "nmt/report/svg_chart.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "xml_tree.h"

namespace nmt::report {
namespace {

using testing::parse_xml;
using testing::XmlElement;

std::vector<std::pair<double, double>> polyline_points(const XmlElement& polyline) {
  std::vector<std::pair<double, double>> out;
  std::istringstream in(*polyline.attribute("points"));
  for (std::string pair; in >> pair;) {
    const auto comma = pair.find(',');
    out.emplace_back(std::stod(pair.substr(0, comma)), std::stod(pair.substr(comma + 1)));
  }
  return out;
}

TEST(SvgChart, TicksAreRoundNumbersCoveringTheRange) {
  EXPECT_EQ(linear_ticks(0, 9.3, 5), (std::vector<double>{0, 2, 4, 6, 8, 10}));
  EXPECT_EQ(linear_ticks(0, 1200, 8), (std::vector<double>{0, 200, 400, 600, 800, 1000, 1200}));
  const auto small = linear_ticks(0, 0.37, 4);
  EXPECT_DOUBLE_EQ(small.back(), 0.4);
  EXPECT_EQ(log_ticks(3.2, 180), (std::vector<double>{2, 5, 10, 20, 50, 100, 200}));
  EXPECT_EQ(log_ticks(38, 81), (std::vector<double>{30, 40, 50, 60, 70, 80, 90}));
  EXPECT_EQ(log_ticks(4.5, 40), (std::vector<double>{3, 5, 7, 10, 20, 30, 50}));
  EXPECT_EQ(log_ticks(1.5, 90000), (std::vector<double>{1, 10, 100, 1000, 10000, 100000}));
}

TEST(SvgChart, OnePolylinePerSeriesThroughItsPointsInOrder) {
  LineChart chart;
  chart.id = "dev-bleu";
  chart.title = "Dev BLEU";
  chart.x_label = "time (s)";
  chart.y_label = "BLEU";
  chart.series = {{"a<b", {{0, 0}, {10, 5}, {20, 10}}}, {"c", {{5, 2.5}}}, {"empty", {}}};
  const auto svg = parse_xml(line_chart_svg(chart));
  EXPECT_EQ(svg->name, "svg");
  EXPECT_EQ(svg->attribute("data-chart"), "dev-bleu");
  const auto polylines = svg->find_all("polyline");
  ASSERT_EQ(polylines.size(), 2u) << "a series without points draws no line";
  EXPECT_EQ(polylines[0]->attribute("data-series"), "a<b");
  EXPECT_EQ(polylines[1]->attribute("data-series"), "c");
  const auto a = polyline_points(*polylines[0]);
  ASSERT_EQ(a.size(), 3u);
  // Equal steps in the data are equal steps on the page; higher values are drawn higher.
  EXPECT_NEAR(a[1].first - a[0].first, a[2].first - a[1].first, 0.02);
  EXPECT_NEAR(a[0].second - a[1].second, a[1].second - a[2].second, 0.02);
  EXPECT_GT(a[0].second, a[2].second);
  // The single point of "c" lies halfway along both of a's spans.
  const auto c = polyline_points(*polylines[1]);
  EXPECT_NEAR(c[0].first, (a[0].first + a[1].first) / 2, 0.02);
  EXPECT_NEAR(c[0].second, (a[0].second + a[1].second) / 2, 0.02);
  // Markers per point, and a legend entry per series, the empty one marked.
  EXPECT_EQ(svg->find_all([](const XmlElement& e) { return e.name == "circle" && e.attribute("data-series") == "a<b"; })
                .size(),
            3u);
  std::vector<std::string> legend;
  for (const auto* t :
       svg->find_all([](const XmlElement& e) { return e.attribute("class") == "legend"; })[0]->find_all("text"))
    legend.push_back(t->text);
  EXPECT_EQ(legend, (std::vector<std::string>{"a<b", "c", "empty (no data)"}));
  const std::string text = svg->all_text();
  EXPECT_NE(text.find("time (s)"), std::string::npos);
  EXPECT_NE(text.find("Dev BLEU"), std::string::npos);
}

// A recipe's seeds under their mean: faint lines in the mean's colour, without markers or a
// legend entry of their own.
TEST(SvgChart, FaintSeriesShareAColourAndStayOutOfTheLegend) {
  LineChart chart;
  chart.series = {{"r seed 1", {{0, 1}, {1, 3}}, 1, true},
                  {"r seed 2", {{0, 3}, {1, 5}}, 1, true},
                  {"r (mean of 2 seeds)", {{0, 2}, {1, 4}}, 1, false}};
  const auto svg = parse_xml(line_chart_svg(chart));
  const auto polylines = svg->find_all("polyline");
  ASSERT_EQ(polylines.size(), 3u);
  for (const auto* line : polylines) EXPECT_EQ(line->attribute("stroke"), series_colour(1));
  EXPECT_EQ(polylines[0]->attribute("stroke-opacity"), "0.35");
  EXPECT_FALSE(polylines[2]->attribute("stroke-opacity"));
  EXPECT_EQ(svg->find_all([](const XmlElement& e) { return e.name == "circle"; }).size(), 2u) << "the mean's only";
  std::vector<std::string> legend;
  for (const auto* t :
       svg->find_all([](const XmlElement& e) { return e.attribute("class") == "legend"; })[0]->find_all("text"))
    legend.push_back(t->text);
  EXPECT_EQ(legend, (std::vector<std::string>{"r (mean of 2 seeds)"}));
}

TEST(SvgChart, LogarithmicAxisSpacesRatiosEvenly) {
  LineChart chart;
  chart.id = "ppl";
  chart.log_y = true;
  chart.series = {{"p", {{1, 1000}, {2, 100}, {3, 10}, {4, -1}}}};
  const auto svg = parse_xml(line_chart_svg(chart));
  const auto p = polyline_points(*svg->find_all("polyline")[0]);
  ASSERT_EQ(p.size(), 3u) << "values a log axis cannot show are left out";
  EXPECT_NEAR(p[1].second - p[0].second, p[2].second - p[1].second, 0.02);
  EXPECT_NE(svg->all_text().find("(log scale)"), std::string::npos);
}

}  // namespace
}  // namespace nmt::report
