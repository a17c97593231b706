#include "nmt/data/decoding_batches.h"

#include <algorithm>
#include <numeric>

namespace nmt::data {

std::vector<Batch> make_decoding_batches(const TokenSequences& sources, std::size_t max_tokens,
                                         std::size_t max_sentences, const WidthPadding& padding) {
  if (max_tokens == 0) throw DataError("max_tokens for decoding must be at least 1");
  if (max_sentences == 0) throw DataError("max_sentences for decoding must be at least 1");
  std::vector<std::size_t> order(sources.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  // Longest first: the slowest batch comes first, so a progress estimate errs on the
  // safe side and a batch too large for memory fails at once.
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return sources.length(a) > sources.length(b); });

  std::vector<Batch> batches;
  std::size_t start = 0;
  while (start < order.size()) {
    // Sorted longest first, so the first sentence sets the width of the batch.
    const std::size_t width = padded_width(sources.length(order[start]) + 1, padding.multiple, padding.source_cap);
    const std::size_t rows =
        std::max<std::size_t>(1, std::min({max_tokens / width, max_sentences, order.size() - start}));
    batches.push_back(make_source_batch(sources, std::span<const std::size_t>(order).subspan(start, rows), padding));
    start += rows;
  }
  return batches;
}

}  // namespace nmt::data
