// Files of named byte sections with a format version and a checksum: model files and checkpoints.
//
//   "NMTFILE1"  u32 version  u32 kind_length kind  u32 count
//   { u32 name_length name  u64 size  bytes }*  u32 CRC-32 of everything before
//
// Writing goes to a temporary file in the same directory, is flushed to disk, and renamed over
// the target, so a kill at any moment leaves either the old file or the new one. Reading checks
// magic, kind, version, every length and the checksum before returning anything.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nmt::io {

class FileFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using Sections = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::uint32_t kSectionFileVersion = 1;

void write_section_file(const std::string& path, const std::string& kind, const Sections& sections);
// `kind` is what the caller expects ("model", "checkpoint"); another kind is an error naming both.
Sections read_section_file(const std::string& path, const std::string& kind);
const std::string& section(const Sections& sections, const std::string& name, const std::string& path);
bool has_section(const Sections& sections, const std::string& name);

// Writes `bytes` (or the pieces one after the other) to `path` atomically: a temporary file,
// fsync, rename.
void write_file_atomically(const std::string& path, const std::string& bytes);
void write_file_atomically(const std::string& path, const std::vector<std::string_view>& pieces);
std::string read_file(const std::string& path);

}  // namespace nmt::io
