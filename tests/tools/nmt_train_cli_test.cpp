// nmt-train from the command line: help, errors with exit codes, and a real SIGTERM that
// leaves a checkpoint the next run resumes from.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "nmt/graph/cpu_info.h"

namespace {

namespace fs = std::filesystem;
const std::string kProgram = std::string(NMT_BINARY_DIR) + "/bin/nmt-train";

struct Result {
  int status;
  std::string output;  // stdout and stderr
};

Result run(const std::string& arguments, const std::string& directory = NMT_SOURCE_DIR) {
  const std::string command = "cd " + directory + " && " + kProgram + " " + arguments + " 2>&1";
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

std::string text_of(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Starts nmt-train in the background on the tiny recipe (with its own run directory and no
// step limit) and waits until `ready` (a file of the run directory) has a line; returns its pid.
pid_t start_training(const fs::path& run_dir, const std::vector<std::string>& extra = {},
                     const std::string& ready = "metrics.jsonl") {
  const pid_t child = ::fork();
  if (child != 0) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream metrics(run_dir / ready);
      std::string line;
      if (std::getline(metrics, line)) return child;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(child, SIGKILL);
    return -1;
  }
  if (::chdir(NMT_SOURCE_DIR) != 0) ::_exit(100);
  const std::string out = "output.directory=" + run_dir.string();
  std::freopen("/dev/null", "w", stdout);
  std::freopen((run_dir.string() + ".stderr").c_str(), "w", stderr);
  std::vector<const char*> argv{
      kProgram.c_str(), "recipes/tiny.yaml",          "--set", out.c_str(),
      "--set",          "training.max_steps=1000000", "--set", "validation.every_steps=1000000"};
  for (const auto& e : extra) argv.push_back(e.c_str());
  argv.push_back(nullptr);
  ::execv(kProgram.c_str(), const_cast<char* const*>(argv.data()));
  ::_exit(101);
}

int wait_for(pid_t child) {
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_F(NmtTrainCli, HelpAndUsageErrors) {
  EXPECT_EQ(run("--help").status, 0);
  const Result version = run("--version");
  EXPECT_EQ(version.status, 0);
  EXPECT_NE(version.output.find("nmt-train (nmt "), std::string::npos) << version.output;
  EXPECT_NE(version.output.find(", commit "), std::string::npos) << version.output;
  EXPECT_NE(version.output.find("\noneDNN 2."), std::string::npos) << version.output;
  EXPECT_EQ(run("recipes/tiny.yaml --set training.max_steps").status, 2);
  EXPECT_EQ(run("recipes/tiny.yaml --set training=1").status, 2);
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
  EXPECT_NE(
      bad.output.find(recipe.string() + ":5:3: unknown key 'training.max_step' (did you mean 'training.max_steps'?)"),
      std::string::npos)
      << bad.output;
  const Result missing = run("recipes/tiny.yaml --set data.train_source=/nonexistent.en --set output.directory=" +
                             (dir_ / "run").string());
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.output.find("/nonexistent.en"), std::string::npos) << missing.output;
  // A mistake in an override is one on the command line (exit 2), as the help says.
  const Result override = run("recipes/tiny.yaml --set training.threads=zero");
  EXPECT_EQ(override.status, 2);
  EXPECT_NE(override.output.find("--set training.threads=zero: training.threads: expected a whole number"),
            std::string::npos)
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
            std::string::npos)
      << log_text.str();
  EXPECT_NE(resumed.output.find("resuming from " + (run_dir / "checkpoints" / newest).string()), std::string::npos)
      << resumed.output;
  EXPECT_NE(resumed.output.find("stopped at step " + std::to_string(step + 2) + " (max_steps)"), std::string::npos)
      << resumed.output;
}

TEST_F(NmtTrainCli, TheAdversarialCasesOfIssue14) {
  const std::string out = " --set output.directory=" + (dir_ / "run").string();
  // A run that stops before its first validation saves its trained model, not step 0's.
  const Result early = run("recipes/tiny.yaml --set training.max_steps=6 --set validation.every_steps=1000" + out);
  EXPECT_EQ(early.status, 0) << early.output;
  EXPECT_NE(early.output.find("model.nmt is the model of step 6"), std::string::npos) << early.output;
  EXPECT_NE(early.output.find("model.nmt (step 6)"), std::string::npos) << early.output;
  // A test split whose two sides differ in length is refused before training, naming both.
  const Result test = run("recipes/tiny.yaml --set data.test_target=tests/data/tiny/train.fr" + out + "2");
  EXPECT_EQ(test.status, 1);
  EXPECT_NE(test.output.find("data.test_source " + std::string(NMT_SOURCE_DIR) + "/tests/data/tiny/dev.en has 8 lines"),
            std::string::npos)
      << test.output;
  EXPECT_FALSE(fs::exists(dir_ / "run2"));
  // Tied embeddings over two unrelated vocabularies.
  const Result tied =
      run("recipes/tiny.yaml --set model.type=transformer --set model.tie_embeddings=true --set "
          "data.joint_vocabulary=false" +
          out + "3");
  EXPECT_EQ(tied.status, 1);
  EXPECT_NE(tied.output.find("model.tie_embeddings: true needs data.joint_vocabulary: true"), std::string::npos)
      << tied.output;
}

TEST_F(NmtTrainCli, ValidateOnlyChecksEverythingAndWritesNothing) {
  const std::string out = " --set output.directory=" + (dir_ / "run").string();
  const Result ok = run("recipes/tiny.yaml --validate-only" + out);
  EXPECT_EQ(ok.status, 0) << ok.output;
  EXPECT_NE(ok.output.find("recipes/tiny.yaml: valid; 40 training pairs, a dev set, 8 test sentences"),
            std::string::npos)
      << ok.output;
  EXPECT_FALSE(fs::exists(dir_ / "run"));
  const Result bad = run("recipes/tiny.yaml --validate-only --set data.test_target=/nonexistent.fr" + out);
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.output.find("/nonexistent.fr"), std::string::npos) << bad.output;
  const Result heads = run("recipes/tiny.yaml --validate-only --set model.type=transformer --set model.heads=3" + out);
  EXPECT_EQ(heads.status, 1);
  EXPECT_NE(heads.output.find("heads"), std::string::npos) << heads.output;
  EXPECT_FALSE(fs::exists(dir_ / "run"));
}

TEST_F(NmtTrainCli, QuietAndLogFile) {
  const fs::path log = dir_ / "my.log";
  fs::create_directories(dir_);
  const Result quiet = run("recipes/tiny.yaml --quiet --log " + log.string() + " --set training.max_steps=4" +
                           " --set output.translate_test=false --set output.directory=" + (dir_ / "run").string());
  EXPECT_EQ(quiet.status, 0) << quiet.output;
  EXPECT_EQ(quiet.output.find("step 2 epoch"), std::string::npos) << quiet.output;
  EXPECT_NE(quiet.output.find("run directory:"), std::string::npos) << quiet.output;
  EXPECT_NE(text_of(log).find("step 2 epoch"), std::string::npos) << text_of(log);
  EXPECT_NE(text_of(dir_ / "run" / "train.log").find("step 2 epoch"), std::string::npos);
  EXPECT_EQ(run("recipes/tiny.yaml --log /nonexistent/dir/x.log").status, 2);
}

TEST_F(NmtTrainCli, ASecondNmtTrainOnARunDirectoryRefusesNamingTheFirst) {
  fs::create_directories(dir_);
  const fs::path run_dir = dir_ / "run";
  const pid_t first = start_training(run_dir);
  ASSERT_GT(first, 0) << text_of(run_dir.string() + ".stderr");
  const Result second = run(run_dir.string());
  EXPECT_EQ(second.status, 1) << second.output;
  EXPECT_NE(second.output.find("is in use by another nmt-train (process " + std::to_string(first) + ")"),
            std::string::npos)
      << second.output;
  ::kill(first, SIGKILL);
  wait_for(first);
  // kill -9 leaves no stale lock: the run resumes.
  const Result resumed = run(run_dir.string() + " --set training.max_steps=1 --set output.translate_test=false");
  EXPECT_EQ(resumed.status, 0) << resumed.output;
}

TEST_F(NmtTrainCli, ARunDirectoryResumesFromAnyPathAndWorkingDirectoryAndWhenMoved) {
  const fs::path run_dir = dir_ / "run";
  const std::string out = " --set output.translate_test=false --set output.directory=" + run_dir.string();
  ASSERT_EQ(run("recipes/tiny.yaml --set training.max_steps=2" + out).status, 0);
  // The recipe again, with the directory written another way.
  Result r =
      run("recipes/tiny.yaml --set training.max_steps=3 --set output.translate_test=false --set output.directory=" +
          run_dir.string() + "/");
  EXPECT_EQ(r.status, 0) << r.output;
  // The run directory with a trailing slash, from another working directory.
  r = run(run_dir.string() + "/ --set training.max_steps=4", "/");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("stopped at step 4"), std::string::npos) << r.output;
  // Moved, and given relative to the new working directory.
  fs::rename(run_dir, dir_ / "moved");
  r = run("./moved --set training.max_steps=5", dir_.string());
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("stopped at step 5"), std::string::npos) << r.output;
}

