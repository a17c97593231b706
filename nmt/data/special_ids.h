#pragma once
// Fixed ids of the special tokens in every vocabulary nmt trains or accepts. They are the
// same for source and target and for every model, so the model code can use them as
// constants; SentencePieceModel refuses a SentencePiece model that places them elsewhere.

#include <cstdint>

namespace nmt::data {

inline constexpr std::int32_t kPadId = 0;  // padding after the end of a shorter sentence
inline constexpr std::int32_t kUnkId = 1;  // a piece outside the vocabulary
inline constexpr std::int32_t kBosId = 2;  // first decoder input
inline constexpr std::int32_t kEosId = 3;  // end of every source and target sentence
inline constexpr std::int32_t kFirstOrdinaryId = 4;

}  // namespace nmt::data
