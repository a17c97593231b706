#include "nmt/data/batch.h"

#include <algorithm>
#include <numeric>

#include "nmt/data/special_ids.h"

namespace nmt::data {
namespace {

std::size_t longest(const TokenSequences& sequences, std::span<const std::size_t> sentences) {
  std::size_t length = 0;
  for (const std::size_t s : sentences) length = std::max(length, sequences.length(s));
  return length;
}

void fill_source(Batch& batch, const TokenSequences& sources, std::span<const std::size_t> sentences,
                 const WidthPadding& padding) {
  batch.rows = sentences.size();
  batch.sentence_indices.assign(sentences.begin(), sentences.end());
  batch.source_width = padded_width(longest(sources, sentences) + 1, padding.multiple, padding.source_cap);
  batch.source_ids.assign(batch.rows * batch.source_width, kPadId);
  batch.source_mask.assign(batch.rows * batch.source_width, 0.0f);
  batch.source_lengths.resize(batch.rows);
  for (std::size_t row = 0; row < batch.rows; ++row) {
    const auto ids = sources[sentences[row]];
    std::int32_t* out = batch.source_ids.data() + row * batch.source_width;
    std::copy(ids.begin(), ids.end(), out);
    out[ids.size()] = kEosId;
    std::fill_n(batch.source_mask.begin() + static_cast<std::ptrdiff_t>(row * batch.source_width), ids.size() + 1,
                1.0f);
    batch.source_lengths[row] = static_cast<std::int32_t>(ids.size() + 1);
  }
}

}  // namespace

std::size_t padded_width(std::size_t tokens, std::size_t multiple, std::size_t cap) {
  const std::size_t rounded = multiple > 1 ? (tokens + multiple - 1) / multiple * multiple : tokens;
  return cap > 0 ? std::max(tokens, std::min(rounded, cap)) : rounded;
}

std::size_t Batch::target_tokens() const {
  return std::accumulate(target_lengths.begin(), target_lengths.end(), std::size_t{0});
}

std::size_t Batch::source_tokens() const {
  return std::accumulate(source_lengths.begin(), source_lengths.end(), std::size_t{0});
}

Batch make_source_batch(const TokenSequences& sources, std::span<const std::size_t> sentences,
                        const WidthPadding& padding) {
  Batch batch;
  fill_source(batch, sources, sentences, padding);
  return batch;
}

Batch make_training_batch(const EncodedCorpus& corpus, std::span<const std::size_t> sentences,
                          const WidthPadding& padding) {
  Batch batch;
  fill_source(batch, corpus.source, sentences, padding);
  batch.target_width = padded_width(longest(corpus.target, sentences) + 1, padding.multiple, padding.target_cap);
  const std::size_t cells = batch.rows * batch.target_width;
  batch.target_input.assign(cells, kPadId);
  batch.target_output.assign(cells, kPadId);
  batch.target_mask.assign(cells, 0.0f);
  batch.target_lengths.resize(batch.rows);
  for (std::size_t row = 0; row < batch.rows; ++row) {
    const auto ids = corpus.target[sentences[row]];
    const std::size_t offset = row * batch.target_width;
    batch.target_input[offset] = kBosId;
    std::copy(ids.begin(), ids.end(), batch.target_input.begin() + static_cast<std::ptrdiff_t>(offset + 1));
    std::copy(ids.begin(), ids.end(), batch.target_output.begin() + static_cast<std::ptrdiff_t>(offset));
    batch.target_output[offset + ids.size()] = kEosId;
    std::fill_n(batch.target_mask.begin() + static_cast<std::ptrdiff_t>(offset), ids.size() + 1, 1.0f);
    batch.target_lengths[row] = static_cast<std::int32_t>(ids.size() + 1);
  }
  return batch;
}

}  // namespace nmt::data
