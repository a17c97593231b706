#include "nmt/data/text_file.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "nmt/data/data_error.h"
#include "nmt/text/utf8.h"

namespace nmt::data {
namespace {

constexpr std::size_t kReadChunk = 1 << 16;
constexpr std::string_view kUtf8ByteOrderMark = "\xEF\xBB\xBF";

std::string quoted(const std::filesystem::path& path) {
  // Built by appending: GCC 12 at -O3 warns falsely (-Wrestrict) on "'" + std::string.
  std::string text(1, '\'');
  text += path.string();
  text += '\'';
  return text;
}

}  // namespace

struct TextFileReader::GzFile {
  gzFile handle = nullptr;
  ~GzFile() {
    if (handle != nullptr) gzclose_r(handle);
  }
};

TextFileReader::TextFileReader(std::filesystem::path path) : path_(std::move(path)), file_(std::make_unique<GzFile>()) {
  // gzopen reads a file without the gzip magic number as plain bytes, so one code path
  // serves both formats.
  errno = 0;
  file_->handle = gzopen(path_.c_str(), "rb");
  if (file_->handle == nullptr) {
    const int error = errno;
    throw DataError("cannot open " + quoted(path_) + ": " + (error != 0 ? std::strerror(error) : "out of memory"));
  }
  // zlib's default 8 KiB buffer makes many small reads of a large corpus.
  gzbuffer(file_->handle, kReadChunk);
}

TextFileReader::~TextFileReader() = default;
TextFileReader::TextFileReader(TextFileReader&&) noexcept = default;
TextFileReader& TextFileReader::operator=(TextFileReader&&) noexcept = default;

bool TextFileReader::fill_buffer() {
  if (at_end_) return false;
  buffer_.erase(0, buffer_start_);
  buffer_start_ = 0;
  const std::size_t old_size = buffer_.size();
  buffer_.resize(old_size + kReadChunk);
  errno = 0;
  const int got = gzread(file_->handle, buffer_.data() + old_size, kReadChunk);
  if (got < 0) {
    int zlib_error = 0;
    const char* message = gzerror(file_->handle, &zlib_error);
    const int system_error = errno;
    throw DataError("cannot read " + quoted(path_) + " after line " + std::to_string(line_number_) + ": " +
                    (zlib_error == Z_ERRNO ? std::strerror(system_error) : message));
  }
  buffer_.resize(old_size + static_cast<std::size_t>(got));
  if (got == 0) {
    // gzread returns 0 both at a clean end and at a truncated gzip stream; only gzerror
    // tells them apart.
    int zlib_error = 0;
    const char* message = gzerror(file_->handle, &zlib_error);
    if (zlib_error != Z_OK) {
      throw DataError("cannot read " + quoted(path_) + " after line " + std::to_string(line_number_) + ": " + message);
    }
    at_end_ = true;
  }
  return got > 0;
}

bool TextFileReader::read_line(std::string& line) {
  std::size_t newline = buffer_.find('\n', buffer_start_);
  while (newline == std::string::npos) {
    const std::size_t searched = buffer_.size() - buffer_start_;
    if (!fill_buffer()) break;
    newline = buffer_.find('\n', buffer_start_ + searched);
  }
  if (newline == std::string::npos && buffer_start_ == buffer_.size()) return false;

  // The last line may lack its line end.
  const std::size_t end = newline == std::string::npos ? buffer_.size() : newline;
  std::string_view text(buffer_.data() + buffer_start_, end - buffer_start_);
  buffer_start_ = newline == std::string::npos ? buffer_.size() : newline + 1;
  ++line_number_;

  if (line_number_ == 1 && text.starts_with(kUtf8ByteOrderMark)) {
    text.remove_prefix(kUtf8ByteOrderMark.size());
  }
  if (text.ends_with('\r')) text.remove_suffix(1);
  if (const std::size_t bad = text::find_invalid_utf8(text); bad != std::string_view::npos) {
    throw DataError(path_.string() + ":" + std::to_string(line_number_) + ": invalid UTF-8 at byte " +
                    std::to_string(bad + 1) + " of the line");
  }
  line.assign(text);
  return true;
}

std::vector<std::string> read_text_lines(const std::filesystem::path& path) {
  TextFileReader reader(path);
  std::vector<std::string> lines;
  std::string line;
  while (reader.read_line(line)) lines.push_back(line);
  return lines;
}

}  // namespace nmt::data
