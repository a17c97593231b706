// UTF-8 as every layer reads it: valid means what Python's strict codec accepts (sacreBLEU
// reads with it); repair replaces each ill-formed byte by U+FFFD.
#include "nmt/text/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace nmt::text {
namespace {

constexpr auto npos = std::string_view::npos;

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ASCII"));
  EXPECT_TRUE(is_valid_utf8("d\xC3\xA9j\xC3\xA0 vu"));  // déjà vu: 2-byte forms
  EXPECT_TRUE(is_valid_utf8("\xE2\x82\xAC 5"));         // € : 3 bytes
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80"));       // U+1F600: 4 bytes
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));       // U+10FFFF, the last
  EXPECT_TRUE(is_valid_utf8("\xED\x9F\xBF"));           // U+D7FF, before the surrogates
  EXPECT_EQ(find_invalid_utf8("été 国 \U0001F600 \U0010FFFF"), npos);
}

TEST(Utf8, ReportsTheOffsetOfTheFirstByteThatPythonsCodecRejects) {
  EXPECT_EQ(find_invalid_utf8("ab\x80"
                              "cd"),
            2u);                                           // continuation without a lead
  EXPECT_EQ(find_invalid_utf8("a\xC0\xAF"), 1u);           // overlong '/'
  EXPECT_EQ(find_invalid_utf8("\xE0\x80\xAF"), 0u);        // overlong 3-byte form
  EXPECT_EQ(find_invalid_utf8("x\xED\xA0\x80"), 1u);       // UTF-16 surrogate U+D800
  EXPECT_EQ(find_invalid_utf8("\xF4\x90\x80\x80"), 0u);    // above U+10FFFF
  EXPECT_EQ(find_invalid_utf8("ok\xF5\x80\x80\x80"), 2u);  // F5 never starts UTF-8
  EXPECT_EQ(find_invalid_utf8("caf\xC3"), 3u);             // cut off at the end
  EXPECT_EQ(find_invalid_utf8("\xE2\x82"
                              "x"),
            0u);                                  // cut off by ASCII
  EXPECT_EQ(find_invalid_utf8("\xE9t\xE9"), 0u);  // Latin-1 "été"
  EXPECT_EQ(find_invalid_utf8(std::string("\xC3\xA9\xFF", 3)), 2u);
  EXPECT_FALSE(is_valid_utf8("\x80"));
}

TEST(Utf8, RepairReplacesEachIllFormedByteAndKeepsTheRest) {
  EXPECT_EQ(replace_invalid_utf8("d\xC3\xA9j\xC3\xA0"), "d\xC3\xA9j\xC3\xA0");
  EXPECT_EQ(replace_invalid_utf8("\xE9t\xE9"), "\uFFFDt\uFFFD");
  EXPECT_EQ(replace_invalid_utf8("caf\xC3"), "caf\uFFFD");
  EXPECT_EQ(replace_invalid_utf8("\xED\xA0\x80!"), "\uFFFD\uFFFD\uFFFD!");  // a surrogate: 3 bytes, 3 marks
  EXPECT_TRUE(is_valid_utf8(replace_invalid_utf8("\xFF\xFE\xC0\xAF\xF4\x90\x80\x80")));
}

TEST(Utf8, DecodesAndEncodes) {
  std::u32string decoded;
  decode_utf8("aé国\U0001F600", decoded);
  EXPECT_EQ(decoded, U"aé国\U0001F600");
  std::string encoded;
  for (const char32_t c : decoded) append_utf8(c, encoded);
  EXPECT_EQ(encoded, "aé国\U0001F600");
  decoded.clear();
  decode_utf8("a\xFFz", decoded);
  EXPECT_EQ(decoded, U"a\uFFFDz");
}

}  // namespace
}  // namespace nmt::text
