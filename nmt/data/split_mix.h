#pragma once
// SplitMix64 (Steele, Lea, Flood 2014): a tiny generator whose output is fully specified,
// unlike std::shuffle and std::uniform_int_distribution, whose results differ between
// standard libraries. Batch order must be the same on every build to resume exactly.

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

namespace nmt::data {

// The SplitMix64 output function: a bijective 64-bit mix.
constexpr std::uint64_t split_mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    const std::uint64_t out = split_mix(state_);
    state_ += 0x9E3779B97F4A7C15ULL;
    return out;
  }
  // Uniform in [0, bound) but for a bias below bound / 2^64, negligible for shuffling.
  std::uint64_t below(std::uint64_t bound) { return next() % bound; }

  template <class T>
  void shuffle(std::span<T> items) {  // Fisher-Yates
    for (std::size_t i = items.size(); i > 1; --i) {
      std::swap(items[i - 1], items[below(i)]);
    }
  }

 private:
  std::uint64_t state_;
};

}  // namespace nmt::data
