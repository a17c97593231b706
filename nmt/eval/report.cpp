#include "nmt/eval/report.h"

#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>
#include <string>

namespace nmt::eval {

MetricReport bleu_report(const BleuScore& score, const BleuOptions& options, int nrefs, std::string_view version) {
  return MetricReport{"BLEU", score.score, signature(options, nrefs, version), score.verbose()};
}

MetricReport chrf_report(const ChrfScore& score, const ChrfOptions& options, int nrefs, std::string_view version) {
  return MetricReport{score.name, score.score, signature(options, nrefs, version), ""};
}

std::string format_score(double score, int width) { return fmt::format("{:.{}f}", score, width); }

std::string format_text(const MetricReport& report, int width) {
  std::string line = report.signature.empty() ? report.name : report.name + "|" + report.signature;
  line += " = " + format_score(report.score, width);
  if (!report.verbose.empty()) line += " " + report.verbose;
  return line;
}

std::string format_json(const MetricReport& report, int width) {
  // sacreBLEU stores float(f"{score:.{width}f}"); Python and nlohmann::json both print a
  // double as the shortest text that reads back to it, with ".0" when it is integral.
  const std::string rounded_text = format_score(report.score, width);
  double rounded = 0.0;
  std::from_chars(rounded_text.data(), rounded_text.data() + rounded_text.size(), rounded);
  nlohmann::ordered_json object;
  object["name"] = report.name;
  object["score"] = rounded;
  object["signature"] = report.signature;
  if (!report.verbose.empty()) object["verbose_score"] = report.verbose;
  for (const auto& [key, value] : signature_fields(report.signature)) object[key] = value;
  return object.dump(1);
}

}  // namespace nmt::eval
