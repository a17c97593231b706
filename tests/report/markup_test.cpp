#include "nmt/report/markup.h"

#include <gtest/gtest.h>

#include "nmt/report/table.h"
#include "xml_tree.h"

namespace nmt::report {
namespace {

TEST(Markup, EscapedTextReadsBackAsItWas) {
  const std::string text = "a < b & c > \"d\" 'e' \xE2\x96\x81piece";
  const auto root = testing::parse_xml("<p title=\"" + xml_escape(text) + "\">" + xml_escape(text) + "</p>");
  EXPECT_EQ(root->text, text);
  EXPECT_EQ(root->attribute("title"), text);
  // Characters XML cannot carry become U+FFFD instead of breaking the document.
  EXPECT_EQ(xml_escape("a\x01"
                       "b\tc"),
            "a\xEF\xBF\xBD"
            "b\tc");
}

TEST(Markup, CoordinatesAndLengths) {
  EXPECT_EQ(coordinate(12.5), "12.5");
  EXPECT_EQ(coordinate(3.0), "3");
  EXPECT_EQ(coordinate(-0.001), "0");
  EXPECT_EQ(coordinate(1.236), "1.24");
  EXPECT_EQ(utf8_length("\xE2\x96\x81"
                        "ab"),
            3u);
  EXPECT_EQ(ellipsize("abcdef", 6), "abcdef");
  EXPECT_EQ(ellipsize("abcdef", 4), "abc\xE2\x80\xA6");
  EXPECT_EQ(ellipsize("\xC3\xA9\xC3\xA9\xC3\xA9", 2), "\xC3\xA9\xE2\x80\xA6");
}

TEST(Markup, DurationsAndThousands) {
  EXPECT_EQ(format_duration(42.44), "42.4s");
  EXPECT_EQ(format_duration(1203), "20m 03s");
  EXPECT_EQ(format_duration(3723), "1h 02m 03s");
  EXPECT_EQ(thousands(1234567), "1,234,567");
  EXPECT_EQ(thousands(999), "999");
  EXPECT_EQ(thousands(1000.4), "1,000");
}

}  // namespace
}  // namespace nmt::report
