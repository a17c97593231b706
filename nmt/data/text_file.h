#pragma once
// Reading UTF-8 text one line at a time, from a plain or a gzip-compressed file (detected
// from the content, not the name). Line ends may be LF or CRLF; a UTF-8 byte-order mark
// at the start of the file is dropped. Every line is checked to be valid UTF-8.
// Errors (missing or unreadable file, corrupt gzip, invalid UTF-8) throw DataError with
// the file name and, where there is one, the line number.

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace nmt::data {

class TextFileReader {
 public:
  explicit TextFileReader(std::filesystem::path path);
  ~TextFileReader();
  TextFileReader(TextFileReader&&) noexcept;
  TextFileReader& operator=(TextFileReader&&) noexcept;

  // Reads the next line into `line` without its line end; false at the end of the file.
  bool read_line(std::string& line);
  // Number of lines read so far (so the 1-based number of the last line read).
  std::size_t line_number() const { return line_number_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  bool fill_buffer();  // false at the end of the file

  std::filesystem::path path_;
  struct GzFile;
  std::unique_ptr<GzFile> file_;
  std::string buffer_;
  std::size_t buffer_start_ = 0;
  std::size_t line_number_ = 0;
  bool at_end_ = false;
};

// All lines of a file, empty ones included (so line i of the result is line i+1 of the
// file): the input of decoding, where every line needs an output line.
std::vector<std::string> read_text_lines(const std::filesystem::path& path);

}  // namespace nmt::data
