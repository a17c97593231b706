#include "nmt/eval/whitespace.h"

#include <array>
#include <string>
#include <vector>

namespace nmt::eval {

namespace {

// What one byte says about whitespace: most bytes settle it on their own, only four lead
// bytes need the bytes after them.
enum ByteClass : unsigned char { kNotSpace, kAsciiSpace, kMaybeSpaceLead };

constexpr std::array<ByteClass, 256> kByteClasses = [] {
  std::array<ByteClass, 256> classes{};
  for (unsigned b = 0; b < 0x80; ++b) classes[b] = is_python_whitespace(b) ? kAsciiSpace : kNotSpace;
  for (const unsigned lead : {0xC2u, 0xE1u, 0xE2u, 0xE3u}) classes[lead] = kMaybeSpaceLead;
  return classes;
}();

ByteClass byte_class(char c) { return kByteClasses[static_cast<unsigned char>(c)]; }

// The non-ASCII whitespace characters, decoded from the bytes that start them.
std::size_t multibyte_whitespace_length_at(std::string_view text, std::size_t pos) {
  const auto byte = [&](std::size_t i) -> unsigned {
    return pos + i < text.size() ? static_cast<unsigned char>(text[pos + i]) : 0u;
  };
  switch (byte(0)) {
    case 0xC2:  // U+0085, U+00A0
      return byte(1) == 0x85 || byte(1) == 0xA0 ? 2 : 0;
    case 0xE1:  // U+1680
      return byte(1) == 0x9A && byte(2) == 0x80 ? 3 : 0;
    case 0xE2: {  // U+2000..U+200A, U+2028, U+2029, U+202F, U+205F
      const unsigned second = byte(1), third = byte(2);
      if (second == 0x80) {
        return third >= 0x80 && (third <= 0x8A || third == 0xA8 || third == 0xA9 || third == 0xAF) ? 3 : 0;
      }
      return second == 0x81 && third == 0x9F ? 3 : 0;
    }
    case 0xE3:  // U+3000
      return byte(1) == 0x80 && byte(2) == 0x80 ? 3 : 0;
    default:
      return 0;
  }
}

}  // namespace

std::size_t whitespace_length_at(std::string_view text, std::size_t pos) {
  switch (byte_class(text[pos])) {
    case kNotSpace:
      return 0;
    case kAsciiSpace:
      return 1;
    case kMaybeSpaceLead:
      return multibyte_whitespace_length_at(text, pos);
  }
  return 0;
}

std::string_view rstrip_whitespace(std::string_view text) {
  std::size_t end = text.size();
  while (end > 0) {
    // Step back over one character: its continuation bytes, then its first byte.
    std::size_t start = end - 1;
    while (start > 0 && end - start < 4 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
    if (whitespace_length_at(text, start) != end - start) break;
    end = start;
  }
  return text.substr(0, end);
}

namespace {

// Calls f(token) for each maximal run of non-whitespace, left to right.
template <class F>
void for_each_token(std::string_view text, F&& f) {
  std::size_t pos = 0;
  std::size_t token_start = std::string_view::npos;
  while (pos < text.size()) {
    const ByteClass cls = byte_class(text[pos]);
    const std::size_t space = cls == kNotSpace ? 0 : cls == kAsciiSpace ? 1 : multibyte_whitespace_length_at(text, pos);
    if (space > 0) {
      if (token_start != std::string_view::npos) {
        f(text.substr(token_start, pos - token_start));
        token_start = std::string_view::npos;
      }
      pos += space;
    } else {
      if (token_start == std::string_view::npos) token_start = pos;
      ++pos;
    }
  }
  if (token_start != std::string_view::npos) f(text.substr(token_start));
}

}  // namespace

void split_whitespace(std::string_view text, std::vector<std::string_view>& out) {
  for_each_token(text, [&](std::string_view token) { out.push_back(token); });
}

std::string join_tokens(std::string_view text) {
  std::string joined;
  joined.reserve(text.size());
  for_each_token(text, [&](std::string_view token) {
    if (!joined.empty()) joined.push_back(' ');
    joined.append(token);
  });
  return joined;
}

}  // namespace nmt::eval
