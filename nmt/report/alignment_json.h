// Reading the output of `nmt-translate --alignment soft` (nmt/decode/alignments.h): one JSON
// object per input line, {"line", "translation", "source": [pieces, "</s>"], "target": [pieces,
// "</s>" if complete], "attention": [[weight per "source" entry] per "target" entry], "score"}.
// Rows longer than "source" whose extra weights are all 0 (the padding of a decoding batch) are
// cut to the sentence's own columns.
//
// And the output of `nmt-classify --attention` (tools/nmt_classify.cpp): {"line", "label",
// "probability", "pieces": [pieces, "</s>"], "attention": [[weight per piece] per head]}, drawn
// as one row per attention head over the sentence's pieces, the label and its probability
// where a translation would be.
#pragma once

#include <cstddef>
#include <istream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "nmt/report/heatmap.h"

namespace nmt::report {

// The heat-map of one record. ReportError naming `where` for a record that is not one of
// nmt-translate's, an empty translation, or a model without attention (no weights).
AttentionMap attention_map_from_json(const nlohmann::json& record, const std::string& where);

// The record of input line `line` (its "line" field: input lines count from 0, as in n-best
// lists) in `in`, or without a line the first record. ReportError naming `name` and the line of
// the file (counted from 1, as editors do) when there is no such record or a line is not JSON.
AttentionMap read_alignment(std::istream& in, const std::string& name, std::optional<std::size_t> line);

}  // namespace nmt::report
