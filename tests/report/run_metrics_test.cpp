// Reading metrics.jsonl: curves, throughput, how far a run got, resumed runs, bad logs.
#include "nmt/report/run_metrics.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace nmt::report {
namespace {

namespace fs = std::filesystem;

class RunMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nmt-run-metrics-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& text) const {
    const fs::path p = dir_ / "metrics.jsonl";
    std::ofstream(p) << text;
    return p.string();
  }
  fs::path dir_;
};

const char* kLog =
    R"({"event":"train","step":2,"time":1.5,"epoch":0,"train_loss":5.0,"learning_rate":0.01,"tokens_per_second":100.0,"grad_norm":1.0}
{"event":"train","step":4,"time":3.0,"epoch":0,"train_loss":4.0,"learning_rate":0.01,"tokens_per_second":300.0,"grad_norm":1.0}
{"event":"validation","step":4,"time":3.0,"epoch":0,"dev_perplexity":50.5,"dev_bleu":1.25,"best":true}
{"event":"skip","step":5,"time":3.2,"epoch":0,"reason":"non-finite loss"}
{"event":"train","step":6,"time":4.5,"epoch":1,"train_loss":3.0,"learning_rate":0.01,"tokens_per_second":200.0,"grad_norm":1.0}
{"event":"validation","step":8,"time":6.25,"epoch":1,"dev_perplexity":20.0,"dev_bleu":0.5,"best":false}
{"event":"stop","step":8,"time":6.5,"epoch":1,"reason":"max_steps"}
{"event":"test","step":8,"time":6.5,"epoch":1,"test_bleu":3.0,"test_chrf":20.0}
)";

TEST_F(RunMetricsTest, CurvesThroughputAndWhereTheRunStopped) {
  const RunMetrics m = read_run_metrics(write(kLog));
  ASSERT_EQ(m.validations.size(), 2u);
  EXPECT_EQ(m.validations[0].step, 4);
  EXPECT_EQ(m.validations[0].time, 3.0);
  EXPECT_EQ(m.validations[0].dev_perplexity, 50.5);
  EXPECT_EQ(m.validations[1].dev_bleu, 0.5);
  EXPECT_EQ(m.mean_tokens_per_second(), 200.0);
  EXPECT_EQ(m.best_dev_perplexity(), 20.0);
  EXPECT_EQ(m.best_dev_bleu(), 1.25);
  EXPECT_EQ(m.steps, 8);
  EXPECT_EQ(m.training_seconds, 6.5);  // the stop record's time; the test record does not count
  ASSERT_TRUE(m.stop);
  EXPECT_EQ(m.stop->reason, "max_steps");
}

TEST_F(RunMetricsTest, RecordsOfStepsRedoneAfterAResumeReplaceTheOldOnes) {
  // Stopped at step 8, then resumed from the checkpoint of step 4 (the newer one was lost):
  // steps 5 to 8 were trained again.
  const RunMetrics m = read_run_metrics(write(
      R"({"event":"train","step":4,"time":3.0,"epoch":0,"tokens_per_second":100.0}
{"event":"validation","step":4,"time":3.0,"epoch":0,"dev_perplexity":50.0}
{"event":"train","step":8,"time":6.0,"epoch":0,"tokens_per_second":100.0}
{"event":"validation","step":8,"time":6.0,"epoch":0,"dev_perplexity":40.0}
{"event":"stop","step":8,"time":6.0,"epoch":0,"reason":"signal"}
{"event":"train","step":8,"time":5.0,"epoch":0,"tokens_per_second":400.0}
{"event":"validation","step":8,"time":5.0,"epoch":0,"dev_perplexity":30.0}
{"event":"train","step":12,"time":7.0,"epoch":0,"tokens_per_second":400.0}
)"));
  ASSERT_EQ(m.validations.size(), 2u);
  EXPECT_EQ(m.validations[1].dev_perplexity, 30.0);
  EXPECT_EQ(m.validations[1].time, 5.0);
  EXPECT_FALSE(m.validations[1].dev_bleu);
  EXPECT_FALSE(m.best_dev_bleu());
  EXPECT_EQ(m.mean_tokens_per_second(), 300.0);  // 100, 400, 400
  EXPECT_EQ(m.steps, 12);
  EXPECT_EQ(m.training_seconds, 7.0);
  EXPECT_FALSE(m.stop) << "training went on after the stop record";
}

TEST_F(RunMetricsTest, FinishedMeansALimitOfTheRecipeIsReached) {
  const RunMetrics m = read_run_metrics(write(kLog));  // stopped at step 8, 6.5 s, epoch 1
  io::TrainingRecipe t{};
  t.max_steps = 8;
  EXPECT_TRUE(run_finished(m, t));
  t.max_steps = 9;
  EXPECT_FALSE(run_finished(m, t)) << "a raised limit means more training";
  t.max_seconds = 6.5;
  EXPECT_TRUE(run_finished(m, t));
  t.max_seconds = 0;
  t.max_epochs = 1;
  EXPECT_TRUE(run_finished(m, t));
  t.max_epochs = 2;
  EXPECT_FALSE(run_finished(m, t));
  const RunMetrics early =
      read_run_metrics(write(R"({"event":"stop","step":3,"time":1.0,"epoch":0,"reason":"early_stopping"})"
                             "\n"));
  EXPECT_TRUE(run_finished(early, t));
  const RunMetrics signalled =
      read_run_metrics(write(R"({"event":"stop","step":3,"time":1.0,"epoch":0,"reason":"signal"})"
                             "\n"));
  EXPECT_FALSE(run_finished(signalled, t));
}

TEST_F(RunMetricsTest, BadLogsAreErrorsNamingFileAndLine) {
  const auto message = [&](const std::string& text) {
    try {
      read_run_metrics(write(text));
    } catch (const ReportError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string path = (dir_ / "metrics.jsonl").string();
  EXPECT_EQ(message(""), path + ": no records: the run has not trained yet");
  EXPECT_EQ(message("{\"event\":\"train\",\"step\":2,\"time\":1}\n{oops\n"),
            path + ":1: a 'train' record without \"tokens_per_second\"");
  EXPECT_EQ(message("\n{oops\n"), path + ":2: not a JSON object");
  EXPECT_EQ(message("{\"event\":\"validation\",\"step\":2,\"time\":1,\"dev_perplexity\":\"x\"}\n"),
            path + ":1: \"dev_perplexity\" is not a number");
  EXPECT_EQ(message("{\"event\":\"nap\",\"step\":2,\"time\":1}\n"), path + ":1: unknown event 'nap'");
  EXPECT_EQ(message("{\"step\":2}\n"), path + ":1: a record without an \"event\"");
  try {
    read_run_metrics((dir_ / "absent.jsonl").string());
    FAIL();
  } catch (const ReportError& e) {
    EXPECT_NE(std::string(e.what()).find((dir_ / "absent.jsonl").string() + ": cannot open"), std::string::npos);
  }
}

}  // namespace
}  // namespace nmt::report
