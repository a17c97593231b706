// Reading segments as sacreBLEU's command line reads files and standard input.
#include "nmt/eval/line_reader.h"

#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace nmt::eval {
namespace {

using Lines = std::vector<std::string>;

Segments read(const std::string& text, LineEnds line_ends = LineEnds::newline) {
  std::istringstream in(text);
  return read_segments(in, "test.txt", line_ends);
}

TEST(LineReader, SplitsOnNewlines) {
  EXPECT_EQ(read("a\nb").lines, (Lines{"a", "b"}));
  EXPECT_EQ(read("a\nb\n").lines, (Lines{"a", "b"}));
  EXPECT_EQ(read("\n\n").lines, (Lines{"", ""}));
  EXPECT_TRUE(read("").lines.empty());
}

TEST(LineReader, StripsTrailingWhitespaceIncludingCarriageReturns) {
  EXPECT_EQ(read("a b \r\nc\u00A0\r\n").lines, (Lines{"a b", "c"}));
  EXPECT_EQ(read("  indented\n").lines, (Lines{"  indented"}));
}

TEST(LineReader, FilesEndLinesOnlyAtNewline) {
  EXPECT_EQ(read("a\rb\n").lines, (Lines{"a\rb"}));
  EXPECT_EQ(read("a\rb\r\nc\r", LineEnds::universal).lines, (Lines{"a", "b", "c"}));
}

TEST(LineReader, KeepsAByteOrderMarkLikePython) {
  const Segments segments = read("\xEF\xBB\xBFSalut\nmonde\n");
  EXPECT_TRUE(segments.starts_with_bom);
  EXPECT_EQ(segments.lines, (Lines{"\xEF\xBB\xBFSalut", "monde"}));
  EXPECT_FALSE(read("Salut\n").starts_with_bom);
}

TEST(LineReader, NamesTheLineOfInvalidUtf8) {
  try {
    read("fine\nalso fine\nbad \xFF byte\n");
    FAIL() << "invalid UTF-8 was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("test.txt:3:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("invalid UTF-8"), std::string::npos) << e.what();
  }
}

TEST(LineReader, NamesAMissingFile) {
  try {
    read_segments_file("/nonexistent/dir/hyp.txt");
    FAIL() << "a missing file was read";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot open '/nonexistent/dir/hyp.txt'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("No such file"), std::string::npos) << e.what();
  }
}

TEST(LineReader, ReadsAFile) {
  const Segments segments = read_segments_file(std::string(NMT_SOURCE_DIR) + "/tests/data/bleu/two-refs/ref1.txt");
  ASSERT_EQ(segments.lines.size(), 1000u);
  EXPECT_EQ(segments.lines[249], "");  // line 250 is empty in this reference
}

}  // namespace
}  // namespace nmt::eval
