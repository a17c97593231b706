// nmt-train from the command line: help, errors with exit codes, and a real SIGTERM that
// leaves a checkpoint the next run resumes from.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "nmt/graph/cpu_info.h"

namespace {

namespace fs = std::filesystem;
const std::string kProgram = std::string(NMT_BINARY_DIR) + "/bin/nmt-train";

struct Result {
  int status;
  std::string output;  // stdout and stderr
};

Result run(const std::string& arguments) {
  const std::string command = "cd " + std::string(NMT_SOURCE_DIR) + " && " + kProgram + " " + arguments + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

class NmtTrainCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nmt-train-cli-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(NmtTrainCli, HelpAndUsageErrors) {
  EXPECT_EQ(run("--help").status, 0);
  const Result none = run("");
  EXPECT_EQ(none.status, 2);
  EXPECT_NE(none.output.find("give a recipe file or a run directory"), std::string::npos) << none.output;
  EXPECT_EQ(run("recipes/tiny.yaml --frobnicate").status, 2);
}

TEST_F(NmtTrainCli, BadRecipesAndDataAreErrorsNamingTheirSource) {
  fs::create_directories(dir_);
  const fs::path recipe = dir_ / "bad.yaml";
  std::ofstream(recipe) << "data:\n  train_source: a\n  train_target: b\ntraining:\n  max_step: 3\n";
  const Result bad = run(recipe.string());
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.output.find(recipe.string() + ":5:3: unknown key 'training.max_step' (did you mean 'training.max_steps'?)"),
            std::string::npos)
      << bad.output;
  const Result missing = run("recipes/tiny.yaml --set data.train_source=/nonexistent.en --set output.directory=" +
                             (dir_ / "run").string());
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.output.find("/nonexistent.en"), std::string::npos) << missing.output;
  const Result override = run("recipes/tiny.yaml --set training.threads=zero");
  EXPECT_EQ(override.status, 1);
  EXPECT_NE(override.output.find("--set training.threads=zero: training.threads: expected a whole number"), std::string::npos)
      << override.output;
}

TEST_F(NmtTrainCli, SigtermWritesACheckpointAndTheRunDirectoryResumes) {
  const fs::path run_dir = dir_ / "run";
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (::chdir(NMT_SOURCE_DIR) != 0) ::_exit(100);
    const std::string out = "output.directory=" + run_dir.string();
    std::freopen("/dev/null", "w", stderr);
    std::freopen("/dev/null", "w", stdout);
    ::execl(kProgram.c_str(), kProgram.c_str(), "recipes/tiny.yaml", "--set", out.c_str(), "--set",
            "training.max_steps=1000000", "--set", "validation.every_steps=1000000", nullptr);
    ::_exit(101);
  }
  // Wait until training is under way (the first metrics record), then ask it to stop.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  bool training = false;
  while (!training && std::chrono::steady_clock::now() < deadline) {
    std::ifstream metrics(run_dir / "metrics.jsonl");
    std::string line;
    training = static_cast<bool>(std::getline(metrics, line));
    if (!training) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(training) << "nmt-train did not start training";
  ASSERT_EQ(::kill(child, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGTERM);
  // The newest checkpoint is past step 0, and a run on the directory continues from it.
  std::string newest;
  for (const auto& e : fs::directory_iterator(run_dir / "checkpoints"))
    newest = std::max(newest, e.path().filename().string());
  const long step = std::stol(newest.substr(5, 10));
  EXPECT_GT(step, 0) << newest;
  const Result resumed = run(run_dir.string() + " --set training.max_steps=" + std::to_string(step + 2) +
                             " --set output.translate_test=false");
  EXPECT_EQ(resumed.status, 0) << resumed.output;
  // Every start logs the CPU and the instruction set oneDNN dispatches to, so that each figure
  // names the machine it was measured on.
  std::ifstream log(run_dir / "train.log");
  std::stringstream log_text;
  log_text << log.rdbuf();
  EXPECT_NE(log_text.str().find("cpu: " + nmt::graph::cpu_model_name() + " (" + nmt::graph::onednn_cpu_isa() + "), "),
            std::string::npos) << log_text.str();
  EXPECT_NE(resumed.output.find("resuming from " + (run_dir / "checkpoints" / newest).string()), std::string::npos)
      << resumed.output;
  EXPECT_NE(resumed.output.find("stopped at step " + std::to_string(step + 2) + " (max_steps)"), std::string::npos)
      << resumed.output;
}

}  // namespace
