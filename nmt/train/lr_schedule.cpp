#include "nmt/train/lr_schedule.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace nmt::train {

namespace {
void check(std::int64_t step, std::int64_t warmup_steps) {
  if (step < 0) throw std::invalid_argument("learning-rate schedule: step " + std::to_string(step) + " is negative");
  if (warmup_steps < 1)
    throw std::invalid_argument("learning-rate schedule: warm-up steps must be >= 1, got " +
                                std::to_string(warmup_steps));
}
}  // namespace

double inverse_sqrt_lr_with_peak(std::int64_t step, std::int64_t warmup_steps, double peak) {
  check(step, warmup_steps);
  const double s = static_cast<double>(step), w = static_cast<double>(warmup_steps);
  return peak * std::min(s / w, std::sqrt(w / std::max(s, 1.0)));
}

LearningRateSchedule::LearningRateSchedule(LrScheduleOptions options) : options_(std::move(options)) {
  if (options_.kind != "constant" && options_.kind != "inverse-sqrt" && options_.kind != "plateau")
    throw std::invalid_argument("unknown learning-rate schedule '" + options_.kind + "'");
}

double LearningRateSchedule::at(std::int64_t step) const {
  const double s = static_cast<double>(std::max<std::int64_t>(step, 1));
  const double w = static_cast<double>(options_.warmup_steps);
  if (options_.kind == "inverse-sqrt")
    return w > 0 ? inverse_sqrt_lr_with_peak(static_cast<std::int64_t>(s), options_.warmup_steps, options_.peak)
                 : options_.peak / std::sqrt(s);
  const double warm = w > 0 ? std::min(1.0, s / w) : 1.0;
  if (options_.kind == "plateau") return std::max(options_.min_learning_rate, options_.peak * scale_) * warm;
  return options_.peak * warm;
}

bool LearningRateSchedule::record_validation(bool improved) {
  if (options_.kind != "plateau") return false;
  if (improved) {
    stalled_ = 0;
    return false;
  }
  if (++stalled_ <= options_.plateau_patience) return false;
  stalled_ = 0;
  scale_ *= options_.plateau_factor;
  return true;
}

void LearningRateSchedule::restore(double plateau_scale, std::int64_t stalled) {
  scale_ = plateau_scale;
  stalled_ = stalled;
}

}  // namespace nmt::train
