#include "nmt/io/section_file.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

namespace nmt::io {
namespace {

constexpr char kMagic[] = "NMTFILE1";
constexpr std::size_t kMagicSize = 8;

template <class T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

// CRC-32 of the bytes so far (crc) extended by `bytes`, in pieces zlib's uInt can count.
uLong update_checksum(uLong crc, std::string_view bytes) {
  for (std::size_t at = 0; at < bytes.size(); at += (1u << 30))
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + at),
                static_cast<uInt>(std::min<std::size_t>(bytes.size() - at, 1u << 30)));
  return crc;
}

std::uint32_t checksum(const char* data, std::size_t size) {
  return static_cast<std::uint32_t>(update_checksum(crc32(0L, Z_NULL, 0), std::string_view(data, size)));
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& bytes) {
  write_file_atomically(path, std::vector<std::string_view>{bytes});
}

void write_file_atomically(const std::string& path, const std::vector<std::string_view>& pieces) {
  const std::string temporary = path + ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw std::runtime_error(temporary + ": cannot create: " + std::strerror(errno));
  for (const std::string_view bytes : pieces) {
    std::size_t written = 0;
    while (written < bytes.size()) {
      const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int e = errno;
        ::close(fd);
        ::unlink(temporary.c_str());
        throw std::runtime_error(temporary + ": write failed: " + std::strerror(e));
      }
      written += static_cast<std::size_t>(n);
    }
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(temporary.c_str());
    throw std::runtime_error(temporary + ": cannot flush to disk: " + std::strerror(errno));
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(temporary.c_str());
    throw std::runtime_error(path + ": cannot replace: " + std::strerror(e));
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open: " + std::strerror(errno));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_section_file(const std::string& path, const std::string& kind, const Sections& sections) {
  // The file is its small headers and the sections' bytes as they are, written piece by piece:
  // a checkpoint is mostly parameters and optimizer moments, and one string of the whole file
  // (grown by appending) held about three copies of them at once (issue 15: +250 MiB resident
  // at every checkpoint of the default recipe).
  std::deque<std::string> headers;  // a deque: the views below stay valid as it grows
  std::string head(kMagic, kMagicSize);
  put<std::uint32_t>(head, kSectionFileVersion);
  put<std::uint32_t>(head, static_cast<std::uint32_t>(kind.size()));
  head += kind;
  put<std::uint32_t>(head, static_cast<std::uint32_t>(sections.size()));
  headers.push_back(std::move(head));
  std::vector<std::string_view> pieces{headers.back()};
  for (const auto& [name, bytes] : sections) {
    std::string h;
    put<std::uint32_t>(h, static_cast<std::uint32_t>(name.size()));
    h += name;
    put<std::uint64_t>(h, bytes.size());
    headers.push_back(std::move(h));
    pieces.push_back(headers.back());
    pieces.push_back(bytes);
  }
  uLong crc = crc32(0L, Z_NULL, 0);
  for (const std::string_view piece : pieces) crc = update_checksum(crc, piece);
  std::string tail;
  put<std::uint32_t>(tail, static_cast<std::uint32_t>(crc));
  headers.push_back(std::move(tail));
  pieces.push_back(headers.back());
  write_file_atomically(path, pieces);
}

Sections read_section_file(const std::string& path, const std::string& kind) {
  const std::string bytes = read_file(path);
  if (bytes.size() < kMagicSize || bytes.compare(0, kMagicSize, kMagic, kMagicSize) != 0)
    throw FileFormatError(path + ": not an nmt " + kind + " file");
  std::size_t at = kMagicSize;
  const std::size_t end = bytes.size() >= 4 ? bytes.size() - 4 : 0;
  const auto take = [&](std::size_t n, const char* what) {
    if (at > end || n > end - at)
      throw FileFormatError(path + ": truncated (while reading " + what + "; the file has " +
                            std::to_string(bytes.size()) + " bytes)");
    const char* p = bytes.data() + at;
    at += n;
    return p;
  };
  const auto u32 = [&](const char* what) {
    std::uint32_t v;
    std::memcpy(&v, take(4, what), 4);
    return v;
  };
  const std::uint32_t version = u32("the version");
  if (version != kSectionFileVersion)
    throw FileFormatError(path + ": format version " + std::to_string(version) + ", this nmt reads version " +
                          std::to_string(kSectionFileVersion));
  const std::uint32_t kind_length = u32("the kind");
  const std::string found(take(kind_length, "the kind"), kind_length);
  std::uint32_t stored;
  if (bytes.size() < 4) throw FileFormatError(path + ": truncated");
  std::memcpy(&stored, bytes.data() + end, 4);
  if (stored != checksum(bytes.data(), end))
    throw FileFormatError(path + ": checksum mismatch: the file is truncated or corrupted");
  if (found != kind) throw FileFormatError(path + ": is an nmt " + found + " file, not a " + kind + " file");
  const std::uint32_t count = u32("the section count");
  Sections sections;
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint32_t name_length = u32("a section name");
    std::string name(take(name_length, "a section name"), name_length);
    std::uint64_t size;
    std::memcpy(&size, take(8, "a section size"), 8);
    std::string content(take(size, ("section '" + name + "'").c_str()), size);
    sections.emplace_back(std::move(name), std::move(content));
  }
  if (at != end)
    throw FileFormatError(path + ": " + std::to_string(end - at) + " unexpected bytes after the last section");
  return sections;
}

const std::string& section(const Sections& sections, const std::string& name, const std::string& path) {
  for (const auto& [n, bytes] : sections)
    if (n == name) return bytes;
  throw FileFormatError(path + ": has no '" + name + "' section");
}

bool has_section(const Sections& sections, const std::string& name) {
  for (const auto& s : sections)
    if (s.first == name) return true;
  return false;
}

}  // namespace nmt::io
