// Raw text in, raw text out: SentencePiece encoding, length-sorted batches, beam search,
// decoding, and the original order restored. One result per input line; an empty line gives
// an empty translation.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "nmt/data/vocabularies.h"
#include "nmt/decode/beam_search.h"
#include "nmt/graph/precision.h"
#include "nmt/models/model.h"
#include "nmt/translation.h"

namespace nmt::decode {

struct TranslateOptions {
  std::size_t batch_tokens = 2000;     // padded source tokens per batch
  std::size_t batch_sentences = 64;    // and at most this many sentences
  std::int64_t max_source_length = 0;  // subwords incl. EOS; longer inputs are cut (0: no limit)
  // Batch widths are rounded up to a multiple of this (at most max_source_length): few batch
  // shapes, so few oneDNN primitives and buffer sizes (issue 15). Padding is masked. 8 rather
  // than 4: the 1,000 test sentences at batch 32 created 2,670-2,712 primitives with beam 5 and
  // 727-763 greedy instead of 3,005-3,112 and 955-976, and ran 154.6, 154.8, 167.6 (beam 5) and
  // 497.4, 520.9, 501.1 (greedy) sentences/s against 147.7, 153.9, 152.0 and 495.6, 483.7, 506.7,
  // interleaved (AMD EPYC Zen 5, 2 threads), with the same translations (issue 24).
  std::size_t width_multiple = 8;
  BeamOptions beam;  // beam_size 1 is greedy search
  // Of the linear layers (graph/precision.h); the caller checks the CPU offers it.
  graph::Precision precision = graph::Precision::f32;
};

// The result of one line (nmt/translation.h: the public interface's type).
using nmt::TranslatedHypothesis;
using nmt::Translation;

struct Translations {
  std::vector<Translation> sentences;        // in input order
  std::size_t truncated_inputs = 0;          // inputs cut to max_source_length
  std::vector<std::size_t> truncated_lines;  // their 0-based line numbers
  std::vector<std::string> best_lines() const;
};

// The ranges of the decoding options (nmt-translate's command line), and why:
//   beam size 1..256: each step scores beam x sentences rows, so time and memory grow with it;
//     beams past a few dozen only lower BLEU, and 256 leaves room for wide n-best lists
//     (100000 ran for minutes);
//   n-best 1..beam size: the beam holds no more finished hypotheses;
//   length penalty alpha 0..10: 0 ranks by probability, 1 by the per-token average, more favours
//     long outputs; negative, NaN or infinite alphas rank nothing sensible;
//   max length ratio in (0, 100]: output length <= ratio x source subwords + 10; the bound of a
//     recipe's validation.max_output_ratio (10000 %), and far from overflowing the integer limit;
//   batch tokens and batch size 1..10000000, the bound of a recipe's training.batch_tokens.
inline constexpr int kMaxBeamSize = 256;
inline constexpr double kMaxLengthPenalty = 10;
inline constexpr double kMaxLengthRatio = 100;
inline constexpr std::int64_t kMaxBatchOption = 10'000'000;

// "" when every option is in its range; otherwise what is wrong, naming the command-line option
// (--beam-size, --n-best, --length-penalty, --max-length-ratio, --batch-tokens, --batch-size),
// the valid range and the value given. Programs check it before any work: translate() itself
// refuses only what beam search cannot do (a beam or n-best below 1, n-best above the beam).
std::string options_error(const TranslateOptions& options);

// "" when 1 <= value <= kMaxBatchOption; else "OPTION must be between 1 and 10000000, not VALUE".
std::string batch_option_error(const std::string& option, std::int64_t value);

// With more than one batch and more than one compute thread (graph::set_compute_threads), the
// batches are decoded side by side, each on one thread (translator.cpp says why); the output is
// the same as one batch at a time.
Translations translate(const models::Seq2SeqModel& model, const data::Vocabularies& vocabularies,
                       std::span<const std::string> lines, const TranslateOptions& options);

}  // namespace nmt::decode
