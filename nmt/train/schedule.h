// Learning-rate schedules the trainer calls once per update.
#pragma once

#include <cstdint>

namespace nmt::train {

// The inverse-square-root schedule with linear warm-up of Vaswani et al. (2017, eq. 3):
//
//   lrate = d_model^-0.5 * min(step^-0.5, step * warmup_steps^-1.5)
//
// times `factor` (1 in the paper). It rises linearly to its peak
// factor * (d_model * warmup_steps)^-0.5 at step == warmup_steps and then decays as step^-0.5.
// `step` counts updates from 1 (step 0 gives 0); warmup_steps >= 1 and d_model > 0, else
// std::invalid_argument.
double inverse_sqrt_lr(std::int64_t step, std::int64_t warmup_steps, double d_model, double factor = 1.0);

// The same shape with the peak given directly instead of through d_model:
//
//   lrate = peak * min(step / warmup_steps, sqrt(warmup_steps / step))
//
// which equals inverse_sqrt_lr with factor = peak * sqrt(d_model * warmup_steps).
double inverse_sqrt_lr_with_peak(std::int64_t step, std::int64_t warmup_steps, double peak);

}  // namespace nmt::train
