// Collecting runs into a comparison: for each run, what its metrics.jsonl says, and what its
// model does on the test set when every run is decoded with the same settings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nmt/graph/precision.h"
#include "nmt/report/heatmap.h"
#include "nmt/report/run_metrics.h"
#include "nmt/report/run_spec.h"

namespace nmt::report {

// The decoding shared by every run of a comparison.
struct DecodingSettings {
  int beam_size = 5;
  double length_penalty = 1.0;    // alpha: ranking by log P / length^alpha
  double max_length_ratio = 2.0;  // longest output: ratio x source subwords + 10
  std::size_t batch_tokens = 2000;
  int threads = 2;
  graph::Precision precision = graph::Precision::f32;  // of the linear layers (graph/precision.h)
};

struct TestSet {
  std::string source_path, reference_path;
  std::vector<std::string> sources, references;
};

// ReportError naming the files when they cannot be read or differ in length.
TestSet read_test_set(const std::string& source_path, const std::string& reference_path);

struct HeatmapSentence {
  std::size_t line = 0;             // 1-based line of the test set
  std::optional<AttentionMap> map;  // absent for an empty line
};

struct RunResult {
  std::string name, argument, run_directory, model_path;
  std::string recipe_name;  // the row of the seeds' summary (RunSpec::recipe_name)
  std::int64_t seed = 0;    // training.seed of the model
  std::string model_type, attention;
  std::int64_t parameters = 0;
  RunMetrics metrics;
  std::vector<std::string> translations;  // the test set, decoded
  double test_bleu = 0, test_chrf = 0;
  std::string bleu_signature, chrf_signature;
  double decoding_seconds = 0;
  double sentences_per_second = 0;  // test lines / decoding_seconds
  bool has_attention = false;       // false for model.attention: none
  // Where the test translations' attention goes (decode/attention_profile.h); unset without attention.
  std::optional<double> attention_diagonal;
  std::vector<HeatmapSentence> heatmaps;  // one per requested line when has_attention
};

// Loads RUN/model.nmt and RUN/metrics.jsonl, translates the test set with `settings` (on
// settings.threads threads, timed), scores it with sacreBLEU-compatible BLEU and chrF, and
// keeps the attention of the best hypothesis for each of `heatmap_lines` (1-based).
RunResult evaluate_run(const RunSpec& spec, const TestSet& test, const DecodingSettings& settings,
                       const std::vector<std::size_t>& heatmap_lines);

struct Comparison {
  DecodingSettings decoding;
  std::string test_source, test_reference;
  std::size_t test_sentences = 0;
  std::vector<std::size_t> heatmap_lines;
  std::vector<RunResult> runs;
};

}  // namespace nmt::report
