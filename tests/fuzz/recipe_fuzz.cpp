// Fuzz target: the recipe reader (nmt/io/recipe.h), on the path a user's recipe takes.
//
// The input is the text of a recipe file. Its lines that start with "#set " (YAML comments, so
// they do not change the recipe) are also given as --set overrides, as `nmt-train RECIPE --set
// KEY=VALUE` would: "#set training.max_time=10m".
//
// As nmt-train does: parse_recipe, then with_absolute_paths (against a fixed directory); the
// effective YAML of that recipe is what recipe.yaml in the run directory, checkpoints and model
// files store, and what a resumed run or a loaded model parses again.
//
// Expected: a Recipe, or io::RecipeError (the only error parse_recipe documents; OverrideError
// is one). Findings: a crash, a sanitizer report, a hang, another exception type escaping,
// with_absolute_paths refusing an accepted recipe, or an effective YAML that does not parse
// back to the same values (before and after with_absolute_paths, which must be idempotent:
// a resumed run compares the stored recipe with the given one by these values).
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "nmt/io/recipe.h"

namespace {

std::vector<std::string> set_lines(const std::string& text) {
  std::vector<std::string> overrides;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    if (text.compare(at, 5, "#set ") == 0) overrides.push_back(text.substr(at + 5, end - at - 5));
    at = end + 1;
  }
  return overrides;
}

std::string differences(const std::map<std::string, std::string>& before,
                        const std::map<std::string, std::string>& after) {
  std::string out;
  for (const auto& [key, value] : before) {
    const auto it = after.find(key);
    const std::string now = it == after.end() ? "(missing)" : it->second;
    if (now != value) out += "  " + key + ": '" + value + "' becomes '" + now + "'\n";
  }
  return out;
}

// The effective YAML of `recipe` must parse back to the same values.
nmt::io::Recipe read_back(const nmt::io::Recipe& recipe, const char* what) {
  using nmt::fuzz::finding;
  nmt::io::Recipe again;
  try {
    again = nmt::io::parse_recipe(recipe.effective_yaml, "effective.yaml");
  } catch (const nmt::io::RecipeError& e) {
    finding(std::string("the effective recipe ") + what + " is refused: " + e.what() + "\n---- effective recipe:\n" +
            recipe.effective_yaml);
  } catch (...) {
    nmt::fuzz::unexpected_exception("parse_recipe(effective_yaml)");
  }
  if (again.values != recipe.values)
    finding(std::string("the effective recipe ") + what + " reads back with other values:\n" +
            differences(recipe.values, again.values));
  return again;
}

nmt::io::Recipe absolute(const nmt::io::Recipe& recipe, const char* what) {
  try {
    return nmt::io::with_absolute_paths(recipe, "/fuzz/work");
  } catch (const std::exception& e) {
    nmt::fuzz::finding(std::string("with_absolute_paths refuses ") + what + ": " + nmt::fuzz::current_exception_type() +
                       ": " + e.what());
  }
}

void fuzz_one(const std::string& text) {
  const std::vector<std::string> overrides = set_lines(text);
  nmt::io::Recipe recipe;
  try {
    recipe = nmt::io::parse_recipe(text, "fuzz.yaml", overrides);
  } catch (const nmt::io::RecipeError&) {
    return;
  } catch (...) {
    nmt::fuzz::unexpected_exception("parse_recipe");
  }
  read_back(recipe, "of an accepted recipe");

  const nmt::io::Recipe stored = absolute(recipe, "an accepted recipe");
  const nmt::io::Recipe resumed = absolute(read_back(stored, "with absolute paths"), "its own effective recipe");
  if (resumed.values != stored.values)
    nmt::fuzz::finding("with_absolute_paths is not idempotent:\n" + differences(stored.values, resumed.values));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return nmt::fuzz::run_input(data, size, fuzz_one);
}
