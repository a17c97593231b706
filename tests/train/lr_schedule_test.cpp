// The learning-rate schedules the trainer uses: the inverse-square-root schedule against
// Vaswani et al. (2017, eq. 3) computed by hand, warm-up, and decay on plateau.
#include "nmt/train/lr_schedule.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace nmt::train {
namespace {

// Vaswani et al. (2017), eq. 3, as the paper writes it.
double equation_three(std::int64_t step, std::int64_t warmup_steps, double d_model) {
  const double s = static_cast<double>(step), w = static_cast<double>(warmup_steps);
  return std::pow(d_model, -0.5) * std::min(std::pow(s, -0.5), s * std::pow(w, -1.5));
}

TEST(InverseSqrtLr, FollowsEquationThree) {
  // d_model 512, warm-up 4000 (the paper's base model): peak 512^-0.5 * 4000^-0.5 at step 4000.
  const double peak = 1.0 / std::sqrt(512.0 * 4000.0);
  EXPECT_NEAR(inverse_sqrt_lr_with_peak(4000, 4000, peak), peak, 1e-12);
  // Warm-up: linear in the step.
  EXPECT_NEAR(inverse_sqrt_lr_with_peak(1, 4000, peak), peak / 4000, 1e-15);
  EXPECT_NEAR(inverse_sqrt_lr_with_peak(1000, 4000, peak), peak / 4, 1e-12);
  // Decay: step^-0.5 after the warm-up, so 4x the steps halves the rate.
  EXPECT_NEAR(inverse_sqrt_lr_with_peak(16000, 4000, peak), peak / 2, 1e-12);
  EXPECT_NEAR(inverse_sqrt_lr_with_peak(16000, 4000, peak), 1.0 / std::sqrt(512.0 * 16000.0), 1e-12);
  for (std::int64_t step : {1, 17, 400, 3999, 4000, 4001, 5000, 123456})
    EXPECT_NEAR(inverse_sqrt_lr_with_peak(step, 4000, peak), equation_three(step, 4000, 512), 1e-12) << step;
  // The peak scales the curve: for d_model 256, warm-up 800, eq. 3 times 7e-4 sqrt(256 * 800).
  for (std::int64_t step : {1, 17, 400, 800, 801, 5000, 123456})
    EXPECT_NEAR(inverse_sqrt_lr_with_peak(step, 800, 7e-4),
                7e-4 * std::sqrt(256.0 * 800.0) * equation_three(step, 800, 256), 1e-12)
        << step;
  EXPECT_EQ(inverse_sqrt_lr_with_peak(0, 4000, peak), 0.0);
}

TEST(InverseSqrtLr, RisesThenFalls) {
  double previous = 0;
  for (std::int64_t step = 1; step <= 100; ++step) {
    const double lr = inverse_sqrt_lr_with_peak(step, 50, 1e-3);
    if (step <= 50) {
      EXPECT_GT(lr, previous) << step;
    } else {
      EXPECT_LT(lr, previous) << step;
    }
    previous = lr;
  }
}

TEST(InverseSqrtLr, RejectsBadArguments) {
  EXPECT_THROW(inverse_sqrt_lr_with_peak(1, 0, 1e-3), std::invalid_argument);
  EXPECT_THROW(inverse_sqrt_lr_with_peak(-1, 10, 1e-3), std::invalid_argument);
}

TEST(LearningRateSchedule, ConstantWarmsUpLinearlyThenHolds) {
  const LearningRateSchedule constant({.kind = "constant", .peak = 1e-3, .warmup_steps = 4});
  EXPECT_DOUBLE_EQ(constant.at(1), 0.25e-3);
  EXPECT_DOUBLE_EQ(constant.at(3), 0.75e-3);
  EXPECT_DOUBLE_EQ(constant.at(4), 1e-3);
  EXPECT_DOUBLE_EQ(constant.at(1000), 1e-3);
  EXPECT_DOUBLE_EQ(LearningRateSchedule({.kind = "constant", .peak = 1e-3}).at(1), 1e-3);
}

TEST(LearningRateSchedule, InverseSqrtPeaksAtTheEndOfTheWarmUp) {
  const LearningRateSchedule s({.kind = "inverse-sqrt", .peak = 2e-3, .warmup_steps = 800});
  EXPECT_DOUBLE_EQ(s.at(400), 1e-3);
  EXPECT_DOUBLE_EQ(s.at(800), 2e-3);
  EXPECT_DOUBLE_EQ(s.at(3200), 1e-3);
  // Without a warm-up: peak / sqrt(step).
  EXPECT_DOUBLE_EQ(LearningRateSchedule({.kind = "inverse-sqrt", .peak = 2e-3}).at(4), 1e-3);
}

TEST(LearningRateSchedule, PlateauLowersAfterPatienceRunsOutAndNeverBelowTheFloor) {
  LearningRateSchedule s(
      {.kind = "plateau", .peak = 1e-3, .plateau_factor = 0.5, .plateau_patience = 1, .min_learning_rate = 3e-4});
  EXPECT_FALSE(s.record_validation(false));  // one stalled validation is within the patience
  EXPECT_DOUBLE_EQ(s.at(10), 1e-3);
  EXPECT_TRUE(s.record_validation(false));  // the second in a row lowers the rate
  EXPECT_DOUBLE_EQ(s.at(10), 0.5e-3);
  EXPECT_FALSE(s.record_validation(true));  // an improvement resets the count
  EXPECT_FALSE(s.record_validation(false));
  EXPECT_TRUE(s.record_validation(false));
  EXPECT_DOUBLE_EQ(s.at(10), 3e-4);  // 0.25e-3 would be below the floor
  // A checkpoint restores the state exactly.
  LearningRateSchedule restored(
      {.kind = "plateau", .peak = 1e-3, .plateau_factor = 0.5, .plateau_patience = 1, .min_learning_rate = 3e-4});
  restored.restore(s.plateau_scale(), s.validations_without_improvement());
  EXPECT_DOUBLE_EQ(restored.at(10), s.at(10));
}

TEST(LearningRateSchedule, RejectsAnUnknownKind) {
  EXPECT_THROW(LearningRateSchedule({.kind = "cosine"}), std::invalid_argument);
}

}  // namespace
}  // namespace nmt::train
