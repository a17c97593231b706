// What a run's metrics.jsonl says (nmt/train/metrics_log.h): the dev curves, the training
// throughput, how far the run got and why it stopped.
//
// A run resumed from a checkpoint redoes the steps after it; when the log holds records of
// those steps twice, the later records replace the earlier ones.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "nmt/io/recipe.h"

namespace nmt::report {

// Bad input to a comparison: a missing or damaged run, file or line. The message names it.
class ReportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ValidationPoint {
  std::int64_t step = 0;
  double time = 0;  // seconds of training so far ("time")
  double dev_perplexity = 0;
  std::optional<double> dev_bleu;  // absent when validation.bleu is off
  // A classifier's (model.type classifier), in percent.
  std::optional<double> dev_accuracy, dev_macro_f1;
};

struct StopRecord {
  std::int64_t step = 0;
  double time = 0;
  std::int64_t epoch = 0;
  std::string reason;  // max_steps, max_epochs, max_time, early_stopping, signal, diverged
};

struct RunMetrics {
  std::string path;                          // the metrics.jsonl read
  std::vector<ValidationPoint> validations;  // in step order
  // Of the train records, in step order: target tokens per second, or for a classifier
  // sentences per second (its records' "sentences_per_second").
  std::vector<double> tokens_per_second;
  std::int64_t steps = 0;       // step of the last record
  double training_seconds = 0;  // "time" of the last record
  // The last stop record, when nothing but test records follow it (otherwise the run was
  // resumed afterwards and has not stopped since).
  std::optional<StopRecord> stop;

  std::optional<double> mean_tokens_per_second() const;
  std::optional<double> best_dev_perplexity() const;  // the lowest
  std::optional<double> best_dev_bleu() const;        // the highest
  std::optional<double> best_dev_accuracy() const;    // the highest
  std::optional<double> best_dev_macro_f1() const;    // the highest
};

// Reads a metrics.jsonl file. ReportError "PATH: ..." for a missing or empty file and
// "PATH:LINE: ..." for a line that is not a record (bad JSON, a field missing or mistyped).
RunMetrics read_run_metrics(const std::string& path);

// Whether the run has finished under `training`'s limits, so training it again would do
// nothing: its last stop record shows a limit reached (as the trainer checks them: steps,
// epochs, time), early stopping, or divergence.
bool run_finished(const RunMetrics& metrics, const io::TrainingRecipe& training);

}  // namespace nmt::report
