#include "nmt/train/schedule.h"

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

double inverse_sqrt_lr(std::int64_t step, std::int64_t warmup_steps, double d_model, double factor) {
  check(step, warmup_steps);
  if (!(d_model > 0)) throw std::invalid_argument("learning-rate schedule: d_model must be positive");
  if (step == 0) return 0.0;
  const double s = static_cast<double>(step), w = static_cast<double>(warmup_steps);
  return factor * std::pow(d_model, -0.5) * std::min(std::pow(s, -0.5), s * std::pow(w, -1.5));  // eq. 3
}

double inverse_sqrt_lr_with_peak(std::int64_t step, std::int64_t warmup_steps, double peak) {
  check(step, warmup_steps);
  const double s = static_cast<double>(step), w = static_cast<double>(warmup_steps);
  return peak * std::min(s / w, std::sqrt(w / std::max(s, 1.0)));
}

}  // namespace nmt::train
