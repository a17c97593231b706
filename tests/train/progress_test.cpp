// The progress reporter: what a log line says and how the time left is estimated.
#include "nmt/train/progress.h"

#include <gtest/gtest.h>

#include <cmath>

namespace nmt::train {
namespace {

TEST(Progress, DurationsReadAsMinutesOrHours) {
  EXPECT_EQ(format_duration(0), "0:00");
  EXPECT_EQ(format_duration(104.9), "1:44");
  EXPECT_EQ(format_duration(3600), "1:00:00");
  EXPECT_EQ(format_duration(3725), "1:02:05");
  EXPECT_EQ(format_duration(-1), "?");
  EXPECT_EQ(format_duration(INFINITY), "?");
}

TEST(Progress, TheWindowAveragesItsUpdates) {
  ProgressWindow w;
  w.add(600, 100, 0.5, 2);  // summed loss over 100 target tokens, in 0.5 s, gradient norm 2
  w.add(200, 100, 1.5, 4);
  EXPECT_EQ(w.steps(), 2);
  EXPECT_DOUBLE_EQ(w.loss_per_token(), 4);
  EXPECT_DOUBLE_EQ(w.tokens_per_second(), 100);
  EXPECT_DOUBLE_EQ(w.steps_per_second(), 1);
  EXPECT_DOUBLE_EQ(w.mean_grad_norm(), 3);
  w.reset();
  EXPECT_EQ(w.steps(), 0);
}

TEST(Progress, TheEtaIsTheNearestLimit) {
  io::TrainingRecipe t{};
  t.accumulate = 1;
  RunPosition at;
  at.seconds = 100;
  at.step = 50;
  at.batch = {1, 10};
  at.batches_per_epoch = 100;
  EXPECT_TRUE(std::isinf(eta_seconds(t, at, 2.0)));  // no limit
  t.max_seconds = 400;
  EXPECT_DOUBLE_EQ(eta_seconds(t, at, 2.0), 300);
  t.max_steps = 250;  // 200 updates at 2 per second
  EXPECT_DOUBLE_EQ(eta_seconds(t, at, 2.0), 100);
  t.max_epochs = 2;  // 90 batches left in epoch 1
  EXPECT_DOUBLE_EQ(eta_seconds(t, at, 2.0), 45);
  t.accumulate = 3;  // 3 batches per update
  EXPECT_DOUBLE_EQ(eta_seconds(t, at, 2.0), 15);
  // Before the first update there is no rate: the time limit alone.
  EXPECT_DOUBLE_EQ(eta_seconds(t, at, 0.0), 300);
}

TEST(Progress, LogAndBarLinesSayWhereTheRunIs) {
  ProgressWindow w;
  w.add(6156.7, 1000, 0.5, 1);
  RunPosition at;
  at.seconds = 104;
  at.step = 200;
  EXPECT_EQ(log_line(at, w, 0.0005, 255), "step 200 epoch 0 loss 6.1567 lr 0.0005 2000 tok/s elapsed 1:44 ETA 4:15");
  EXPECT_EQ(bar_line(at, w, 0.0005, 255), "step 200 | epoch 0 | 2000 tok/s | loss 6.157 | lr 5.00e-04 | ETA 4:15");
}

}  // namespace
}  // namespace nmt::train
