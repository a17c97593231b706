#include "nmt/serve/translate_request.h"

#include <cmath>

#include "nmt/text/utf8.h"

namespace nmt::serve {

using nlohmann::json;

namespace {

std::size_t code_points(const std::string& s) {
  std::size_t n = 0;
  for (const unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The integer field `name` of `body`, or `fallback` when absent; 400 naming it when it is not
// an integer in [low, high].
int integer_field(const json& body, const char* name, int fallback, int low, int high) {
  if (!body.contains(name)) return fallback;
  const json& v = body.at(name);
  const std::string range = std::to_string(low) + " to " + std::to_string(high);
  if (!v.is_number_integer() && !(v.is_number_float() && std::floor(v.get<double>()) == v.get<double>()))
    throw RequestError(400, std::string("\"") + name + "\" must be an integer from " + range);
  const double value = v.get<double>();
  if (value < low || value > high)
    throw RequestError(400, std::string("\"") + name + "\" must be from " + range + ", not " + v.dump());
  return static_cast<int>(value);
}

}  // namespace

TranslateRequest parse_translate_request(const std::string& raw_body, const RequestLimits& limits) {
  TranslateRequest request;
  std::string body = raw_body;
  if (const std::size_t bad = text::find_invalid_utf8(body); bad != std::string::npos) {
    body = text::replace_invalid_utf8(body);
    request.warnings.push_back("invalid UTF-8 at byte " + std::to_string(bad) +
                               " of the request (and any after it) replaced by U+FFFD");
  }
  json parsed;
  try {
    parsed = json::parse(body);
  } catch (const json::parse_error& e) {
    throw RequestError(400, std::string("malformed JSON: ") + e.what());
  }
  if (!parsed.is_object()) throw RequestError(400, "the request must be a JSON object with a \"text\" field");
  for (const auto& [key, value] : parsed.items())
    if (key != "text" && key != "beam_size" && key != "n_best" && key != "alignment" && key != "length_penalty")
      throw RequestError(400,
                         "unknown field \"" + key + "\" (known: text, beam_size, n_best, alignment, length_penalty)");
  if (!parsed.contains("text")) throw RequestError(400, "\"text\" is missing (a string or a list of strings)");
  const json& text = parsed.at("text");
  if (text.is_string()) {
    request.text.push_back(text.get<std::string>());
  } else if (text.is_array()) {
    if (text.size() > limits.max_sentences)
      throw RequestError(413, "\"text\" holds " + std::to_string(text.size()) + " sentences; at most " +
                                  std::to_string(limits.max_sentences) + " per request");
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (!text[i].is_string())
        throw RequestError(
            400, "\"text\"[" + std::to_string(i) + "] must be a string, not " + std::string(text[i].type_name()));
      request.text.push_back(text[i].get<std::string>());
    }
  } else {
    throw RequestError(400, "\"text\" must be a string or a list of strings, not " + std::string(text.type_name()));
  }
  for (std::size_t i = 0; i < request.text.size(); ++i) {
    const std::size_t n = code_points(request.text[i]);
    if (n > limits.max_sentence_characters)
      throw RequestError(413, "\"text\"[" + std::to_string(i) + "] has " + std::to_string(n) + " characters; at most " +
                                  std::to_string(limits.max_sentence_characters));
    if (request.text[i].find('\n') != std::string::npos || request.text[i].find('\r') != std::string::npos)
      throw RequestError(400, "\"text\"[" + std::to_string(i) + "] holds a line break: one sentence per string");
  }
  TranslationOptions& o = request.options;
  o.beam_size = integer_field(parsed, "beam_size", 5, 1, 256);
  o.n_best = integer_field(parsed, "n_best", 1, 1, o.beam_size);
  if (parsed.contains("alignment")) {
    if (!parsed.at("alignment").is_boolean()) throw RequestError(400, "\"alignment\" must be true or false");
    o.alignment = parsed.at("alignment").get<bool>();
  }
  if (parsed.contains("length_penalty")) {
    const json& v = parsed.at("length_penalty");
    if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 10)
      throw RequestError(400, "\"length_penalty\" must be a number from 0 to 10");
    o.length_penalty = v.get<double>();
  }
  return request;
}

json translate_response(const TranslateRequest& request, const std::vector<Translation>& translations,
                        const std::string& model_description) {
  json out{{"translations", json::array()}, {"model", model_description}};
  for (const Translation& t : translations) {
    json entry;
    if (t.n_best.empty()) {  // an empty line
      entry = {{"text", ""}, {"score", 0.0}};
    } else {
      entry = {{"text", t.n_best.front().text}, {"score", t.n_best.front().score}};
    }
    if (request.options.n_best > 1) {
      entry["n_best"] = json::array();
      for (const TranslatedHypothesis& h : t.n_best) entry["n_best"].push_back({{"text", h.text}, {"score", h.score}});
    }
    if (request.options.alignment) {
      json source = t.source_pieces, target = json::array(), alignment = json::array();
      if (!t.n_best.empty()) {
        const TranslatedHypothesis& best = t.n_best.front();
        source.push_back("</s>");
        target = best.pieces;
        if (best.complete) target.push_back("</s>");
        alignment = best.attention;
      }
      entry["source"] = source;
      entry["target"] = target;
      entry["alignment"] = alignment;
    }
    if (t.truncated) entry["truncated"] = true;
    out["translations"].push_back(entry);
  }
  if (!request.warnings.empty()) out["warnings"] = request.warnings;
  return out;
}

std::string error_body(const std::string& message) { return json{{"error", message}}.dump(); }

}  // namespace nmt::serve
