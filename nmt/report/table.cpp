#include "nmt/report/table.h"

#include <fmt/format.h>

#include <cmath>

#include "nmt/report/markup.h"

namespace nmt::report {

namespace {

const std::string kMissing = "\xE2\x80\x93";  // an en dash

std::string optional_fixed(const std::optional<double>& v, int decimals) {
  return v ? fmt::format("{:.{}f}", *v, decimals) : kMissing;
}

std::string exact(double v) { return fmt::format("{}", v); }
std::string exact(const std::optional<double>& v) { return v ? exact(*v) : std::string(); }

std::string stop_reason(const RunMetrics& m) { return m.stop ? m.stop->reason : "not stopped"; }

}  // namespace

std::string csv_field(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (const char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// Markdown cells: pipes escaped, line breaks as spaces.
std::string markdown_cell(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return out;
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return kMissing;
  const auto s = static_cast<long long>(std::llround(seconds));
  if (s >= 3600) return fmt::format("{}h {:02}m {:02}s", s / 3600, (s / 60) % 60, s % 60);
  if (s >= 60) return fmt::format("{}m {:02}s", s / 60, s % 60);
  return fmt::format("{:.1f}s", seconds);
}

std::string thousands(double value) {
  if (!std::isfinite(value)) return kMissing;
  std::string digits = fmt::format("{:.0f}", std::abs(value));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  if (value < 0 && out != "0") out.insert(out.begin(), '-');
  return out;
}

const std::vector<TableColumn>& table_columns() {
  static const std::vector<TableColumn> columns = {
      {"recipe", "recipe", "the recipe file (or run directory) the row is about", false},
      {"model", "model", "model.type of the recipe", false},
      {"attention", "attention",
       "model.attention: the attention mechanism, or none; multi-head (H heads) for a Transformer", false},
      {"seed", "seed", "training.seed of the run", true},
      {"parameters", "parameters", "trainable parameters of the model", true},
      {"training time", "training_seconds",
       "training time of the run (seconds in the CSV) as its metrics.jsonl records it: updates and "
       "validations, across resumptions, without data preparation and the final test translation",
       true},
      {"target tok/s", "target_tokens_per_second",
       "training throughput: the mean of tokens_per_second over the run's train records (target tokens per second of "
       "update time)",
       true},
      {"steps", "steps", "updates made", true},
      {"best dev ppl", "best_dev_perplexity",
       "the lowest dev perplexity of the run's validations (teacher forced, no dropout, no label smoothing)", true},
      {"best dev BLEU", "best_dev_bleu", "the highest dev BLEU of the run's validations (greedy decoding)", true},
      {"test BLEU", "test_bleu",
       "BLEU of the best model's translation of the test set with the shared decoding settings (sacreBLEU's default: "
       "13a tokenization, exp smoothing)",
       true},
      {"test chrF", "test_chrf", "chrF2 of the same translation (sacreBLEU's default)", true},
      {"attn. diagonal", "attention_diagonal",
       "where attention goes in that translation: the correlation of each target token's attention centroid (as a "
       "fraction of the source) with its position in the output; near 1 it moves along the source as the output "
       "proceeds, near 0 it does not follow the sentence (none without attention)",
       true},
      {"decode sent/s", "decoding_sentences_per_second",
       "test-set lines translated per second of that decoding (wall time, on the --threads given)", true},
      {"stopped", "stop_reason",
       "why training stopped (max_time, max_steps, max_epochs, early_stopping, signal, diverged; 'not stopped' for a "
       "run "
       "that is still going or was killed)",
       false},
  };
  return columns;
}

std::vector<std::vector<std::string>> readable_rows(const Comparison& comparison) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : comparison.runs) {
    const RunMetrics& m = r.metrics;
    const auto tps = m.mean_tokens_per_second();
    rows.push_back(
        {r.name, r.model_type, r.attention, std::to_string(r.seed), thousands(static_cast<double>(r.parameters)),
         format_duration(m.training_seconds), tps ? thousands(*tps) : kMissing, thousands(static_cast<double>(m.steps)),
         optional_fixed(m.best_dev_perplexity(), 2), optional_fixed(m.best_dev_bleu(), 2),
         fmt::format("{:.2f}", r.test_bleu), fmt::format("{:.2f}", r.test_chrf),
         optional_fixed(r.attention_diagonal, 2), fmt::format("{:.1f}", r.sentences_per_second), stop_reason(m)});
  }
  return rows;
}

std::vector<std::vector<std::string>> csv_rows(const Comparison& comparison) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : comparison.runs) {
    const RunMetrics& m = r.metrics;
    rows.push_back({r.name, r.model_type, r.attention, std::to_string(r.seed), std::to_string(r.parameters),
                    exact(m.training_seconds), exact(m.mean_tokens_per_second()), std::to_string(m.steps),
                    exact(m.best_dev_perplexity()), exact(m.best_dev_bleu()), exact(r.test_bleu), exact(r.test_chrf),
                    exact(r.attention_diagonal), exact(r.sentences_per_second), m.stop ? m.stop->reason : ""});
  }
  return rows;
}

