// The command line every nmt program shares: parsing with Boost.Program_options, --help and
// --version, and usage errors ("PROGRAM: MESSAGE (see PROGRAM --help)", exit status 2).
#pragma once

#include <boost/program_options.hpp>
#include <iostream>
#include <optional>
#include <string>

#include "nmt/graph/build_info.h"

namespace nmt::tools {

// Writes a usage error to standard error; returns the exit status of one (2).
inline int usage_error(const std::string& program, const std::string& message) {
  std::cerr << program << ": " << message << " (see " << program << " --help)\n";
  return 2;
}

// Parses argv into `vm` against `visible` (the options --help shows; they must include "help"
// and "version"). Returns the exit status when the program is done: 0 after --help or
// --version, 2 after a usage error; nullopt when it should go on.
inline std::optional<int> parse_command_line(const std::string& program, int argc, char** argv,
                                             const boost::program_options::options_description& visible,
                                             boost::program_options::variables_map& vm) {
  namespace po = boost::program_options;
  try {
    po::store(po::parse_command_line(argc, argv, visible), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return usage_error(program, e.what());
  }
  if (vm.count("help")) {
    std::cout << visible << "\n";
    return 0;
  }
  if (vm.count("version")) {
    std::cout << graph::version_text(program);
    return 0;
  }
  return std::nullopt;
}

}  // namespace nmt::tools
