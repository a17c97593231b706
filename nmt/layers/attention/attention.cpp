#include "nmt/layers/attention/attention.h"

#include <stdexcept>

#include "nmt/layers/attention/mechanisms.h"

namespace nmt::layers {
namespace {

constexpr std::pair<AttentionType, std::string_view> kTypeNames[] = {
    {AttentionType::none, "none"},
    {AttentionType::bahdanau, "bahdanau"},
    {AttentionType::luong_dot, "luong-dot"},
    {AttentionType::luong_general, "luong-general"},
    {AttentionType::luong_concat, "luong-concat"},
    {AttentionType::luong_location, "luong-location"},
    {AttentionType::local_m, "local-m"},
    {AttentionType::local_p, "local-p"},
};
constexpr std::pair<ScoreFunction, std::string_view> kScoreNames[] = {
    {ScoreFunction::dot, "dot"}, {ScoreFunction::general, "general"}, {ScoreFunction::concat, "concat"}};

}  // namespace

std::string_view attention_type_name(AttentionType type) {
  for (const auto& [t, n] : kTypeNames)
    if (t == type) return n;
  return "?";
}

std::vector<std::string_view> attention_type_names() {
  std::vector<std::string_view> names;
  for (const auto& entry : kTypeNames) names.push_back(entry.second);
  return names;
}

AttentionType parse_attention_type(std::string_view name) {
  std::string valid;
  for (const auto& [t, n] : kTypeNames) {
    if (n == name) return t;
    valid += (valid.empty() ? "" : ", ") + std::string(n);
  }
  throw std::invalid_argument("unknown attention type '" + std::string(name) + "' (valid: " + valid + ")");
}

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

std::unique_ptr<Attention> make_attention(const AttentionOptions& options, graph::Parameters& params,
                                          const std::string& name, std::int64_t query_size, std::int64_t value_size,
                                          graph::RandomGenerator& generator) {
  switch (options.type) {
    case AttentionType::none:
      return nullptr;
    case AttentionType::bahdanau:
      return make_bahdanau_attention(options, params, name, query_size, value_size, generator);
    case AttentionType::luong_dot:
    case AttentionType::luong_general:
    case AttentionType::luong_concat:
      return make_luong_global_attention(options, params, name, query_size, value_size, generator);
    case AttentionType::luong_location:
      return make_luong_location_attention(options, params, name, query_size, value_size, generator);
    case AttentionType::local_m:
    case AttentionType::local_p:
      return make_local_attention(options, params, name, query_size, value_size, generator);
  }
  throw std::invalid_argument("make_attention: unknown attention type");
}

}  // namespace nmt::layers
