#include "nmt/data/batching.h"

#include <algorithm>
#include <numeric>
#include <tuple>

#include "nmt/data/data_error.h"
#include "nmt/data/split_mix.h"

namespace nmt::data {

TrainingBatcher::TrainingBatcher(std::shared_ptr<const EncodedCorpus> corpus, const BatchingOptions& options)
    : corpus_(std::move(corpus)), options_(options) {
  if (!corpus_) throw DataError("TrainingBatcher needs a corpus");
  if (options_.max_length == 0) throw DataError("max_length must be at least 1 token");
  // A pair of max_length tokens plus BOS/EOS must fit in a batch of its own.
  if (options_.max_tokens < options_.max_length + 1) {
    throw DataError("max_tokens " + std::to_string(options_.max_tokens) + " cannot hold one sentence of max_length " +
                    std::to_string(options_.max_length) + " plus EOS");
  }
  for (std::size_t i = 0; i < corpus_->size(); ++i) {
    const std::size_t source_length = corpus_->source.length(i);
    const std::size_t target_length = corpus_->target.length(i);
    if (source_length == 0 || target_length == 0) {
      ++filter_stats_.empty_side;
    } else if (source_length > options_.max_length || target_length > options_.max_length) {
      ++filter_stats_.too_long;
    } else {
      kept_.push_back(i);
    }
  }
  filter_stats_.kept = kept_.size();
  if (kept_.empty()) {
    throw DataError("no training pair is left after the length filter (" + std::to_string(filter_stats_.too_long) +
                    " longer than " + std::to_string(options_.max_length) + " tokens, " +
                    std::to_string(filter_stats_.empty_side) + " with an empty side)");
  }
  current_plan_ = plan_epoch(0);
  current_plan_epoch_ = 0;
  batches_per_epoch_ = current_plan_.batch_count();
}

namespace {

struct SortKey {
  std::size_t target_length;
  std::size_t source_length;
  std::uint64_t tie_break;  // random per epoch: regroups sentences of equal lengths
  std::size_t sentence;
};

bool by_target_length(const SortKey& a, const SortKey& b) {
  return std::tie(a.target_length, a.source_length, a.tie_break, a.sentence) <
         std::tie(b.target_length, b.source_length, b.tie_break, b.sentence);
}

bool by_source_length(const SortKey& a, const SortKey& b) {
  return std::tie(a.source_length, a.target_length, a.tie_break, a.sentence) <
         std::tie(b.source_length, b.target_length, b.tie_break, b.sentence);
}

}  // namespace

EpochPlan TrainingBatcher::plan_epoch(std::uint64_t epoch) const {
  const std::uint64_t epoch_seed = split_mix(split_mix(options_.seed) + epoch);
  std::vector<SortKey> keys;
  keys.reserve(kept_.size());
  for (const std::size_t sentence : kept_) {
    keys.push_back({corpus_->target.length(sentence), corpus_->source.length(sentence),
                    split_mix(epoch_seed + sentence), sentence});
  }
  std::sort(keys.begin(), keys.end(), by_target_length);

  // Pools: runs of the target-sorted list worth pool_batches budgets of target tokens,
  // each re-sorted by source length and cut on its own. A pool spans few target lengths,
  // so target padding stays small while the source side gets sorted too.
  std::vector<std::size_t> pool_starts = {0};
  if (options_.pool_batches > 0) {
    const std::size_t pool_tokens = options_.pool_batches * options_.max_tokens;
    std::size_t tokens = 0;
    for (std::size_t k = 0; k < keys.size(); ++k) {
      tokens += keys[k].target_length + 1;
      if (tokens > pool_tokens && k + 1 < keys.size()) {
        pool_starts.push_back(k + 1);
        tokens = 0;
      }
    }
  }
  pool_starts.push_back(keys.size());

  std::vector<std::size_t> sorted_starts;  // batch boundaries in `keys`
  const WidthPadding padding = this->padding();
  const auto width = [&](std::size_t tokens) { return padded_width(tokens, padding.multiple, padding.source_cap); };
  const std::size_t row_multiple = std::max<std::size_t>(options_.row_multiple, 1);
  // The sentences left over by a pool's last batch (see below) open the next pool.
  std::size_t begin = 0;
  for (std::size_t pool = 0; pool + 1 < pool_starts.size(); ++pool) {
    const std::size_t end = pool_starts[pool + 1];
    const bool last_pool = pool + 2 == pool_starts.size();
    if (options_.pool_batches > 0)
      std::sort(keys.begin() + static_cast<std::ptrdiff_t>(begin), keys.begin() + static_cast<std::ptrdiff_t>(end),
                by_source_length);
    // Greedy cut: a batch takes sentences until one more would exceed the budget on either
    // side; then it gives back its last rows down to a multiple of row_multiple (when it has
    // more than that), which open the next batch: the row counts, and with them the shapes of
    // the per-time-step ops of an RNN decoder, come from a small set too (issue 15).
    while (begin < end) {
      std::size_t rows = 0, source_width = 0, target_width = 0;
      for (std::size_t k = begin; k < end; ++k) {
        const std::size_t sw = std::max(source_width, width(keys[k].source_length + 1));
        const std::size_t tw = std::max(target_width, width(keys[k].target_length + 1));
        if (rows > 0 && ((rows + 1) * sw > options_.max_tokens || (rows + 1) * tw > options_.max_tokens)) break;
        source_width = sw;
        target_width = tw;
        ++rows;
      }
      const bool pool_done = begin + rows == end;
      if (rows > row_multiple) rows -= rows % row_multiple;
      if (pool_done && !last_pool && rows < row_multiple) break;  // too few for a batch: into the next pool
      sorted_starts.push_back(begin);
      begin += rows;
      if (pool_done && !last_pool && begin < end) break;  // the rows given back open the next pool
    }
  }
  sorted_starts.push_back(keys.size());

  std::vector<std::size_t> batch_order(sorted_starts.size() - 1);
  std::iota(batch_order.begin(), batch_order.end(), std::size_t{0});
  SplitMix64 generator(epoch_seed);
  generator.shuffle(std::span<std::size_t>(batch_order));

  EpochPlan plan;
  plan.sentences_.reserve(keys.size());
  plan.batch_starts_.reserve(batch_order.size() + 1);
  for (const std::size_t b : batch_order) {
    for (std::size_t k = sorted_starts[b]; k < sorted_starts[b + 1]; ++k) {
      plan.sentences_.push_back(keys[k].sentence);
    }
    plan.batch_starts_.push_back(plan.sentences_.size());
  }
  return plan;
}

Batch TrainingBatcher::next() {
  if (current_plan_epoch_ != position_.epoch) {
    current_plan_ = plan_epoch(position_.epoch);
    current_plan_epoch_ = position_.epoch;
  }
  Batch batch = make_training_batch(*corpus_, current_plan_.batch(position_.batch), padding());
  if (++position_.batch == batches_per_epoch_) {
    position_.batch = 0;
    ++position_.epoch;
  }
  return batch;
}

void TrainingBatcher::seek(BatchPosition position) {
  if (position.batch >= batches_per_epoch_) {
    throw DataError("cannot resume at batch " + std::to_string(position.batch) + " of epoch " +
                    std::to_string(position.epoch) + ": an epoch has " + std::to_string(batches_per_epoch_) +
                    " batches (different corpus or batching options?)");
  }
  position_ = position;
}

}  // namespace nmt::data
