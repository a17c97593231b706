// The input/output loop nmt-translate and nmt-classify share: lines in (a file, a pipe or a
// terminal), one chunk at a time, results out in order.
//
// A regular file is read whole before the output is opened (so the output may even name it);
// from a pipe or a terminal each chunk is processed and written as soon as it is there, so a
// line typed alone is answered at once. Repaired invalid UTF-8 is warned about with its line.
#pragma once

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include "nmt/decode/input_lines.h"

namespace nmt::tools {

// From a pipe or a terminal: how long to wait for more lines before processing those in hand.
inline constexpr std::chrono::milliseconds kWaitForMoreInput{20};

// Calls process(chunk, out) for every chunk of at most `chunk_lines` lines of `input`, writing
// to `output_path` ("" or "-": standard output). Returns the exit status: 0, or 1 after an error
// message (output not writable) on standard error. Exceptions from `process` pass through.
template <class Process>
int filter_lines(const std::string& program, decode::InputLines& input, std::string output_path,
                 std::size_t chunk_lines, std::ostream& log, Process&& process) {
  decode::InputChunk chunk;
  bool more = !input.streaming() && input.next_chunk(chunk, chunk_lines, kWaitForMoreInput);
  if (output_path == "-") output_path.clear();
  std::ofstream file;
  if (!output_path.empty()) {
    file.open(output_path, std::ios::binary);
    if (!file) {
      std::cerr << program << ": " << output_path << ": cannot open for writing: " << std::strerror(errno) << "\n";
      return 1;
    }
  }
  std::ostream& out = output_path.empty() ? std::cout : file;
  if (input.streaming()) more = input.next_chunk(chunk, chunk_lines, kWaitForMoreInput);
  while (more) {
    for (std::size_t line : chunk.repaired)
      log << program << ": warning: " << input.name() << " line " << line + 1 << ": invalid UTF-8 replaced by U+FFFD"
          << std::endl;
    process(chunk, out);
    out.flush();
    if (!out) {
      std::cerr << program << ": cannot write the output\n";
      return 1;
    }
    more = input.next_chunk(chunk, chunk_lines, kWaitForMoreInput);
  }
  return 0;
}

}  // namespace nmt::tools
