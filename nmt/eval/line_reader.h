// Reading hypothesis and reference files the way sacreBLEU's command line does.
//
// sacreBLEU opens files as strict UTF-8 with newline="\n" and keeps line.rstrip() of each
// line, so a line ends at '\n' only, and the '\r' of a CRLF file goes with the trailing
// whitespace. A UTF-8 byte order mark is not removed: Python's "utf-8" codec keeps it as
// U+FEFF, which is not whitespace, so it stays glued to the first token of the first line.
// Standard input is read with universal newlines ("\r\n", "\r" and "\n" all end a line).
#pragma once

#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace nmt::eval {

enum class LineEnds {
  newline,    // files: only "\n" ends a line
  universal,  // standard input: "\r\n", "\r" or "\n"
};

struct Segments {
  std::vector<std::string> lines;  // one per line, trailing whitespace stripped
  bool starts_with_bom = false;    // the first line begins with U+FEFF (kept in it)
};

// Throws std::runtime_error naming `name` and the line if the text is not valid UTF-8.
Segments read_segments(std::istream& in, std::string_view name, LineEnds line_ends);

// Also throws std::runtime_error naming the file if it cannot be opened or read.
Segments read_segments_file(const std::string& path);

}  // namespace nmt::eval
