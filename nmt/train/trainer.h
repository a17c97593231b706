// The training loop of nmt-train: a run directory, resumable exactly.
//
// Run directory (output.directory):
//   recipe.yaml          the effective recipe (after --set overrides)
//   checkpoints/*.ckpt   the last output.keep_checkpoints checkpoints (model + optimizer +
//                        trainer state: step, batch position, random state, timers, best metric)
//   model.nmt            the model with the best dev metric (the latest one without a dev set)
//   metrics.jsonl        one JSON object per line (metrics_log.h)
//   train.log            the log lines
//   test.hyp             translations of the test split, and test.scores.json
//
// Running the trainer again on the same directory continues from the newest checkpoint with
// the same parameters, optimizer moments, batch order and dropout stream, so a stopped and
// resumed run ends bit-for-bit where an uninterrupted one would.
#pragma once

#include <atomic>
#include <memory>
#include <ostream>
#include <string>

#include "nmt/io/recipe.h"

namespace nmt::train {

struct TrainingSummary {
  std::int64_t steps = 0;
  double seconds = 0;
  std::string stop_reason;  // "max_steps", "max_epochs", "max_time", "early_stopping", "signal", "diverged"
  double best_metric = 0;   // dev BLEU or perplexity, per validation.early_stopping_metric
  bool has_test_scores = false;
  double test_bleu = 0, test_chrf = 0;
  std::string model_path, translations_path;
};

class Trainer {
 public:
  // Opens recipe.output.directory: resumes the run there, or starts one. A directory that
  // holds a run of a different recipe is an io::RecipeError naming the first difference.
  Trainer(io::Recipe recipe, std::ostream& log, bool progress_bar);
  ~Trainer();
  TrainingSummary run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// SIGINT and SIGTERM make the trainer finish the current update, write a checkpoint and stop.
void install_stop_signal_handlers();
int received_stop_signal();  // 0, or the signal that asked to stop
void request_stop(int signal_number);

}  // namespace nmt::train
