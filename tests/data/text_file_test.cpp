#include "nmt/data/text_file.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "data_error_message.h"
#include "temp_files.h"

namespace nmt::data {
namespace {

using testing::data_error_message;
using testing::TempDir;

std::vector<std::string> read_all(const std::filesystem::path& path) { return read_text_lines(path); }

TEST(TextFile, ReadsLinesAndCountsThem) {
  TempDir dir;
  TextFileReader reader(dir.write("a.txt", "first\nsecond line\n\nlast without newline"));
  std::string line;
  ASSERT_TRUE(reader.read_line(line));
  EXPECT_EQ(line, "first");
  EXPECT_EQ(reader.line_number(), 1u);
  ASSERT_TRUE(reader.read_line(line));
  EXPECT_EQ(line, "second line");
  ASSERT_TRUE(reader.read_line(line));
  EXPECT_EQ(line, "");
  ASSERT_TRUE(reader.read_line(line));
  EXPECT_EQ(line, "last without newline");
  EXPECT_EQ(reader.line_number(), 4u);
  EXPECT_FALSE(reader.read_line(line));
  EXPECT_FALSE(reader.read_line(line));
  EXPECT_EQ(reader.line_number(), 4u);
}

TEST(TextFile, EmptyFileHasNoLines) {
  TempDir dir;
  EXPECT_TRUE(read_all(dir.write("empty.txt", "")).empty());
  EXPECT_TRUE(read_all(dir.write_gz("empty.txt.gz", "")).empty());
}

TEST(TextFile, ReadsGzipTransparently) {
  TempDir dir;
  const std::string text = "un\ndeux\ntrois\n";
  const std::vector<std::string> expected = {"un", "deux", "trois"};
  EXPECT_EQ(read_all(dir.write_gz("text.gz", text)), expected);
  // Recognised by content, not by name.
  EXPECT_EQ(read_all(dir.write_gz("compressed.txt", text)), expected);
}

TEST(TextFile, LinesLongerThanTheReadBufferStayWhole) {
  TempDir dir;
  const std::string long_line(300'000, 'x');
  const std::string text = "short\n" + long_line + "\n" + long_line + "y\nend\n";
  for (const auto& file : {dir.write("long.txt", text), dir.write_gz("long.gz", text)}) {
    const auto lines = read_all(file);
    ASSERT_EQ(lines.size(), 4u) << file;
    EXPECT_EQ(lines[1], long_line);
    EXPECT_EQ(lines[2], long_line + "y");
    EXPECT_EQ(lines[3], "end");
  }
}

TEST(TextFile, CrlfLineEndsAndByteOrderMarkAreDropped) {
  TempDir dir;
  const std::string text = "\xEF\xBB\xBFHello\r\nWorld\r\n\r\nbare CR\rinside\r\n";
  const std::vector<std::string> expected = {"Hello", "World", "", "bare CR\rinside"};
  EXPECT_EQ(read_all(dir.write("crlf.txt", text)), expected);
  EXPECT_EQ(read_all(dir.write_gz("crlf.gz", text)), expected);
}

TEST(TextFile, ByteOrderMarkIsOnlyDroppedAtTheStartOfTheFile) {
  TempDir dir;
  const auto lines = read_all(dir.write("bom.txt",
                                        "a\n\xEF\xBB\xBF"
                                        "b\n"));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1],
            "\xEF\xBB\xBF"
            "b");
}

TEST(TextFile, InvalidUtf8NamesFileAndLine) {
  TempDir dir;
  const auto file = dir.write("latin1.txt", "fine\nalso fine\n\xE9t\xE9\n");
  const std::string message = data_error_message([&] { read_all(file); });
  EXPECT_NE(message.find(file.string() + ":3:"), std::string::npos) << message;
  EXPECT_NE(message.find("invalid UTF-8"), std::string::npos) << message;

  const auto gz = dir.write_gz("latin1.gz", "\xE9t\xE9\n");
  const std::string gz_message = data_error_message([&] { read_all(gz); });
  EXPECT_NE(gz_message.find(gz.string() + ":1:"), std::string::npos) << gz_message;
}

TEST(TextFile, MissingFileNamesTheFile) {
  TempDir dir;
  const auto missing = dir.path() / "no-such-file.en";
  const std::string message = data_error_message([&] { TextFileReader reader(missing); });
  EXPECT_NE(message.find(missing.string()), std::string::npos) << message;
  EXPECT_NE(message.find("No such file"), std::string::npos) << message;
}

TEST(TextFile, UnreadableFileNamesTheFile) {
  // A directory opens but cannot be read, whoever runs the test (root reads any file).
  TempDir dir;
  const std::string message = data_error_message([&] { read_all(dir.path()); });
  EXPECT_NE(message.find(dir.path().string()), std::string::npos) << message;
  EXPECT_NE(message.find("cannot read"), std::string::npos) << message;
}

TEST(TextFile, TruncatedGzipIsAnError) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "line number " + std::to_string(i) + "\n";
  const auto whole = dir.write_gz("whole.gz", text);
  std::ifstream in(whole, std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const auto cut = dir.write("cut.gz", std::string_view(bytes).substr(0, bytes.size() / 2));
  const std::string message = data_error_message([&] { read_all(cut); });
  EXPECT_NE(message.find(cut.string()), std::string::npos) << message;
}

}  // namespace
}  // namespace nmt::data
