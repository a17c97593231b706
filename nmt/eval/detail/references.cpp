#include "nmt/eval/detail/references.h"

#include <fmt/format.h>

#include <stdexcept>

namespace nmt::eval::detail {

void check_corpus_shape(std::string_view metric, std::size_t hypotheses,
                        const std::vector<std::vector<std::string>>& references) {
  if (references.empty()) {
    throw std::invalid_argument(fmt::format("{}: no reference stream given", metric));
  }
  for (std::size_t r = 0; r < references.size(); ++r) {
    if (references[r].size() != hypotheses) {
      throw std::invalid_argument(fmt::format("{}: {} hypotheses but reference stream {} has {} segments", metric,
                                              hypotheses, r, references[r].size()));
    }
  }
}

void non_empty_references(std::string_view metric, std::span<const std::string_view> references,
                          std::vector<std::string_view>& out, std::size_t line_number) {
  out.clear();
  for (const std::string_view reference : references) {
    if (!reference.empty()) out.push_back(reference);
  }
  if (!out.empty()) return;
  if (line_number == 0) {
    throw std::invalid_argument(fmt::format("{}: every reference of the segment is empty", metric));
  }
  throw std::invalid_argument(fmt::format("{}: every reference of segment {} is empty", metric, line_number));
}

void segment_references(std::string_view metric, const std::vector<std::vector<std::string>>& references,
                        std::size_t segment, std::vector<std::string_view>& out) {
  std::vector<std::string_view> all;
  all.reserve(references.size());
  for (const auto& stream : references) all.push_back(stream[segment]);
  non_empty_references(metric, all, out, segment + 1);
}

}  // namespace nmt::eval::detail
