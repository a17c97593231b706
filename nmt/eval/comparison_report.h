// sacreBLEU's multi-system report: one row per system, one column per metric, as a table
// (its "fancy grid") or as JSON, with the paired test's explanation and the signatures.
//
//   ComparisonReport report{{"BLEU"}, {signature}, PairedTest::bootstrap, 1000, {...}};
//   std::cout << format_comparison_text(report, 1);
#pragma once

#include <string>
#include <vector>

#include "nmt/eval/significance.h"

namespace nmt::eval {

enum class PairedTest { none, bootstrap, randomization };

struct ComparisonReport {
  std::vector<std::string> metrics;     // "BLEU", "chrF2"
  std::vector<std::string> signatures;  // one per metric
  PairedTest test = PairedTest::none;
  int samples = 0;  // resamples or trials of the test
  struct System {
    std::string name;                 // the baseline's starts with "Baseline: " under a test
    std::vector<TestResult> results;  // one per metric
  };
  std::vector<System> systems;  // the baseline first
};

// The signature of a metric under a test: "nrefs:1|bs:1000|seed:12345|case:mixed|...".
std::string paired_signature(const std::string& signature, PairedTest test, int samples, const std::string& seed);

// The table, the test's explanation (under a test) and the signatures, as sacreBLEU prints
// them with --format text (without colours); scores with `width` decimals.
std::string format_comparison_text(const ComparisonReport& report, int width);

// sacreBLEU's --format json: a list of {"system": NAME, METRIC: ...}; under a test each
// metric is {"score", "p_value", "mean", "ci"} (null where there is none), without one its
// score as text with `width` decimals. json.dumps(indent=4), with a final newline.
std::string format_comparison_json(const ComparisonReport& report, int width);

}  // namespace nmt::eval
