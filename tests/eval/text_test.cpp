// Python's whitespace and Python's str.lower(), on which all tokenization rests (UTF-8 itself:
// tests/text/utf8_test.cpp).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nmt/eval/lowercase.h"
#include "nmt/eval/whitespace.h"
#include "nmt/text/utf8.h"

namespace nmt::eval {
namespace {

TEST(PythonWhitespace, IsExactlyPythonsList) {
  // [c for c in range(0x110000) if chr(c).isspace()] in Python 3.11.
  const std::vector<char32_t> python = {0x9,    0xA,    0xB,    0xC,    0xD,    0x1C,   0x1D,   0x1E,   0x1F,   0x20,
                                        0x85,   0xA0,   0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
                                        0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000};
  std::vector<char32_t> ours;
  for (char32_t c = 0; c < 0x110000; ++c) {
    if (is_python_whitespace(c)) ours.push_back(c);
  }
  EXPECT_EQ(ours, python);
}

TEST(PythonWhitespace, LengthAtMatchesDecoding) {
  for (char32_t c = 0; c < 0x110000; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    std::string text;
    text::append_utf8(c, text);
    const std::size_t expected = is_python_whitespace(c) ? text.size() : 0;
    ASSERT_EQ(whitespace_length_at(text, 0), expected) << "U+" << std::hex << static_cast<unsigned>(c);
  }
}

TEST(PythonWhitespace, SplitsLikeStrSplit) {
  std::vector<std::string_view> tokens;
  split_whitespace("  a\u00A0b\u3000c\u200Bd\t\r\n", tokens);
  EXPECT_EQ(tokens, (std::vector<std::string_view>{"a", "b", "c\u200Bd"}));
  tokens.clear();
  split_whitespace(" \u2028 ", tokens);
  EXPECT_TRUE(tokens.empty());
  EXPECT_EQ(join_tokens(" x \u2003 y "), "x y");
}

TEST(PythonWhitespace, RstripsLikeStrRstrip) {
  EXPECT_EQ(rstrip_whitespace("abc \r\n\u00A0"), "abc");
  EXPECT_EQ(rstrip_whitespace("  lead stays"), "  lead stays");
  EXPECT_EQ(rstrip_whitespace("\xEF\xBB\xBF"), "\xEF\xBB\xBF");  // U+FEFF is not whitespace
  EXPECT_EQ(rstrip_whitespace(" \t "), "");
}

TEST(Lowercase, MatchesPythonStrLower) {
  EXPECT_EQ(lowercase("Hello WORLD 42"), "hello world 42");
  EXPECT_EQ(lowercase("ÉCOLE Ça"), "école ça");
  EXPECT_EQ(lowercase("İstanbul"), "i\u0307stanbul");  // one character becomes two
  EXPECT_EQ(lowercase("ΟΔΟΣ ΣΑΣ"), "οδος σας");        // final sigma at word ends
  EXPECT_EQ(lowercase("ǅ"), "ǆ");
  EXPECT_EQ(lowercase(""), "");
}

}  // namespace
}  // namespace nmt::eval
