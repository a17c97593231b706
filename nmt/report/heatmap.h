// Attention heat-maps: one SVG per sentence, target subwords down the left, source subwords
// across the top, each cell shaded by the weight the decoder gave that source subword when
// it produced that target subword (white 0, dark blue 1).
//
// Every cell is a <rect class="cell"> with data-target and data-source (0-based indices) and
// data-weight (the weight, printed so that it reads back as the same float), and a <title>
// a browser shows as a tooltip.
#pragma once

#include <string>
#include <vector>

namespace nmt::report {

struct AttentionMap {
  std::string title;                        // e.g. "test line 5"
  std::string source_text, target_text;     // the sentence and its translation
  std::vector<std::string> source_pieces;   // columns: source subwords, then "</s>"
  std::vector<std::string> target_pieces;   // rows: target subwords, then "</s>" if it ended
  std::vector<std::vector<float>> weights;  // [row][column]
};

// std::invalid_argument unless there is one row of weights per target piece, each with one
// weight per source piece.
void check_attention_map(const AttentionMap& map);

// The heat-map as an <svg> element (standalone: with the XML declaration, for a .svg file).
// `id` names the element (data-heatmap) so a page can hold several.
std::string heatmap_svg(const AttentionMap& map, const std::string& id, bool standalone);

}  // namespace nmt::report
