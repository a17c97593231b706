// UTF-8 checking, decoding and encoding for the evaluation metrics.
//
// sacreBLEU reads its input with Python's strict "utf-8" codec, so "valid" here means
// exactly what that codec accepts: the well-formed sequences of Unicode's Table 3-7,
// which excludes overlong forms, UTF-16 surrogates and code points above U+10FFFF.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace nmt::eval {

// Byte offset of the first ill-formed sequence in `text`, or std::string_view::npos.
std::size_t find_invalid_utf8(std::string_view text);

// Decodes the code point that starts at text[pos] and moves pos past it.
// An ill-formed byte decodes to U+FFFD and advances pos by one, so that functions fed
// unchecked text stay well-defined; callers that care check with find_invalid_utf8().
char32_t decode_utf8_at(std::string_view text, std::size_t& pos);

// Appends the code points of `text` to `out` (same rule for ill-formed bytes).
void decode_utf8(std::string_view text, std::u32string& out);

// Appends the UTF-8 encoding of `code_point` to `out`.
void append_utf8(char32_t code_point, std::string& out);

}  // namespace nmt::eval
