#include "nmt/report/alignment_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <span>

#include "nmt/report/run_metrics.h"

namespace nmt::report {

using nlohmann::json;

namespace {

std::vector<std::string> strings(const json& record, const char* key, const std::string& where) {
  const auto it = record.find(key);
  if (it == record.end() || !it->is_array())
    throw ReportError(where + ": no \"" + key + "\" array (is this nmt-translate --alignment soft output?)");
  std::vector<std::string> out;
  for (const auto& v : *it) {
    if (!v.is_string()) throw ReportError(where + ": \"" + key + "\" holds something other than text");
    out.push_back(v.get<std::string>());
  }
  return out;
}

// The sentence as the model read it: SentencePiece pieces joined, "▁" as spaces (the EOS, the
// last piece, left out).
std::string text_of_pieces(const std::vector<std::string>& pieces) {
  const std::string_view boundary = "\xE2\x96\x81";
  std::string text;
  const std::size_t subwords = pieces.empty() ? 0 : pieces.size() - 1;
  for (const auto& piece : std::span(pieces).first(subwords)) {
    std::string_view rest = piece;
    for (std::size_t p; (p = rest.find(boundary)) != std::string_view::npos; rest.remove_prefix(p + boundary.size())) {
      text.append(rest.substr(0, p));
      if (!text.empty()) text += ' ';
    }
    text.append(rest);
  }
  return text;
}

std::vector<float> weights_of(const json& row, const std::string& where) {
  if (!row.is_array()) throw ReportError(where + ": \"attention\" must hold arrays of weights");
  std::vector<float> weights;
  for (const auto& w : row) {
    if (!w.is_number()) throw ReportError(where + ": an attention weight that is not a number");
    weights.push_back(w.get<float>());
  }
  return weights;
}

std::string title_of(const json& record, const std::string& where) {
  const auto line = record.find("line");
  return line != record.end() && line->is_number_integer() ? "line " + std::to_string(line->get<long long>()) : where;
}

// A record of nmt-classify --attention: one row per attention head over the sentence's pieces.
AttentionMap classification_map(const json& record, const std::string& where) {
  AttentionMap map;
  map.source_pieces = strings(record, "pieces", where);
  const auto label = record.find("label");
  const auto probability = record.find("probability");
  if (!label->is_string() || probability == record.end() || !probability->is_number())
    throw ReportError(where +
                      ": \"label\" and \"probability\" must be text and a number (is this nmt-classify "
                      "--attention output?)");
  map.title = title_of(record, where);
  map.source_text = text_of_pieces(map.source_pieces);
  map.target_text = fmt::format("{} (p = {:.4f})", label->get<std::string>(), probability->get<double>());
  const auto attention = record.find("attention");
  if (attention == record.end() || !attention->is_array() || attention->empty())
    throw ReportError(where + ": no \"attention\" weights (is this nmt-classify --attention output?)");
  for (const auto& row : *attention) {
    map.weights.push_back(weights_of(row, where));
    map.target_pieces.push_back(attention->size() == 1 ? "attention" : fmt::format("head {}", map.weights.size()));
  }
  try {
    check_attention_map(map);
  } catch (const std::invalid_argument& e) {
    throw ReportError(where + ": " + e.what() + " (pieces include the EOS \"</s>\")");
  }
  return map;
}

}  // namespace

AttentionMap attention_map_from_json(const json& record, const std::string& where) {
  if (!record.is_object()) throw ReportError(where + ": not a JSON object");
  if (record.contains("label")) return classification_map(record, where);
  AttentionMap map;
  map.source_pieces = strings(record, "source", where);
  map.target_pieces = strings(record, "target", where);
  const auto translation = record.find("translation");
  if (translation == record.end() || !translation->is_string())
    throw ReportError(where + ": no \"translation\" (is this nmt-translate --alignment soft output?)");
  map.target_text = translation->get<std::string>();
  map.title = title_of(record, where);
  // "source" ends with the EOS that the rows have a column for (an empty line has neither).
  if (!map.target_pieces.empty() && (map.source_pieces.empty() || map.source_pieces.back() != "</s>"))
    throw ReportError(
        where + ": \"source\" does not end with the EOS \"</s>\" (is this nmt-translate --alignment soft output?)");
  map.source_text = text_of_pieces(map.source_pieces);
  if (map.target_pieces.empty()) throw ReportError(where + ": an empty translation: no attention to draw");
  const auto attention = record.find("attention");
  if (attention == record.end() || !attention->is_array())
    throw ReportError(where + ": no \"attention\" array (is this nmt-translate --alignment soft output?)");
  if (attention->empty() || (attention->size() == map.target_pieces.size() && attention->front().empty()))
    throw ReportError(where + ": no attention weights: the model has no attention (model.attention: none)");
  for (const auto& row : *attention) {
    std::vector<float> weights = weights_of(row, where);
    // Positions past the sentence's EOS with weight 0 are a decoding batch's padding.
    const std::size_t columns = map.source_pieces.size();
    if (weights.size() > columns && std::all_of(weights.begin() + static_cast<std::ptrdiff_t>(columns), weights.end(),
                                                [](float w) { return w == 0.0f; }))
      weights.resize(columns);
    map.weights.push_back(std::move(weights));
  }
  try {
    check_attention_map(map);
  } catch (const std::invalid_argument& e) {
    throw ReportError(where + ": " + e.what() + " (source pieces include the EOS \"</s>\")");
  }
  return map;
}

AttentionMap read_alignment(std::istream& in, const std::string& name, std::optional<std::size_t> line) {
  std::string text;
  std::size_t number = 0;
  while (std::getline(in, text)) {
    ++number;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = name + ":" + std::to_string(number);
    const json record = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (record.is_discarded() || !record.is_object()) throw ReportError(where + ": not a JSON object");
    const auto field = record.find("line");
    if (!line || (field != record.end() && field->is_number_unsigned() && field->get<std::size_t>() == *line))
      return attention_map_from_json(record, where);
  }
  if (!line) throw ReportError(name + ": no records (expected nmt-translate --alignment soft output)");
  throw ReportError(name + ": no record whose \"line\" is " + std::to_string(*line) + " (" + std::to_string(number) +
                    " lines read; input lines count from 0)");
}

}  // namespace nmt::report
