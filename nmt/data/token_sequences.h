#pragma once
// Many id sequences in one flat array with offsets: a corpus of millions of sentences
// costs one allocation per side instead of one per sentence.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace nmt::data {

class TokenSequences {
 public:
  void push_back(std::span<const std::int32_t> ids);
  void reserve(std::size_t sequences, std::size_t tokens);

  std::size_t size() const { return offsets_.size() - 1; }
  bool empty() const { return size() == 0; }
  std::span<const std::int32_t> operator[](std::size_t index) const {
    return {ids_.data() + offsets_[index], offsets_[index + 1] - offsets_[index]};
  }
  std::size_t length(std::size_t index) const { return offsets_[index + 1] - offsets_[index]; }
  std::size_t total_tokens() const { return ids_.size(); }

 private:
  std::vector<std::int32_t> ids_;
  std::vector<std::size_t> offsets_ = {0};
};

}  // namespace nmt::data
