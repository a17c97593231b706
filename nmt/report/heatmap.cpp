#include "nmt/report/heatmap.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "nmt/report/markup.h"

namespace nmt::report {

namespace {

constexpr double kFontSize = 12;
constexpr double kCharWidth = 7.2;  // a generous estimate of a sans-serif character at 12px

// White (0) to dark blue (1), through the light blues.
std::string shade(float weight) {
  const double w = std::clamp(static_cast<double>(weight), 0.0, 1.0);
  const auto mix = [w](int from, int to) { return static_cast<int>(std::lround(from + (to - from) * w)); };
  return fmt::format("#{:02x}{:02x}{:02x}", mix(255, 8), mix(255, 48), mix(255, 107));
}

double label_width(const std::vector<std::string>& labels, double font_size) {
  std::size_t longest = 1;
  for (const auto& l : labels) longest = std::max(longest, utf8_length(l));
  return static_cast<double>(longest) * kCharWidth * font_size / kFontSize;
}

}  // namespace

void check_attention_map(const AttentionMap& map) {
  if (map.weights.size() != map.target_pieces.size())
    throw std::invalid_argument(fmt::format("{}: {} rows of attention weights for {} target pieces", map.title,
                                            map.weights.size(), map.target_pieces.size()));
  for (std::size_t i = 0; i < map.weights.size(); ++i)
    if (map.weights[i].size() != map.source_pieces.size())
      throw std::invalid_argument(fmt::format("{}: target piece {} has {} attention weights for {} source pieces",
                                              map.title, i + 1, map.weights[i].size(), map.source_pieces.size()));
}

std::string heatmap_svg(const AttentionMap& map, const std::string& id, bool standalone) {
  check_attention_map(map);
  const std::size_t rows = map.target_pieces.size(), columns = map.source_pieces.size();
  // Cells shrink for long sentences so that a heat-map stays about as wide as a page.
  const double cell = std::clamp(640.0 / static_cast<double>(std::max<std::size_t>({rows, columns, 1})), 11.0, 24.0);
  const double margin = 10;
  const double title_height = 3 * (kFontSize + 6) + 8;
  // Source labels are drawn at -60 degrees above the columns; target labels right-aligned at the left.
  // Axis labels shrink with the cells so that neighbours do not overlap.
  const double label_font = std::min(kFontSize, 0.8 * cell);
  const double top_labels = label_width(map.source_pieces, label_font) * std::sin(std::numbers::pi / 3) + label_font;
  const double left_labels = label_width(map.target_pieces, label_font) + 8;
  const double grid_x = margin + left_labels, grid_y = margin + title_height + top_labels;
  const double grid_w = cell * static_cast<double>(columns), grid_h = cell * static_cast<double>(rows);
  const double scale_w = 160;
  // Wide enough for the grid and its labels, and for the sentence up to 900 pixels.
  const double text_w =
      static_cast<double>(std::max(utf8_length(map.source_text), utf8_length(map.target_text)) + 10) * kCharWidth;
  const double width = std::max({grid_x + grid_w + margin + label_width(map.source_pieces, label_font) * 0.5,
                                 margin * 2 + scale_w + 60, std::min(text_w + 2 * margin, 900.0)});
  const double height = grid_y + grid_h + 50;

  std::string s;
  if (standalone) s += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  s += fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"heatmap\" data-heatmap=\"{}\" data-rows=\"{}\" "
      "data-columns=\"{}\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" font-family=\"sans-serif\" "
      "font-size=\"{}\" role=\"img\">\n",
      xml_escape(id), rows, columns, coordinate(width), coordinate(height), coordinate(width), coordinate(height),
      coordinate(kFontSize));
  s += fmt::format("<title>{}: {}</title>\n", xml_escape(map.title), xml_escape(map.source_text));
  s += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  // Title: what the sentence is and what the model made of it. Long sentences are shortened
  // to the drawing's width; the tooltip (the <title> above) carries the whole source.
  const auto text_room = static_cast<std::size_t>((width - 2 * margin) / kCharWidth) - 8;
  s += fmt::format("<text x=\"{}\" y=\"{}\" font-weight=\"bold\">{}</text>\n", coordinate(margin),
                   coordinate(margin + kFontSize), xml_escape(map.title));
  s += fmt::format("<text x=\"{}\" y=\"{}\" class=\"source-text\">source: {}</text>\n", coordinate(margin),
                   coordinate(margin + 2 * kFontSize + 6), xml_escape(ellipsize(map.source_text, text_room)));
  s += fmt::format("<text x=\"{}\" y=\"{}\" class=\"target-text\">output: {}</text>\n", coordinate(margin),
                   coordinate(margin + 3 * kFontSize + 12), xml_escape(ellipsize(map.target_text, text_room)));
  // Column labels (source pieces).
  s += fmt::format("<g class=\"source-labels\" font-size=\"{}\">\n", coordinate(label_font));
  for (std::size_t j = 0; j < columns; ++j) {
    const double x = grid_x + (static_cast<double>(j) + 0.5) * cell, y = grid_y - 4;
    s += fmt::format("<text x=\"{0}\" y=\"{1}\" transform=\"rotate(-60 {0} {1})\">{2}</text>\n", coordinate(x),
                     coordinate(y), xml_escape(map.source_pieces[j]));
  }
  s += fmt::format("</g>\n<g class=\"target-labels\" text-anchor=\"end\" font-size=\"{}\">\n", coordinate(label_font));
  for (std::size_t i = 0; i < rows; ++i) {
    const double y = grid_y + (static_cast<double>(i) + 0.5) * cell + label_font * 0.35;
    s += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", coordinate(grid_x - 6), coordinate(y),
                     xml_escape(map.target_pieces[i]));
  }
  s += "</g>\n<g class=\"cells\">\n";
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < columns; ++j) {
      const float w = map.weights[i][j];
      s += fmt::format(
          "<rect class=\"cell\" data-target=\"{}\" data-source=\"{}\" data-weight=\"{}\" x=\"{}\" y=\"{}\" "
          "width=\"{}\" height=\"{}\" fill=\"{}\"><title>{} \xE2\x86\x92 {}: {:.3f}</title></rect>\n",
          i, j, w, coordinate(grid_x + static_cast<double>(j) * cell),
          coordinate(grid_y + static_cast<double>(i) * cell), coordinate(cell), coordinate(cell), shade(w),
          xml_escape(map.target_pieces[i]), xml_escape(map.source_pieces[j]), w);
    }
  }
  s += fmt::format("</g>\n<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#888888\"/>\n",
                   coordinate(grid_x), coordinate(grid_y), coordinate(grid_w), coordinate(grid_h));
  // The colour scale.
  const double scale_x = margin, scale_y = grid_y + grid_h + 18;
  s += "<g class=\"scale\">\n<defs><linearGradient id=\"" + xml_escape(id) +
       "-scale\"><stop offset=\"0\" stop-color=\"" + shade(0) + "\"/><stop offset=\"1\" stop-color=\"" + shade(1) +
       "\"/></linearGradient></defs>\n";
  s += fmt::format("<text x=\"{}\" y=\"{}\">weight 0</text>\n", coordinate(scale_x), coordinate(scale_y + 11));
  s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"12\" fill=\"url(#{}-scale)\" stroke=\"#888888\"/>\n",
                   coordinate(scale_x + 62), coordinate(scale_y + 1), coordinate(scale_w), xml_escape(id));
  s += fmt::format("<text x=\"{}\" y=\"{}\">1</text>\n</g>\n</svg>\n", coordinate(scale_x + 68 + scale_w),
                   coordinate(scale_y + 11));
  return s;
}

}  // namespace nmt::report
