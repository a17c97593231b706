// A small, fast, reproducible random generator (SplitMix64, Steele et al. 2014).
//
// Its whole state is two integers, so a checkpoint can save and restore it exactly, and the
// n-th number does not depend on how earlier numbers were consumed in parallel.
#pragma once

#include <cstdint>

namespace nmt::graph {

class RandomGenerator {
 public:
  explicit RandomGenerator(std::uint64_t seed = 0) : seed_(seed) {}

  // The value at position `index` of this generator's stream (does not advance it).
  std::uint64_t at(std::uint64_t index) const {
    std::uint64_t z = seed_ + (index + 1) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Reserves `count` numbers and returns the index of the first one.
  std::uint64_t advance(std::uint64_t count) {
    const std::uint64_t first = position_;
    position_ += count;
    return first;
  }
  std::uint64_t next() { return at(advance(1)); }
  // Uniform in [0, 1) with 24 random bits, as an f32 holds them.
  static float to_unit_float(std::uint64_t bits) { return static_cast<float>(bits >> 40) * (1.0f / 16777216.0f); }
  float uniform() { return to_unit_float(next()); }
  float normal();  // standard normal (Box-Muller)

  std::uint64_t seed() const { return seed_; }
  std::uint64_t position() const { return position_; }
  void set_position(std::uint64_t position) { position_ = position; }

 private:
  std::uint64_t seed_;
  std::uint64_t position_ = 0;
};

}  // namespace nmt::graph
