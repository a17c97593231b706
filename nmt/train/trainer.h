// The training loop of nmt-train: a run directory, resumable exactly.
//
// Run directory (output.directory):
//   recipe.yaml          the effective recipe (after --set overrides), paths made absolute so
//                        that the run resumes from any working directory
//   checkpoints/*.ckpt   the last output.keep_checkpoints checkpoints (model + optimizer +
//                        trainer state: step, batch position, random state, timers, best metric)
//   model.nmt            with a dev set, the validated model with the best dev metric (with
//                        output.keep_best false, the last validated one); without, the last
//                        one. A run validates once more when it stops between two scheduled
//                        validations, so its last updates count too; the log and the stop
//                        record of metrics.jsonl name the step model.nmt is from
//   lock                 held (flock) by the trainer using the directory; names its process
//   metrics.jsonl        one JSON object per line (metrics_log.h)
//   train.log            the log lines
//   test.hyp             translations of the test split (a classifier: test.labels), and
//                        test.scores.json
//
// Running the trainer again on the same directory continues from the newest checkpoint with
// the same parameters, optimizer moments, batch order and dropout stream, so a stopped and
// resumed run ends bit-for-bit where an uninterrupted one would.
#pragma once

#include <memory>
#include <ostream>
#include <string>

#include "nmt/io/recipe.h"
#include "nmt/train/stop_reason.h"
#include "nmt/train/stop_signal.h"  // SIGINT/SIGTERM: checkpoint and stop

namespace nmt::train {

struct TrainingSummary {
  std::int64_t steps = 0;
  double seconds = 0;
  StopReason stop_reason = StopReason::max_steps;
  int stop_signal = 0;          // the signal that stopped it (reason signal: on any of its processes)
  double best_metric = 0;       // per validation.early_stopping_metric (perplexity negated)
  bool has_model = false;       // false only when training diverged before model.nmt was written
  std::int64_t model_step = 0;  // the step model.nmt is from
  bool has_test_scores = false;
  double test_bleu = 0, test_chrf = 0;          // translation
  double test_accuracy = 0, test_macro_f1 = 0;  // classification
  std::string test_result;                      // "test BLEU 12.3, chrF 45.6", "test accuracy 81.2, macro-F1 75.1"
  std::string model_path;
  std::string translations_path;  // test.hyp, or a classifier's test.labels
};

class Trainer {
 public:
  // Checks every input file the recipe names (before writing anything), then opens
  // recipe.output.directory: resumes the run there from its newest intact checkpoint, or
  // starts one. A directory that holds a run of a different recipe (with a checkpoint) or
  // that another trainer holds is an io::RecipeError naming the first difference or the
  // process.
  Trainer(io::Recipe recipe, std::ostream& log, bool progress_bar);
  ~Trainer();
  TrainingSummary run();

  // What `nmt-train --validate-only` prints: the recipe, every file it names and the run
  // directory checked as a run would check them (and the model built once to check its
  // sizes), without writing anything. Errors are thrown as the constructor throws them.
  static std::string check(io::Recipe recipe);

 private:
  void open_and_build();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nmt::train
