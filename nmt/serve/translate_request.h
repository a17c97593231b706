// The JSON of POST /translate (issue 21; docs/serving.md):
//
//   {"text": ["Open the file.", ...], "beam_size": 5, "n_best": 1, "alignment": false}
//   -> {"translations": [{"text": ..., "score": ..., "n_best": [{"text", "score"}, ...],
//                         "source": [...], "target": [...], "alignment": [[...], ...]}, ...],
//       "model": "...", "warnings": [...]}
//
// "text" may also be one string. "n_best" lists appear when n_best > 1; "source", "target" and
// "alignment" when alignment is true (the soft alignment of nmt-translate --alignment soft:
// rows per target subword and its </s>, columns per source subword and </s>). Bad requests are
// RequestError with the HTTP status and a message naming the field.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "nmt/nmt.h"

namespace nmt::serve {

struct RequestLimits {
  std::size_t max_sentences = 256;             // per request (413 beyond)
  std::size_t max_sentence_characters = 4096;  // Unicode code points per sentence (413 beyond)
};

class RequestError : public std::runtime_error {
 public:
  RequestError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

struct TranslateRequest {
  std::vector<std::string> text;
  TranslationOptions options;
  std::vector<std::string> warnings;  // e.g. invalid UTF-8 replaced
};

// Parses and checks a request body. Invalid UTF-8 in the body is replaced by U+FFFD (with a
// warning naming its byte offset), as nmt-translate does with its input.
TranslateRequest parse_translate_request(const std::string& body, const RequestLimits& limits);

nlohmann::json translate_response(const TranslateRequest& request, const std::vector<Translation>& translations,
                                  const std::string& model_description);

// {"error": message}, the body of every error answer.
std::string error_body(const std::string& message);

}  // namespace nmt::serve
