// Learning-rate schedules, all with an optional linear warm-up:
//   constant      lr * min(1, step / warmup)
//   inverse-sqrt  lr * min(step / warmup, sqrt(warmup / step))  (Vaswani et al. 2017, eq. 3,
//                 with the peak rate lr at the end of the warm-up); lr / sqrt(step) without one
//   plateau       constant, multiplied by `factor` after `patience` validations in a row
//                 without improvement, never below min_lr
#pragma once

#include <cstdint>
#include <string>

namespace nmt::train {

struct LrScheduleOptions {
  std::string kind = "constant";
  double peak = 1e-3;
  std::int64_t warmup_steps = 0;
  double plateau_factor = 0.5;
  std::int64_t plateau_patience = 2;
  double min_learning_rate = 0.0;
};

// The schedule the trainer asks once per update.
class LearningRateSchedule {
 public:
  explicit LearningRateSchedule(LrScheduleOptions options);  // unknown kind: std::invalid_argument
  double at(std::int64_t step) const;                        // step: the 1-based number of the update
  // Plateau: record a validation; returns true when the rate was just lowered.
  bool record_validation(bool improved);

  // State for checkpoints.
  double plateau_scale() const { return scale_; }
  std::int64_t validations_without_improvement() const { return stalled_; }
  void restore(double plateau_scale, std::int64_t stalled);

 private:
  LrScheduleOptions options_;
  double scale_ = 1.0;
  std::int64_t stalled_ = 0;
};

// The inverse-square-root schedule with linear warm-up of Vaswani et al. (2017, eq. 3),
//
//   lrate = d_model^-0.5 * min(step^-0.5, step * warmup_steps^-1.5),
//
// with its peak given directly instead of through d_model: it rises linearly to `peak` at
// step == warmup_steps and then decays as step^-0.5,
//
//   lrate = peak * min(step / warmup_steps, sqrt(warmup_steps / step)),
//
// eq. 3 times peak * sqrt(d_model * warmup_steps). `step` counts updates from 1 (step 0 gives
// 0); warmup_steps >= 1, else std::invalid_argument.
double inverse_sqrt_lr_with_peak(std::int64_t step, std::int64_t warmup_steps, double peak);

}  // namespace nmt::train
