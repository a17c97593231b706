#pragma once
// Training batches: a token budget per batch, length bucketing, a seeded shuffle.
//
// Each epoch sorts the sentences by target length, then source length, with ties broken
// at random; splits the sorted list into pools worth `pool_batches` batches; sorts each
// pool by source length; cuts it greedily into batches whose padded size (rows x width,
// BOS/EOS included, width rounded up to width_multiple) stays within max_tokens on the
// target side and on the source side, rows rounded down to a multiple of row_multiple (the
// rest open the next batch, and a pool's remainder the next pool);
// and shuffles the order of all batches. Sentences of similar lengths on both sides thus
// share a batch (little padding), while the batch order, and which of the sentences of
// equal lengths go together, change every epoch. The batch sizes depend on the lengths
// only, so every epoch has the same number of batches.
//
// The order is a pure function of (corpus, options, epoch), computed with a generator
// specified bit for bit (split_mix.h): saving BatchPosition with a checkpoint is enough to
// resume with exactly the batches an uninterrupted run would see.
//
// Pairs with a side longer than max_length tokens, or with an empty side, are left out
// and counted.

#include <algorithm>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "nmt/data/batch.h"
#include "nmt/data/encoded_corpus.h"

namespace nmt::data {

struct BatchingOptions {
  std::size_t max_tokens = 4000;  // padded tokens per batch, each side (rows x width)
  std::size_t max_length = 200;   // subword tokens per side, BOS/EOS not counted
  // Pool size in batches. 0 sorts by (target, source) length alone: the least target
  // padding but much source padding (on the en-fr corpus, 4000 tokens, exact widths: 0.7% /
  // 22%); 8 balances the two (7% / 5%), and larger pools favour the source side.
  std::size_t pool_batches = 8;
  std::uint64_t seed = 1;
  // Batch widths (each side) are rounded up to a multiple of this, at most max_length + 1
  // (see padded_width in batch.h): fewer batch shapes, at the cost of padded cells. On the
  // en-fr corpus with the default recipe's batching (bench-data): 1 gives 349 shapes and 3.5%
  // padding, 4 gives 157 and 9.8%, 8 gives 92 and 17%. With the primitive cache and the memory
  // pool bounded, the shapes cost less than the padding: bench/cold_start.sh trained the
  // default Transformer 3.9% faster with exact widths than with multiples of 4 (and the
  // luong-general RNN 3.4% faster), first minutes included, at the same resident memory
  // (issue 15). So training uses 1: exact widths.
  std::size_t width_multiple = 1;
  // Batches with more rows than this have a multiple of it (the rows past it open the next
  // batch), so that the row counts come from a small set as the widths do: an RNN decoder runs
  // ops of [rows, hidden] at every time step. 1: any row count. nmt-train uses 8 for RNN
  // models and 1 for the Transformer, whose ops all see rows and width together.
  std::size_t row_multiple = 8;
};

struct LengthFilterStats {
  std::size_t kept = 0;
  std::size_t too_long = 0;    // a side longer than max_length
  std::size_t empty_side = 0;  // a side encoded to no token
};

// Where a training run is in the batch stream: save it with a checkpoint.
struct BatchPosition {
  std::uint64_t epoch = 0;
  std::size_t batch = 0;  // index of the next batch within the epoch
  auto operator<=>(const BatchPosition&) const = default;
};

// The batches of one epoch, in training order, as sentence indices of the corpus.
class EpochPlan {
 public:
  std::size_t batch_count() const { return batch_starts_.size() - 1; }
  std::span<const std::size_t> batch(std::size_t index) const {
    return {sentences_.data() + batch_starts_[index], batch_starts_[index + 1] - batch_starts_[index]};
  }

 private:
  friend class TrainingBatcher;
  std::vector<std::size_t> sentences_;
  std::vector<std::size_t> batch_starts_ = {0};
};

class TrainingBatcher {
 public:
  // Throws DataError if max_tokens cannot hold one sentence of max_length.
  TrainingBatcher(std::shared_ptr<const EncodedCorpus> corpus, const BatchingOptions& options);

  const LengthFilterStats& filter_stats() const { return filter_stats_; }
  std::size_t sentences_per_epoch() const { return kept_.size(); }
  std::size_t batches_per_epoch() const { return batches_per_epoch_; }
  EpochPlan plan_epoch(std::uint64_t epoch) const;
  // How the batches of this batcher are padded (width_multiple, both caps max_length + 1).
  WidthPadding padding() const { return {options_.width_multiple, options_.max_length + 1, options_.max_length + 1}; }
  std::size_t row_multiple() const { return std::max<std::size_t>(options_.row_multiple, 1); }

  // The batch at position(); then position() moves on, into the next epoch after the last.
  Batch next();
  BatchPosition position() const { return position_; }
  void seek(BatchPosition position);  // DataError if position.batch is past the epoch

 private:
  std::shared_ptr<const EncodedCorpus> corpus_;
  BatchingOptions options_;
  LengthFilterStats filter_stats_;
  std::vector<std::size_t> kept_;  // indices of the sentences that passed the length filter
  std::size_t batches_per_epoch_ = 0;
  BatchPosition position_;
  EpochPlan current_plan_;
  std::uint64_t current_plan_epoch_ = 0;
};

}  // namespace nmt::data
