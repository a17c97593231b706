#include "nmt/train/batch_share.h"

#include <span>
#include <stdexcept>

namespace nmt::train {

RowRange share_rows(const data::Batch& batch, std::size_t part, std::size_t parts, std::size_t row_multiple) {
  if (parts == 0 || part >= parts) throw std::invalid_argument("share_rows: part out of range");
  const std::size_t unit = row_multiple > 0 && batch.rows >= parts * row_multiple ? row_multiple : 1;
  std::size_t total = 0;
  for (const std::int32_t length : batch.target_lengths) total += static_cast<std::size_t>(length);
  // Boundary k: the first row (on a multiple of `unit`) where the tokens before it reach k/parts
  // of the batch's. Each part then holds within one unit's tokens of its even share.
  const auto boundary = [&](std::size_t k) {
    if (k == 0) return std::size_t{0};
    if (k == parts) return batch.rows;
    std::size_t row = 0, tokens = 0;
    while (row < batch.rows && tokens * parts < k * total) {
      for (std::size_t end = std::min(row + unit, batch.rows); row < end; ++row)
        tokens += static_cast<std::size_t>(batch.target_lengths[row]);
    }
    return row;
  };
  return {boundary(part), boundary(part + 1)};
}

data::Batch batch_share(const data::EncodedCorpus& corpus, const data::Batch& batch, std::size_t part,
                        std::size_t parts, const data::WidthPadding& padding, std::size_t row_multiple) {
  const RowRange rows = share_rows(batch, part, parts, row_multiple);
  const std::span<const std::size_t> sentences(batch.sentence_indices.data() + rows.first, rows.rows());
  return data::make_training_batch(corpus, sentences, padding);
}

}  // namespace nmt::train
