// How sacreBLEU lines up hypotheses with references (Metric._cache_references).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nmt::eval::detail {

// Throws std::invalid_argument unless there is at least one reference stream and every
// stream has one segment per hypothesis.
void check_corpus_shape(std::string_view metric, std::size_t hypotheses,
                        const std::vector<std::vector<std::string>>& references);

// Sets `out` to the non-empty references, as sacreBLEU keeps them: an empty string marks a
// segment with fewer references. Throws std::invalid_argument if none is left, a segment
// sacreBLEU refuses with "Empty or `None` reference sentence found"; a non-zero
// `line_number` (1-based segment) goes into the message.
void non_empty_references(std::string_view metric, std::span<const std::string_view> references,
                          std::vector<std::string_view>& out, std::size_t line_number = 0);

// Segment `segment` (0-based) of every reference stream, filtered as above.
void segment_references(std::string_view metric, const std::vector<std::vector<std::string>>& references,
                        std::size_t segment, std::vector<std::string_view>& out);

}  // namespace nmt::eval::detail
