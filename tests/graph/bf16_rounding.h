// bfloat16 rounding for the specs of bf16 ops: what oneDNN's f32 -> bf16 conversion does.
#pragma once

#include <cstdint>
#include <cstring>

namespace nmt::graph::testing {

// bfloat16 keeps the top 16 bits of an f32: round to nearest, ties to even (finite values).
inline float round_to_bf16(float v) {
  std::uint32_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  bits += 0x7fffu + ((bits >> 16) & 1u);
  bits &= 0xffff0000u;
  float rounded;
  std::memcpy(&rounded, &bits, sizeof rounded);
  return rounded;
}

inline bool representable_in_bf16(float v) { return round_to_bf16(v) == v; }

}  // namespace nmt::graph::testing
