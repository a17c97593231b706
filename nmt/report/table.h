// The comparison table: one row per run, as Markdown (rounded for reading) and as CSV (full
// precision, for other programs). Both have the same columns, in the same order.
#pragma once

#include <string>
#include <vector>

#include "nmt/report/comparison.h"

namespace nmt::report {

struct TableColumn {
  std::string heading;   // Markdown and HTML
  std::string csv_name;  // CSV header
  std::string meaning;   // one sentence, for the notes under the table
  bool numeric = true;   // right-aligned
};

const std::vector<TableColumn>& table_columns();

// The cells of each run, formatted for reading ("–" where a run has no value), in the order
// of table_columns().
std::vector<std::vector<std::string>> readable_rows(const Comparison& comparison);
// The same values as CSV fields: numbers printed so that they read back exactly, empty
// where a run has no value.
std::vector<std::vector<std::string>> csv_rows(const Comparison& comparison);

// "# ..." with the decoding settings and test set, the table, and what the columns mean.
std::string markdown_report(const Comparison& comparison);
// ", with int8 linear layers" for a reduced-precision decoding; "" for f32.
std::string precision_note(const DecodingSettings& decoding);
std::string markdown_table(const Comparison& comparison);
std::string csv_table(const Comparison& comparison);  // RFC 4180 quoting, LF line ends, header first

// Any table of cells (this one, the summaries over seeds, the classifier comparison's): as
// Markdown (numeric columns right-aligned, cells escaped), as CSV (a header of the columns'
// csv_name, each field quoted where it must be) and as HTML (<table class="CSS_CLASS"> in a
// scrolling <div>, a <tr data-recipe="ROW_NAME"> per row, numeric cells right-aligned).
std::string markdown_grid(const std::vector<TableColumn>& columns, const std::vector<std::vector<std::string>>& rows);
std::string csv_grid(const std::vector<TableColumn>& columns, const std::vector<std::vector<std::string>>& rows);
std::string html_grid(const std::string& css_class, const std::vector<TableColumn>& columns,
                      const std::vector<std::vector<std::string>>& rows, const std::vector<std::string>& row_names);

// A CSV field, quoted (RFC 4180) when it holds a comma, quote or line break.
std::string csv_field(const std::string& field);
// A Markdown table cell: pipes escaped, line breaks as spaces.
std::string markdown_cell(const std::string& text);

// "1h 02m 03s", "20m 03s", "42s".
std::string format_duration(double seconds);
// 1234567 -> "1,234,567".
std::string thousands(double value);

}  // namespace nmt::report
