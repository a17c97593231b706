// The inverse-square-root schedule against Vaswani et al. (2017, eq. 3) computed by hand.
#include <cmath>
#include <stdexcept>

#include <gtest/gtest.h>

#include "nmt/train/schedule.h"

namespace nmt::train {
namespace {

TEST(InverseSqrtLr, FollowsEquationThree) {
  // d_model 512, warm-up 4000 (the paper's base model): peak 512^-0.5 * 4000^-0.5 at step 4000.
  const double peak = 1.0 / std::sqrt(512.0 * 4000.0);
  EXPECT_NEAR(inverse_sqrt_lr(4000, 4000, 512), peak, 1e-12);
  // Warm-up: linear in the step.
  EXPECT_NEAR(inverse_sqrt_lr(1, 4000, 512), peak / 4000, 1e-15);
  EXPECT_NEAR(inverse_sqrt_lr(1000, 4000, 512), peak / 4, 1e-12);
  // Decay: step^-0.5 after the warm-up, so 4x the steps halves the rate.
  EXPECT_NEAR(inverse_sqrt_lr(16000, 4000, 512), peak / 2, 1e-12);
  EXPECT_NEAR(inverse_sqrt_lr(16000, 4000, 512), 1.0 / std::sqrt(512.0 * 16000.0), 1e-12);
  EXPECT_DOUBLE_EQ(inverse_sqrt_lr(16000, 4000, 512, 2.0), 2 * inverse_sqrt_lr(16000, 4000, 512));
  EXPECT_EQ(inverse_sqrt_lr(0, 4000, 512), 0.0);
}

TEST(InverseSqrtLr, RisesThenFalls) {
  double previous = 0;
  for (std::int64_t step = 1; step <= 100; ++step) {
    const double lr = inverse_sqrt_lr(step, 50, 256);
    if (step <= 50) {
      EXPECT_GT(lr, previous) << step;
    } else {
      EXPECT_LT(lr, previous) << step;
    }
    previous = lr;
  }
}

TEST(InverseSqrtLr, PeakFormIsTheSameCurve) {
  const double d_model = 256, warmup = 800, peak = 7e-4;
  const double factor = peak * std::sqrt(d_model * warmup);
  for (std::int64_t step : {1, 17, 400, 800, 801, 5000, 123456}) {
    EXPECT_NEAR(inverse_sqrt_lr_with_peak(step, 800, peak), inverse_sqrt_lr(step, 800, d_model, factor), 1e-12)
        << step;
  }
  EXPECT_DOUBLE_EQ(inverse_sqrt_lr_with_peak(800, 800, peak), peak);
  EXPECT_EQ(inverse_sqrt_lr_with_peak(0, 800, peak), 0.0);
}

TEST(InverseSqrtLr, RejectsBadArguments) {
  EXPECT_THROW(inverse_sqrt_lr(1, 0, 512), std::invalid_argument);
  EXPECT_THROW(inverse_sqrt_lr(-1, 10, 512), std::invalid_argument);
  EXPECT_THROW(inverse_sqrt_lr(1, 10, 0), std::invalid_argument);
  EXPECT_THROW(inverse_sqrt_lr_with_peak(1, 0, 1e-3), std::invalid_argument);
}

}  // namespace
}  // namespace nmt::train
