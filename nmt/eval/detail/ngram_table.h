// Counting n-grams of one segment, the job Python's collections.Counter does in sacreBLEU.
//
// An n-gram is a short run of 32-bit symbols (token ids or code points) that the caller
// keeps alive; the table stores a pointer to it, its length and its hash, so keys of
// different orders never compare equal. Open addressing with linear probing, and clear()
// touches only the slots in use, so scoring many short segments costs no allocations
// once the table has grown to the longest segment.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace nmt::eval::detail {

using Symbol = std::uint32_t;

// Hash of symbols[0..n) built one symbol at a time, so all orders starting at one
// position come out of a single pass: extend_hash(hash_of(a, b), c) == hash_of(a, b, c).
inline std::uint64_t extend_hash(std::uint64_t hash, Symbol symbol) {
  hash = (hash ^ symbol) * 0x9E3779B97F4A7C15ULL;
  return hash ^ (hash >> 29);
}
inline constexpr std::uint64_t kEmptyHash = 0xCBF29CE484222325ULL;

struct Ngram {
  const Symbol* symbols;
  std::uint32_t length;
  std::uint64_t hash;  // extend_hash() over the symbols, starting from kEmptyHash
};

class NgramTable {
 public:
  void clear() {
    for (const std::uint32_t index : used_) slots_[index] = Slot{};
    used_.clear();
  }

  void add(const Ngram& ngram, std::int64_t count = 1) { find_or_insert(ngram).count += count; }

  // Raises the count of `ngram` to `count` if it is lower (the max over references).
  void raise_to(const Ngram& ngram, std::int64_t count) {
    Slot& slot = find_or_insert(ngram);
    if (slot.count < count) slot.count = count;
  }

  // One clipped match: if `ngram` has a count left, uses one up and returns true.
  bool take(const Ngram& ngram) {
    if (slots_.empty()) return false;
    Slot* slot = find(ngram);
    if (slot == nullptr || slot->count == 0) return false;
    --slot->count;
    return true;
  }

  // Calls f(ngram, count) for every n-gram added since clear().
  template <class F>
  void for_each(F&& f) const {
    for (const std::uint32_t index : used_) f(slots_[index].ngram, slots_[index].count);
  }

 private:
  // A free slot has length 0; an n-gram is never empty. (A count may drop to 0 through
  // take() while its slot stays occupied, keeping probe sequences intact.)
  struct Slot {
    Ngram ngram{};
    std::int64_t count = 0;
  };

  static bool same(const Ngram& a, const Ngram& b) {
    if (a.hash != b.hash || a.length != b.length) return false;
    for (std::uint32_t i = 0; i < a.length; ++i) {  // a few symbols: cheaper than memcmp's call
      if (a.symbols[i] != b.symbols[i]) return false;
    }
    return true;
  }

  Slot* find(const Ngram& ngram) {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = ngram.hash & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.ngram.length == 0) return nullptr;
      if (same(slot.ngram, ngram)) return &slot;
    }
  }

  Slot& find_or_insert(const Ngram& ngram) {
    if ((used_.size() + 1) * 2 > slots_.size()) grow();
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = ngram.hash & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.ngram.length == 0) {
        slot.ngram = ngram;
        used_.push_back(static_cast<std::uint32_t>(i));
        return slot;
      }
      if (same(slot.ngram, ngram)) return slot;
    }
  }

  void grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(old.empty() ? 256 : old.size() * 2, Slot{});
    std::vector<std::uint32_t> old_used;
    old_used.swap(used_);
    const std::size_t mask = slots_.size() - 1;
    for (const std::uint32_t index : old_used) {
      const Slot& moving = old[index];
      std::size_t i = moving.ngram.hash & mask;
      while (slots_[i].ngram.length != 0) i = (i + 1) & mask;
      slots_[i] = moving;
      used_.push_back(static_cast<std::uint32_t>(i));
    }
  }

  std::vector<Slot> slots_;
  std::vector<std::uint32_t> used_;
};

}  // namespace nmt::eval::detail
