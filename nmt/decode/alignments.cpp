#include "nmt/decode/alignments.h"

#include <algorithm>

namespace nmt::decode {

nlohmann::json soft_alignment(const Translation& translation, std::size_t line) {
  nlohmann::json j{{"line", line}, {"translation", translation.best()}};
  if (translation.n_best.empty()) {
    j["source"] = j["target"] = j["attention"] = nlohmann::json::array();
    return j;
  }
  const TranslatedHypothesis& best = translation.n_best.front();
  std::vector<std::string> source = translation.source_pieces, target = best.pieces;
  source.emplace_back(kEosPiece);
  if (best.complete) target.emplace_back(kEosPiece);
  j["source"] = source;
  j["target"] = target;
  j["attention"] = best.attention;
  j["score"] = best.score;
  return j;
}

std::string hard_alignment(const Translation& translation) {
  std::string out;
  if (translation.n_best.empty()) return out;
  const TranslatedHypothesis& best = translation.n_best.front();
  const std::size_t sources = translation.source_pieces.size();
  for (std::size_t j = 0; j < std::min(best.pieces.size(), best.attention.size()); ++j) {
    const auto& row = best.attention[j];
    const auto end = row.begin() + static_cast<std::ptrdiff_t>(std::min(sources, row.size()));
    if (end == row.begin()) continue;
    const auto i = std::max_element(row.begin(), end) - row.begin();
    if (!out.empty()) out += ' ';
    out.append(std::to_string(i)).append("-").append(std::to_string(j));
  }
  return out;
}

}  // namespace nmt::decode
