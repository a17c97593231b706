// Raw text in, raw text out: SentencePiece encoding, length-sorted batches, beam search,
// decoding, and the original order restored. One result per input line; an empty line gives
// an empty translation.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "nmt/data/vocabularies.h"
#include "nmt/decode/beam_search.h"
#include "nmt/models/model.h"

namespace nmt::decode {

struct TranslateOptions {
  std::size_t batch_tokens = 2000;      // padded source tokens per batch
  std::size_t batch_sentences = 64;     // and at most this many sentences
  std::int64_t max_source_length = 0;   // subwords incl. EOS; longer inputs are cut (0: no limit)
  BeamOptions beam;                     // beam_size 1 is greedy search
};

struct TranslatedHypothesis {
  std::string text;
  std::vector<std::string> pieces;  // target subwords (EOS not included)
  double score = 0, log_probability = 0;
  bool complete = true;  // ended with EOS (false: cut at the length limit)
  std::vector<std::vector<float>> attention;  // [target piece (+ EOS if complete)][source piece + EOS]
};

struct Translation {
  std::vector<std::string> source_pieces;  // what the model read (after any cut), EOS not included
  std::vector<TranslatedHypothesis> n_best;  // best first; empty for an empty input line
  const std::string& best() const;
};

struct Translations {
  std::vector<Translation> sentences;  // in input order
  std::size_t truncated_inputs = 0;    // inputs cut to max_source_length
  std::vector<std::size_t> truncated_lines;  // their 0-based line numbers
  std::vector<std::string> best_lines() const;
};

Translations translate(const models::Seq2SeqModel& model, const data::Vocabularies& vocabularies,
                       std::span<const std::string> lines, const TranslateOptions& options);

}  // namespace nmt::decode
