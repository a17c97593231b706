// Printing scores the way sacreBLEU's Score.format() does, as text or JSON.
#pragma once

#include <string>

#include "nmt/eval/bleu.h"
#include "nmt/eval/chrf.h"

namespace nmt::eval {

// One metric's result, ready to print.
struct MetricReport {
  std::string name;  // "BLEU", "chrF2", "chrF2++"
  double score = 0.0;
  std::string signature;  // "nrefs:1|case:mixed|..."
  std::string verbose;    // BLEU's precisions and lengths; empty for chrF
};

MetricReport bleu_report(const BleuScore& score, const BleuOptions& options, int nrefs,
                         std::string_view version = signature_version());
MetricReport chrf_report(const ChrfScore& score, const ChrfOptions& options, int nrefs,
                         std::string_view version = signature_version());

// The score with `width` decimals, rounded as Python's f"{score:.{width}f}": "23.49".
std::string format_score(double score, int width);

// "BLEU|nrefs:1|...|version:V = 23.49 81.9/35.9/19.6/11.7 (BP = ... ref_len = 17521)"
std::string format_text(const MetricReport& report, int width);

// json.dumps(indent=1) of {"name", "score" (rounded to `width`), "signature",
// "verbose_score" (if any), then every signature field}, without a final newline.
std::string format_json(const MetricReport& report, int width);

}  // namespace nmt::eval