std::string markdown_grid(const std::vector<TableColumn>& columns, const std::vector<std::vector<std::string>>& rows) {
  std::string s = "|";
  for (const auto& c : columns) s += fmt::format(" {} |", c.heading);
  s += "\n|";
  for (const auto& c : columns) s += c.numeric ? " ---: |" : " --- |";
  s += "\n";
  for (const auto& row : rows) {
    s += "|";
    for (const auto& cell : row) s += fmt::format(" {} |", markdown_cell(cell));
    s += "\n";
  }
  return s;
}

std::string csv_grid(const std::vector<TableColumn>& columns, const std::vector<std::vector<std::string>>& rows) {
  std::string s;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i) s += ',';
    s += columns[i].csv_name;
  }
  s += "\n";
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i) s += ',';
      s += csv_field(row[i]);
    }
    s += "\n";
  }
  return s;
}

std::string html_grid(const std::string& css_class, const std::vector<TableColumn>& columns,
                      const std::vector<std::vector<std::string>>& rows, const std::vector<std::string>& row_names) {
  std::string h = "<div class=\"table-wrap\"><table class=\"" + xml_escape(css_class) + "\">\n<thead><tr>";
  for (const auto& col : columns) h += "<th>" + xml_escape(col.heading) + "</th>";
  h += "</tr></thead>\n<tbody>\n";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    h += "<tr data-recipe=\"" + xml_escape(row_names.at(i)) + "\">";
    for (std::size_t k = 0; k < rows[i].size(); ++k)
      h += std::string(columns.at(k).numeric ? "<td class=\"num\">" : "<td>") + xml_escape(rows[i][k]) + "</td>";
    h += "</tr>\n";
  }
  return h + "</tbody>\n</table></div>\n";
}

std::string markdown_table(const Comparison& comparison) {
  return markdown_grid(table_columns(), readable_rows(comparison));
}

std::string precision_note(const DecodingSettings& d) {
  return d.precision == graph::Precision::f32 ? "" : ", with " + graph::precision_name(d.precision) + " linear layers";
}

std::string markdown_report(const Comparison& c) {
  const DecodingSettings& d = c.decoding;
  std::string s = "# Attention comparison\n\n";
  s += fmt::format(
      "Test set: `{}` / `{}` ({} lines). Every model translates it with beam size {}, length penalty {}, at most {} x "
      "source subwords + 10 output subwords, batches of {} source subwords, on {} thread{}{}.\n\n",
      c.test_source, c.test_reference, c.test_sentences, d.beam_size, d.length_penalty, d.max_length_ratio,
      d.batch_tokens, d.threads, d.threads == 1 ? "" : "s", precision_note(d));
  s += markdown_table(c);
  s += "\n";
  for (const auto& col : table_columns()) s += fmt::format("- **{}**: {}.\n", col.heading, col.meaning);
  return s;
}

std::string csv_table(const Comparison& comparison) { return csv_grid(table_columns(), csv_rows(comparison)); }

}  // namespace nmt::report
