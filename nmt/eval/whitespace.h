// Whitespace as Python's str.isspace(), str.split() and str.rstrip() define it.
//
// sacreBLEU finds tokens with str.split() and trims lines with str.rstrip(), so a
// no-break space (U+00A0) or an ideographic space (U+3000) separates tokens there and
// must here too. Python counts as whitespace the characters whose bidirectional class is
// WS, B or S or whose general category is Zs: U+0009..U+000D, U+001C..U+0020, U+0085,
// U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F and U+3000.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace nmt::eval {

constexpr bool is_python_whitespace(char32_t c) {
  if (c <= 0x20) return (c >= 0x09 && c <= 0x0D) || c >= 0x1C;
  return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

// Byte length of the whitespace character starting at text[pos] (UTF-8), 0 if there is none.
std::size_t whitespace_length_at(std::string_view text, std::size_t pos);

// str.rstrip(): `text` without its trailing whitespace.
std::string_view rstrip_whitespace(std::string_view text);

// str.split(): the maximal runs of non-whitespace, appended to `out` (views into `text`).
void split_whitespace(std::string_view text, std::vector<std::string_view>& out);

// ' '.join(text.split()): the tokens of `text` separated by single spaces.
std::string join_tokens(std::string_view text);

}  // namespace nmt::eval
