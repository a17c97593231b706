// nmt-translate's input: a regular file comes whole; a pipe gives the lines that are there as
// soon as they are there (up to a limit), keeping a line that has not ended for later; line
// numbers, CRLF, the byte order mark and invalid UTF-8 are handled across chunks.
#include "nmt/decode/input_lines.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

namespace nmt::decode {
namespace {

using namespace std::chrono_literals;

// A pipe whose read end is this process's standard input while the test runs.
class StdinPipe {
 public:
  StdinPipe() {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    saved_ = ::dup(STDIN_FILENO);
    ::dup2(fds[0], STDIN_FILENO);
    ::close(fds[0]);
    write_ = fds[1];
  }
  ~StdinPipe() {
    close_writer();
    ::dup2(saved_, STDIN_FILENO);
    ::close(saved_);
  }
  void write(const std::string& text) {
    EXPECT_EQ(::write(write_, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }
  void close_writer() {
    if (write_ >= 0) ::close(write_);
    write_ = -1;
  }

 private:
  int saved_ = -1, write_ = -1;
};

TEST(InputLines, APipeGivesTheLinesThatAreThereWithoutWaitingForItsEnd) {
  StdinPipe pipe;
  InputLines input("-");
  EXPECT_TRUE(input.streaming());
  EXPECT_EQ(input.name(), "standard input");
  InputChunk chunk;
  pipe.write("\xEF\xBB\xBFone\r\ntwo\nthr");  // "thr" has not ended yet
  ASSERT_TRUE(input.next_chunk(chunk, 64, 20ms));
  EXPECT_EQ(chunk.first_line, 0u);
  EXPECT_EQ(chunk.lines, (std::vector<std::string>{"one", "two"}));
  pipe.write("ee\nfo\xFFur\nfive\nsix\n");
  ASSERT_TRUE(input.next_chunk(chunk, 2, 20ms));  // at most 2
  EXPECT_EQ(chunk.first_line, 2u);
  EXPECT_EQ(chunk.lines, (std::vector<std::string>{"three", "fo\xEF\xBF\xBDur"}));
  EXPECT_EQ(chunk.repaired, (std::vector<std::size_t>{3}));
  pipe.write("seven");
  pipe.close_writer();
  ASSERT_TRUE(input.next_chunk(chunk, 64, 20ms));
  EXPECT_EQ(chunk.first_line, 4u);
  EXPECT_EQ(chunk.lines, (std::vector<std::string>{"five", "six", "seven"}));  // a last line without LF counts
  EXPECT_FALSE(input.next_chunk(chunk, 64, 20ms));
}

TEST(InputLines, ARegularFileComesWholeWhateverTheLimit) {
  const std::filesystem::path path = std::filesystem::path(::testing::TempDir()) / "input_lines_test.txt";
  std::ofstream(path, std::ios::binary) << "a\n\nb\r\nc";
  InputLines input(path.string());
  EXPECT_FALSE(input.streaming());
  InputChunk chunk;
  ASSERT_TRUE(input.next_chunk(chunk, 1, 20ms));
  EXPECT_EQ(chunk.lines, (std::vector<std::string>{"a", "", "b", "c"}));
  EXPECT_FALSE(input.next_chunk(chunk, 1, 20ms));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace nmt::decode
