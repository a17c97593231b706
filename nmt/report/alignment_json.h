// Reading the output of `nmt-translate --alignment soft`: one JSON object per input line,
// {"line", "translation", "source": [pieces], "target": [pieces, "</s>" if complete],
//  "attention": [[weight per source piece and EOS] per target piece], "score"}.
// Rows may be longer, with zeros: nmt-translate keeps the padding positions of the batch a
// sentence was decoded in; they are dropped.
#pragma once

#include <cstddef>
#include <istream>
#include <string>

#include <nlohmann/json.hpp>

#include "nmt/report/heatmap.h"

namespace nmt::report {

// The heat-map of one record. ReportError naming `where` for a record that is not one of
// nmt-translate's, an empty translation, or a model without attention (no weights).
AttentionMap attention_map_from_json(const nlohmann::json& record, const std::string& where);

// The record of input line `line` (1-based, its "line" field) in `in`, or with line 0 the
// first record. ReportError naming `name` when there is no such record or a line is not JSON.
AttentionMap read_alignment(std::istream& in, const std::string& name, std::size_t line);

}  // namespace nmt::report
