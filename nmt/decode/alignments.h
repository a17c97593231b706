// The two alignment formats of nmt-translate --alignment, made from a translation's best
// hypothesis. Both index the subwords the model read and wrote, from 0.
//
// soft: one JSON object per input line,
//   {"line": N (input lines count from 0, as in n-best lists), "translation": text,
//    "source": [source subwords..., "</s>"],
//    "target": [target subwords..., "</s>" if the hypothesis ended with EOS],
//    "attention": [[one weight per "source" entry] per "target" entry], "score": s}
//   "source" and "target" list exactly the positions that the columns and the rows of
//   "attention" index, the EOS included on both sides (the decoder attends to the source EOS
//   too; the target EOS is a decoding step of its own). Each row sums to 1. An empty input line
//   has empty "source", "target" and "attention" and no score; a model without attention has an
//   empty "attention".
// hard: Pharaoh pairs "i-j" separated by spaces: for every target subword j (the target EOS left
//   out), the source subword i that it attends to most among the real ones (the source EOS left
//   out), so that every pair names two subwords of the sentence. Empty for an empty line or a
//   model without attention.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

#include "nmt/decode/translator.h"

namespace nmt::decode {

inline constexpr const char* kEosPiece = "</s>";

// The soft record of `translation`, numbered `line`.
nlohmann::json soft_alignment(const Translation& translation, std::size_t line);

// The hard alignment of `translation`: "i-j i-j ...".
std::string hard_alignment(const Translation& translation);

}  // namespace nmt::decode
