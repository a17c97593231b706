#include "nmt/eval/line_reader.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <memory>
#include <stdexcept>

#include "nmt/eval/whitespace.h"
#include "nmt/text/utf8.h"

namespace nmt::eval {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

void add_line(std::string_view line, std::string_view name, Segments& segments) {
  const std::size_t bad = text::find_invalid_utf8(line);
  if (bad != std::string_view::npos) {
    throw std::runtime_error(fmt::format("{}:{}: invalid UTF-8 (byte 0x{:02X} at byte {} of the line)", name,
                                         segments.lines.size() + 1, static_cast<unsigned char>(line[bad]), bad + 1));
  }
  segments.lines.emplace_back(rstrip_whitespace(line));
}

Segments split_lines(std::string_view text, std::string_view name, LineEnds line_ends) {
  Segments segments;
  segments.starts_with_bom = text.starts_with(kByteOrderMark);
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n' || (c == '\r' && line_ends == LineEnds::universal)) {
      add_line(text.substr(start, i - start), name, segments);
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      start = i + 1;
    }
  }
  // Text after the last line end is a line too; an empty file has no lines.
  if (start < text.size()) add_line(text.substr(start), name, segments);
  return segments;
}

}  // namespace

Segments read_segments(std::istream& in, std::string_view name, LineEnds line_ends) {
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) throw std::runtime_error(fmt::format("cannot read {}", name));
  return split_lines(text, name, line_ends);
}

Segments read_segments_file(const std::string& path) {
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) throw std::runtime_error(fmt::format("cannot open '{}': {}", path, std::strerror(errno)));
  std::string text;
  char buffer[1 << 16];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) text.append(buffer, got);
  if (std::ferror(file.get())) {
    throw std::runtime_error(fmt::format("cannot read '{}': {}", path, std::strerror(errno)));
  }
  return split_lines(text, path, LineEnds::newline);
}

}  // namespace nmt::eval
