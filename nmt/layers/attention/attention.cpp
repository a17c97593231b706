#include "nmt/layers/attention/attention.h"

#include <stdexcept>

namespace nmt::layers {
namespace {

constexpr std::pair<ScoreFunction, std::string_view> kScoreNames[] = {
    {ScoreFunction::dot, "dot"}, {ScoreFunction::general, "general"}, {ScoreFunction::concat, "concat"}};

}  // namespace

std::string_view score_function_name(ScoreFunction score) {
  for (const auto& [s, n] : kScoreNames)
    if (s == score) return n;
  return "?";
}

ScoreFunction parse_score_function(std::string_view name) {
  for (const auto& [s, n] : kScoreNames)
    if (n == name) return s;
  throw std::invalid_argument("unknown score function '" + std::string(name) + "' (valid: dot, general, concat)");
}

AttentionMemory AttentionMemory::select_rows(std::span<const std::int32_t> rows) const {
  AttentionMemory m;
  m.values = graph::gather_rows(values, rows);
  m.keys = keys == values ? m.values : graph::gather_rows(keys, rows);
  graph::NoGradGuard no_grad;
  m.mask = graph::gather_rows(Var::constant(mask), rows).value();
  for (auto r : rows) m.lengths.push_back(lengths.at(r));
  return m;
}

}  // namespace nmt::layers
