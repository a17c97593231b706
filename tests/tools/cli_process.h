// Running a program from a CLI spec: a shell command in the source directory with given
// standard input, its exit status and its standard output and error captured in files of a
// scratch directory.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace nmt::testing {

struct Result {
  int status;
  std::string out, err;
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Runs `command` with `input` on standard input; `scratch` holds the three files it takes.
inline Result run_in_source_dir(const std::filesystem::path& scratch, const std::string& command,
                                const std::string& input) {
  const std::filesystem::path in = scratch / "stdin", out = scratch / "stdout", err = scratch / "stderr";
  std::ofstream(in, std::ios::binary) << input;
  const std::string full = "cd " + std::string(NMT_SOURCE_DIR) + " && " + command + " < " + in.string() + " > " +
                           out.string() + " 2> " + err.string();
  const int status = std::system(full.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

}  // namespace nmt::testing
