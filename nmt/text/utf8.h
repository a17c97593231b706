// UTF-8 checking, repair, decoding and encoding: the one implementation every layer uses.
//
// "Valid" is what Python's strict "utf-8" codec accepts (sacreBLEU reads its input with it,
// and SentencePiece needs it to not mangle text silently): the well-formed sequences of
// Unicode's Table 3-7 (RFC 3629), which excludes overlong forms, UTF-16 surrogates and code
// points above U+10FFFF.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace nmt::text {

// Byte offset of the first byte that does not start a well-formed sequence, or
// std::string_view::npos when all of `text` is valid.
std::size_t find_invalid_utf8(std::string_view text);

inline bool is_valid_utf8(std::string_view text) { return find_invalid_utf8(text) == std::string_view::npos; }

// `text` with every byte that does not belong to a well-formed sequence replaced by U+FFFD
// (the replacement character), one replacement per byte.
std::string replace_invalid_utf8(std::string_view text);

// Decodes the code point that starts at text[pos] and moves pos past it. An ill-formed byte
// decodes to U+FFFD and advances pos by one, so that functions fed unchecked text stay
// well-defined; callers that care check with find_invalid_utf8().
char32_t decode_utf8_at(std::string_view text, std::size_t& pos);

// Appends the code points of `text` to `out` (same rule for ill-formed bytes).
void decode_utf8(std::string_view text, std::u32string& out);

// Appends the UTF-8 encoding of `code_point` to `out`.
void append_utf8(char32_t code_point, std::string& out);

}  // namespace nmt::text
