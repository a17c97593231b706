#include "nmt/data/token_sequences.h"

namespace nmt::data {

void TokenSequences::push_back(std::span<const std::int32_t> ids) {
  ids_.insert(ids_.end(), ids.begin(), ids.end());
  offsets_.push_back(ids_.size());
}

void TokenSequences::reserve(std::size_t sequences, std::size_t tokens) {
  offsets_.reserve(sequences + 1);
  ids_.reserve(tokens);
}

}  // namespace nmt::data
