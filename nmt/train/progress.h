// Progress of a training run: the window of updates since the last log line, the log line and
// the terminal's progress bar made from it, and the time left before the recipe's limits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "nmt/data/batching.h"
#include "nmt/io/recipe.h"

namespace nmt::train {

// "m:ss", or "h:mm:ss" from an hour on; "?" for a negative or infinite time.
std::string format_duration(double seconds);

// The updates since the last log line.
class ProgressWindow {
 public:
  void add(double loss, double target_tokens, double seconds, double grad_norm);
  void reset() { *this = {}; }
  std::int64_t steps() const { return steps_; }
  double loss_per_token() const { return loss_ / tokens_; }
  double tokens_per_second() const { return tokens_ / seconds_; }
  double steps_per_second() const { return static_cast<double>(steps_) / seconds_; }
  double mean_grad_norm() const { return grad_norm_ / static_cast<double>(steps_); }

 private:
  double loss_ = 0, tokens_ = 0, seconds_ = 0, grad_norm_ = 0;
  std::int64_t steps_ = 0;
};

// Where the run is, for the ETA: its training time, updates and batch position.
struct RunPosition {
  double seconds = 0;
  std::int64_t step = 0;
  data::BatchPosition batch;
  std::size_t batches_per_epoch = 1;
};

// Seconds until the first of the limits of `training` (max_time, max_steps, max_epochs) is
// reached at `steps_per_second`; infinite without a limit.
double eta_seconds(const io::TrainingRecipe& training, const RunPosition& at, double steps_per_second);

// "step 200 epoch 0 loss 6.1567 lr 0.0005 3015 tok/s elapsed 1:44 ETA 4:15" (train.log); the
// loss is per unit of the window ("tok": target token, "sent": sentence of a classifier).
std::string log_line(const RunPosition& at, const ProgressWindow& window, double learning_rate, double eta,
                     const std::string& unit = "tok");
// "step 200 | epoch 0 | 3015 tok/s | loss 6.157 | lr 5.00e-04 | ETA 4:15" (a terminal's bar).
std::string bar_line(const RunPosition& at, const ProgressWindow& window, double learning_rate, double eta,
                     const std::string& unit = "tok");

}  // namespace nmt::train
