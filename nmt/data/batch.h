#pragma once
// One batch of sentences as padded id matrices, ready for the model.
//
// Layout is batch-major: a matrix of `rows` sentences and `width` time steps stores
// element (row, t) at [row * width + t]. Every sentence ends with EOS; shorter ones are
// padded with kPadId after it.
//
//   source_ids     x1 .. xn EOS PAD ..     (width: longest source + 1, or more, see padded_width)
//   target_input   BOS y1 .. ym PAD ..     (width: longest target + 1, or more)
//   target_output  y1 .. ym EOS PAD ..     (same width; what the decoder must predict)
//
// A decoding batch has the source fields only (rows, source_*, sentence_indices).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "nmt/data/encoded_corpus.h"
#include "nmt/data/token_sequences.h"

namespace nmt::data {

struct Batch {
  std::size_t rows = 0;
  std::size_t source_width = 0;
  std::size_t target_width = 0;
  std::vector<std::int32_t> source_ids;      // rows x source_width
  std::vector<std::int32_t> source_lengths;  // per row, EOS included
  std::vector<float> source_mask;            // rows x source_width: 1 on tokens, 0 on padding
  std::vector<std::int32_t> target_input;    // rows x target_width
  std::vector<std::int32_t> target_output;   // rows x target_width
  std::vector<std::int32_t> target_lengths;  // per row, EOS included
  std::vector<float> target_mask;            // rows x target_width: 1 where target_output counts
  // Row r holds sentence sentence_indices[r] of the corpus (or of the decoding input).
  std::vector<std::size_t> sentence_indices;

  // Target tokens the loss counts (EOS included, padding not).
  std::size_t target_tokens() const;
  std::size_t padded_target_tokens() const { return rows * target_width; }
  std::size_t source_tokens() const;
  std::size_t padded_source_tokens() const { return rows * source_width; }
};

// The width of a batch whose longest sequence takes `tokens` (EOS or BOS included): rounded up
// to a multiple of `multiple`, but never past `cap` (0: no cap) unless `tokens` itself is.
// Few widths mean few distinct batch shapes, so few oneDNN primitives to create and few buffer
// sizes to pool (issue 15); the cap keeps a batch within what the model can read (luong-location
// scores a fixed number of source positions).
std::size_t padded_width(std::size_t tokens, std::size_t multiple, std::size_t cap);

// How a batch is padded: each side to padded_width(longest + 1, multiple, that side's cap).
// The default pads to the longest sentence only.
struct WidthPadding {
  std::size_t multiple = 1;
  std::size_t source_cap = 0;
  std::size_t target_cap = 0;
};

// The given sentences of `corpus`, in the given order, as one training batch. Padding is
// masked: the loss does not depend on it.
Batch make_training_batch(const EncodedCorpus& corpus, std::span<const std::size_t> sentences,
                          const WidthPadding& padding = {});
// The given source sentences as one decoding batch.
Batch make_source_batch(const TokenSequences& sources, std::span<const std::size_t> sentences,
                        const WidthPadding& padding = {});

}  // namespace nmt::data
