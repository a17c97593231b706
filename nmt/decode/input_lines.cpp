#include "nmt/decode/input_lines.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "nmt/text/utf8.h"

namespace nmt::decode {

namespace {

std::string reason(int error) { return std::strerror(error); }

}  // namespace

InputLines::InputLines(const std::string& path) {
  if (path.empty() || path == "-") {
    fd_ = STDIN_FILENO;
    name_ = "standard input";
  } else {
    name_ = path;
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw InputError(path + ": cannot open: " + reason(errno));
    owned_ = true;
  }
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    const int error = errno;
    if (owned_) ::close(fd_);
    throw InputError(name_ + ": cannot read: " + reason(error));
  }
  if (S_ISDIR(st.st_mode)) {
    if (owned_) ::close(fd_);
    throw InputError(name_ + ": is a directory, not a text file");
  }
  streaming_ = !S_ISREG(st.st_mode);
}

InputLines::~InputLines() {
  if (owned_) ::close(fd_);
}

void InputLines::fill() {
  // Drop what was returned already once it is most of the buffer.
  if (start_ > 0 && start_ * 2 >= buffer_.size()) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  char block[1 << 16];
  for (;;) {
    const ssize_t got = ::read(fd_, block, sizeof block);
    if (got > 0) {
      buffer_.append(block, static_cast<std::size_t>(got));
      return;
    }
    if (got == 0) {
      at_end_ = true;
      return;
    }
    if (errno != EINTR) throw InputError(name_ + ": cannot read: " + reason(errno));
  }
}

bool InputLines::take_line(InputChunk& chunk) {
  const std::size_t newline = buffer_.find('\n', start_ + scanned_);
  std::size_t end = newline, next = newline + 1;
  if (newline == std::string::npos) {
    scanned_ = buffer_.size() - start_;
    if (!at_end_ || start_ == buffer_.size()) return false;
    end = next = buffer_.size();  // a last line without LF
  }
  std::string line = buffer_.substr(start_, end - start_);
  start_ = next;
  scanned_ = 0;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (lines_ == 0 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
  if (!text::is_valid_utf8(line)) {
    line = text::replace_invalid_utf8(line);
    chunk.repaired.push_back(lines_);
  }
  chunk.lines.push_back(std::move(line));
  ++lines_;
  return true;
}

InputChunk InputLines::read_all() {
  InputChunk chunk;
  chunk.first_line = lines_;
  for (;;) {
    if (take_line(chunk)) continue;
    if (at_end_) return chunk;
    fill();
  }
}

bool InputLines::readable(std::chrono::milliseconds wait) const {
  pollfd p{fd_, POLLIN, 0};
  for (;;) {
    const int ready = ::poll(&p, 1, static_cast<int>(wait.count()));
    if (ready >= 0) return ready > 0;  // POLLIN, POLLHUP or POLLERR: read() tells which
    if (errno != EINTR) throw InputError(name_ + ": cannot wait for input: " + reason(errno));
  }
}

bool InputLines::next_chunk(InputChunk& chunk, std::size_t limit, std::chrono::milliseconds wait) {
  if (!streaming_) {
    chunk = read_all();
    return !chunk.lines.empty();
  }
  chunk = InputChunk{};
  chunk.first_line = lines_;
  while (chunk.lines.size() < limit) {
    if (take_line(chunk)) continue;
    if (at_end_) break;
    // A line in hand and nothing more coming at once: answer it rather than wait for more.
    if (!chunk.lines.empty() && !readable(wait)) break;
    fill();
  }
  return !chunk.lines.empty();
}

}  // namespace nmt::decode
