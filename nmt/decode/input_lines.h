// nmt-translate's input: the lines of a file or of standard input ("-"). Lines end at LF or
// CRLF, a final line without LF counts, a UTF-8 byte order mark at the start is dropped, and
// invalid UTF-8 is replaced by U+FFFD (the caller warns about the lines named in `repaired`).
//
// A regular file is read whole. A pipe or a terminal is read as its lines come, so that
// nmt-translate can answer each line as soon as it is typed (next_chunk).
//
// A path that does not exist, cannot be opened, is a directory or cannot be read is an
// InputError naming it, never an empty input.
#pragma once

#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace nmt::decode {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct InputChunk {
  std::size_t first_line = 0;  // 0-based input line number of lines[0]
  std::vector<std::string> lines;
  std::vector<std::size_t> repaired;  // 0-based input line numbers whose invalid UTF-8 was replaced
};

class InputLines {
 public:
  // "-" or "": standard input. InputError naming `path` if it cannot be opened or is a directory.
  explicit InputLines(const std::string& path);
  ~InputLines();
  InputLines(const InputLines&) = delete;
  InputLines& operator=(const InputLines&) = delete;

  const std::string& name() const { return name_; }  // the path, or "standard input"
  bool streaming() const { return streaming_; }      // not a regular file: a pipe, a terminal...

  // Every line that is left, as one chunk; InputError naming the input if reading fails.
  InputChunk read_all();

  // The next lines into `chunk`; false when the input has no line left. From a regular file,
  // every line that is left (read_all). Otherwise it waits as long as it takes for one line,
  // then takes the lines that follow while each arrives within `wait`, up to `limit` lines.
  bool next_chunk(InputChunk& chunk, std::size_t limit, std::chrono::milliseconds wait);

 private:
  bool readable(std::chrono::milliseconds wait) const;  // input (or its end) within `wait`
  void fill();                                          // one read(2) into the buffer; sets at_end_ at EOF
  bool take_line(InputChunk& chunk);                    // moves one complete line (or the last one at EOF) to chunk

  int fd_ = -1;
  bool owned_ = false;
  bool streaming_ = false;
  std::string name_;
  std::string buffer_;
  std::size_t start_ = 0;    // first byte of buffer_ not yet returned
  std::size_t scanned_ = 0;  // bytes from start_ known to hold no LF
  std::size_t lines_ = 0;    // lines returned so far
  bool at_end_ = false;
};

}  // namespace nmt::decode