TEST_F(NmtTrainCli, ASecondStopSignalStopsAtOnce) {
  // Data preparation (here SentencePiece training on the 31k-pair corpus, a few seconds) cannot
  // stop half-way: the first signal says so, and a second one stops at once. It used to wait
  // for the end of data preparation, and then train a step and validate.
  fs::create_directories(dir_);
  const fs::path run_dir = dir_ / "run";
  const pid_t child = start_training(run_dir,
                                     {"--set", "data.train_source=corpora/en-fr/train.en.gz", "--set",
                                      "data.train_target=corpora/en-fr/train.fr.gz", "--set", "data.vocab_size=4000"},
                                     "train.log");
  ASSERT_GT(child, 0);
  ASSERT_EQ(::kill(child, SIGINT), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_EQ(::kill(child, SIGINT), 0);
  EXPECT_EQ(wait_for(child), 128 + SIGINT);
  const std::string err = text_of(run_dir.string() + ".stderr");
  EXPECT_NE(err.find("stopping at the next safe point (signal again to stop at once)"), std::string::npos) << err;
  EXPECT_NE(err.find("second stop signal: stopping at once"), std::string::npos) << err;
  EXPECT_EQ(text_of(run_dir / "train.log").find(" kept, "), std::string::npos) << "data preparation ended first";
}

}  // namespace
