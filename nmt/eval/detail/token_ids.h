// Numbering the distinct tokens of one segment, so word n-grams become runs of integers
// that NgramTable can hash and compare cheaply. Ids are only meaningful until clear().
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "nmt/eval/detail/ngram_table.h"

namespace nmt::eval::detail {

class TokenIds {
 public:
  void clear() {
    for (const std::uint32_t index : used_) slots_[index] = Slot{};
    used_.clear();
  }

  // The id of `token`, a new one if it has not been seen since clear(). The table keeps
  // a view of the token: its text must stay alive until clear().
  Symbol id(std::string_view token) {
    if ((used_.size() + 1) * 2 > slots_.size()) grow();
    const std::size_t hash = std::hash<std::string_view>{}(token);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (!slot.occupied) {
        slot = Slot{token, hash, static_cast<Symbol>(used_.size()), true};
        used_.push_back(static_cast<std::uint32_t>(i));
        return slot.id;
      }
      if (slot.hash == hash && slot.token == token) return slot.id;
    }
  }

 private:
  struct Slot {
    std::string_view token;
    std::size_t hash = 0;
    Symbol id = 0;
    bool occupied = false;
  };

  void grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(old.empty() ? 256 : old.size() * 2, Slot{});
    const std::size_t mask = slots_.size() - 1;
    for (std::uint32_t& index : used_) {
      const Slot& moving = old[index];
      std::size_t i = moving.hash & mask;
      while (slots_[i].occupied) i = (i + 1) & mask;
      slots_[i] = moving;
      index = static_cast<std::uint32_t>(i);
    }
  }

  std::vector<Slot> slots_;
  std::vector<std::uint32_t> used_;  // in id order, so used_.size() is the next id
};

}  // namespace nmt::eval::detail
