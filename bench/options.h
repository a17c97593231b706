// The benchmarks' command lines: "--name value" pairs (and flags without a value). An unknown
// option, a missing value or a value that is not a number ends the program with status 2 and
// its usage line, instead of being ignored while the benchmark runs with its defaults.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>

namespace nmt::bench {

class Options {
 public:
  // valued: options that take a value; flags: options that take none. "--help" prints the
  // usage line and exits 0.
  Options(int argc, char** argv, std::string usage, std::set<std::string> valued, std::set<std::string> flags = {})
      : usage_(std::move(usage)) {
    for (int i = 1; i < argc; ++i) {
      const std::string name = argv[i];
      if (name == "--help" || name == "-h") {
        std::printf("%s\n", usage_.c_str());
        std::exit(0);
      }
      if (flags.count(name)) {
        values_[name] = "";
      } else if (valued.count(name)) {
        if (i + 1 >= argc) fail(name + " needs a value");
        values_[name] = argv[++i];
      } else {
        fail("unknown option " + name);
      }
    }
  }

  bool has(const std::string& name) const { return values_.count(name) > 0; }
  const std::string& text(const std::string& name, const std::string& fallback) const {
    const auto it = values_.find(name);
    return it == values_.end() ? fallback : it->second;
  }
  // Ends the program with status 2, the message and the usage line.
  [[noreturn]] void fail(const std::string& message) const {
    std::fprintf(stderr, "%s\nusage: %s\n", message.c_str(), usage_.c_str());
    std::exit(2);
  }
  // A number, at least `minimum`.
  double number(const std::string& name, double fallback, double minimum = 0) const {
    const auto it = values_.find(name);
    if (it == values_.end()) return fallback;
    char* end = nullptr;
    const double value = std::strtod(it->second.c_str(), &end);
    if (it->second.empty() || *end != '\0' || !(value >= minimum)) {
      char text[64];
      std::snprintf(text, sizeof text, "%g", minimum);
      fail(name + " " + it->second + ": expected a number of at least " + text);
    }
    return value;
  }

 private:
  std::string usage_;
  std::map<std::string, std::string> values_;
};

}  // namespace nmt::bench
