// Shared by the fuzz targets: how a finding is reported.
//
// A finding aborts the process, which libFuzzer (and the replay ctest) report as a crash with the
// input that caused it. Expected errors, the ones each reader documents, are caught by the
// targets; anything else that escapes is a finding too: `unexpected_exception` names its type.
//
// Known findings: when the environment variable NMT_FUZZ_KNOWN names a file (tests/fuzz/run.sh
// passes tests/fuzz/known-findings.txt), a finding whose message contains one of its lines
// (blank lines and lines starting with '#' aside) throws KnownFinding instead of aborting, which
// the targets treat as a rejected input. That keeps a long run going past a reported, not yet
// fixed bug; the replay ctest does not set NMT_FUZZ_KNOWN.
#pragma once

#include <cxxabi.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <typeinfo>
#include <vector>

namespace nmt::fuzz {

struct KnownFinding {};  // deliberately not a std::exception

inline const std::vector<std::string>& known_findings() {
  static const std::vector<std::string> known = [] {
    std::vector<std::string> lines;
    const char* file = std::getenv("NMT_FUZZ_KNOWN");
    if (!file || !*file) return lines;
    std::ifstream in(file);
    if (!in) {
      std::fprintf(stderr, "nmt fuzz: NMT_FUZZ_KNOWN=%s cannot be read\n", file);
      std::abort();
    }
    for (std::string line; std::getline(in, line);)
      if (!line.empty() && line[0] != '#') lines.push_back(line);
    return lines;
  }();
  return known;
}

[[noreturn]] inline void finding(const std::string& what) {
  for (const std::string& known : known_findings())
    if (what.find(known) != std::string::npos) {
      static std::set<std::string> reported;  // say once per process which one was met
      if (reported.insert(known).second) std::fprintf(stderr, "nmt fuzz: known finding met: %s\n", known.c_str());
      throw KnownFinding{};
    }
  std::fprintf(stderr, "\n==== nmt fuzz finding: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

// The dynamic type of the exception being handled, demangled ("std::invalid_argument").
inline std::string current_exception_type() {
  const std::type_info* type = abi::__cxa_current_exception_type();
  if (!type) return "(unknown)";
  int status = 0;
  const std::unique_ptr<char, decltype(&std::free)> name(abi::__cxa_demangle(type->name(), nullptr, nullptr, &status),
                                                         &std::free);
  return status == 0 && name ? name.get() : type->name();
}

// Call inside `catch (...)`: an exception of a type the reader does not document.
[[noreturn]] inline void unexpected_exception(const char* stage) {
  std::string message;
  try {
    throw;
  } catch (const std::exception& e) {
    message = e.what();
  } catch (...) {
    message = "(not a std::exception)";
  }
  finding(std::string(stage) + ": undocumented exception " + current_exception_type() + ": " + message);
}

// The body of LLVMFuzzerTestOneInput: `fuzz` on the input's bytes; a known finding is a rejected
// input.
template <class Fuzz>
int run_input(const std::uint8_t* data, std::size_t size, Fuzz fuzz) {
  try {
    fuzz(std::string(reinterpret_cast<const char*>(data), size));
  } catch (const KnownFinding&) {
  }
  return 0;
}

}  // namespace nmt::fuzz
