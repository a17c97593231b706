#pragma once
// UTF-8 validation, strict as in RFC 3629: no overlong forms, no surrogates, nothing above
// U+10FFFF. Text that passes can be handed to SentencePiece without silent mangling.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace nmt::data {

// Byte offset of the first byte that does not start or continue a valid UTF-8 sequence,
// or nullopt when all of `text` is valid.
std::optional<size_t> find_invalid_utf8(std::string_view text);

inline bool is_valid_utf8(std::string_view text) { return !find_invalid_utf8(text); }

// `text` with every byte that is not part of a valid sequence replaced by U+FFFD (the
// replacement character), as decoders conventionally do.
std::string replace_invalid_utf8(std::string_view text);

}  // namespace nmt::data
