// Raw text in, raw text out: SentencePiece encoding, length-sorted batches, search, decoding,
// and the original order restored. One output line per input line; an empty line gives an
// empty line.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "nmt/data/vocabularies.h"
#include "nmt/models/model.h"

namespace nmt::decode {

struct TranslateOptions {
  std::size_t batch_tokens = 2000;
  std::int64_t max_source_length = 0;   // subwords incl. EOS; longer inputs are cut (0: no limit)
  double max_output_ratio = 2.0;        // output tokens <= ratio * source tokens + 10
};

struct Translations {
  std::vector<std::string> lines;
  std::size_t truncated_inputs = 0;  // inputs cut to max_source_length
};

Translations translate(const models::Seq2SeqModel& model, const data::Vocabularies& vocabularies,
                       std::span<const std::string> lines, const TranslateOptions& options);

}  // namespace nmt::decode
