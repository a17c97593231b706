// The trainer on the tiny recipe: a stopped and resumed run ends bit for bit like an
// uninterrupted one; a run directory refuses a different recipe; the metrics log is one JSON
// object per line; a stop request writes a checkpoint; damaged files are clear errors.
#include "nmt/train/trainer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "nmt/graph/cpu_info.h"
#include "nmt/graph/precision.h"
#include "nmt/graph/tensor_io.h"
#include "nmt/io/section_file.h"
#include "nmt/models/saved_model.h"

namespace nmt::train {
namespace {

namespace fs = std::filesystem;

class TrainerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::chdir(NMT_SOURCE_DIR), 0);
    base_ = fs::temp_directory_path() / ("nmt-trainer-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
  }
  void TearDown() override {
    request_stop(0);
    fs::remove_all(base_);
  }
  io::Recipe tiny(const std::string& run, std::vector<std::string> overrides) const {
    overrides.push_back("output.directory=" + (base_ / run).string());
    return io::load_recipe("recipes/tiny.yaml", overrides);
  }
  TrainingSummary train(const io::Recipe& recipe) {
    std::ostringstream log;
    Trainer trainer(recipe, log, false);
    TrainingSummary s = trainer.run();
    log_ = log.str();
    return s;
  }
  fs::path newest_checkpoint(const std::string& run) const {
    fs::path newest;
    for (const auto& e : fs::directory_iterator(base_ / run / "checkpoints"))
      if (newest.empty() || e.path().filename() > newest.filename()) newest = e.path();
    return newest;
  }
  void expect_resumed_run_ends_like_an_uninterrupted_one(const std::string& prefix,
                                                         const std::vector<std::string>& overrides);
  fs::path base_;
  std::string log_;
};

// Trains the tiny recipe (with `overrides`) 10 steps straight and 6 + 4 steps stopped and resumed
// (run directories `prefix`straight and `prefix`resumed) and expects the same checkpoint.
void TrainerTest::expect_resumed_run_ends_like_an_uninterrupted_one(const std::string& prefix,
                                                                    const std::vector<std::string>& overrides) {
  const auto with = [&](const char* steps) {
    std::vector<std::string> all = overrides;
    all.push_back(steps);
    return all;
  };
  const std::string straight = prefix + "straight", resumed = prefix + "resumed";
  train(tiny(straight, with("training.max_steps=10")));
  EXPECT_EQ(train(tiny(resumed, with("training.max_steps=6"))).steps, 6);
  EXPECT_EQ(train(tiny(resumed, with("training.max_steps=10"))).steps, 10);
  EXPECT_NE(log_.find("resuming from"), std::string::npos) << log_;
  const io::Sections a = io::read_section_file(newest_checkpoint(straight).string(), "checkpoint");
  const io::Sections b = io::read_section_file(newest_checkpoint(resumed).string(), "checkpoint");
  EXPECT_EQ(newest_checkpoint(straight).filename(), newest_checkpoint(resumed).filename());
  EXPECT_TRUE(io::section(a, "parameters", "a") == io::section(b, "parameters", "b")) << "parameters differ";
  EXPECT_TRUE(io::section(a, "optimizer", "a") == io::section(b, "optimizer", "b")) << "optimizer moments differ";
  auto state_a = nlohmann::json::parse(io::section(a, "trainer", "a"));
  auto state_b = nlohmann::json::parse(io::section(b, "trainer", "b"));
  // Which model.nmt holds may differ: the resumed run also validated when it stopped at step 6.
  for (const char* key : {"seconds", "has_model", "model_metric", "model_step"}) {
    state_a.erase(key);
    state_b.erase(key);
  }
  EXPECT_EQ(state_a, state_b);
}

TEST_F(TrainerTest, StoppedAndResumedRunEndsBitForBitLikeAnUninterruptedOne) {
  expect_resumed_run_ends_like_an_uninterrupted_one("", {});
}

TEST_F(TrainerTest, ABf16RunResumesBitForBitAndTrainsOtherwiseThanF32) {
  const std::vector<std::string> bf16{"training.precision=bf16"};
  if (const std::string reason = graph::precision_unavailable_reason(graph::Precision::bf16); !reason.empty()) {
    try {
      train(tiny("refused", bf16));
      ADD_FAILURE() << "a bf16 recipe trained on a CPU without bf16";
    } catch (const io::RecipeError& e) {
      EXPECT_EQ(std::string(e.what()), "recipes/tiny.yaml: training.precision bf16: " + reason);
    }
    GTEST_SKIP() << reason;
  }
  expect_resumed_run_ends_like_an_uninterrupted_one("bf16-", bf16);
  EXPECT_NE(log_.find("products in bf16 (linear layers on "), std::string::npos) << log_;
  // Checkpoints and model files stay f32, and the bf16 products change what is learnt.
  train(tiny("f32", {"training.max_steps=10"}));
  const io::Sections a = io::read_section_file(newest_checkpoint("bf16-straight").string(), "checkpoint");
  const io::Sections b = io::read_section_file(newest_checkpoint("f32").string(), "checkpoint");
  EXPECT_EQ(io::section(a, "parameters", "a").size(), io::section(b, "parameters", "b").size());
  EXPECT_FALSE(io::section(a, "parameters", "a") == io::section(b, "parameters", "b"));
}

TEST_F(TrainerTest, AutoPrecisionTrainsAsBf16WhereTheCpuHasItAndAsF32WithAWarningElsewhere) {
  const bool has_bf16 = graph::precision_unavailable_reason(graph::Precision::bf16).empty();
  train(tiny("auto", {"training.precision=auto", "training.max_steps=4"}));
  const std::string auto_log = log_;
  train(tiny("named", {has_bf16 ? "training.precision=bf16" : "training.precision=f32", "training.max_steps=4"}));
  const io::Sections a = io::read_section_file(newest_checkpoint("auto").string(), "checkpoint");
  const io::Sections b = io::read_section_file(newest_checkpoint("named").string(), "checkpoint");
  EXPECT_TRUE(io::section(a, "parameters", "a") == io::section(b, "parameters", "b"))
      << "auto did not train as " << (has_bf16 ? "bf16" : "f32");
  if (has_bf16) {
    EXPECT_NE(auto_log.find("products in bf16 (linear layers on "), std::string::npos) << auto_log;
    EXPECT_EQ(auto_log.find("auto runs f32"), std::string::npos) << auto_log;
  } else {
    EXPECT_NE(auto_log.find("training.precision auto runs f32 on this CPU"), std::string::npos) << auto_log;
  }
}

TEST_F(TrainerTest, TheThreadCountMayChangeOnResumeAndChangesNoResult) {
  // Not on AVX2: oneDNN's AVX2 sgemm splits a long sum between threads (a [64 x 4096] x
  // [4096 x 64] product differs in its last bits between 1 and 2 threads, AMD EPYC avx2,
  // 2026-12-08); its AVX-512 kernels split no sum (docs/recipes.md).
  if (graph::onednn_cpu_isa().rfind("avx512", 0) != 0)
    GTEST_SKIP() << "on " << graph::onednn_cpu_isa() << " the thread count changes the last bits of long sums";
  train(tiny("straight", {"training.max_steps=8", "training.threads=1"}));
  train(tiny("resumed", {"training.max_steps=4", "training.threads=1"}));
  train(tiny("resumed", {"training.max_steps=8", "training.threads=2"}));
  const io::Sections a = io::read_section_file(newest_checkpoint("straight").string(), "checkpoint");
  const io::Sections b = io::read_section_file(newest_checkpoint("resumed").string(), "checkpoint");
  EXPECT_TRUE(io::section(a, "parameters", "a") == io::section(b, "parameters", "b")) << "parameters differ";
}

// The parameters section of model.nmt and of the newest checkpoint: equal when model.nmt is
// the model of the run's last step.
bool model_file_is_the_last_step(const fs::path& run, const fs::path& newest) {
  const io::Sections model = io::read_section_file((run / "model.nmt").string(), "model");
  const io::Sections checkpoint = io::read_section_file(newest.string(), "checkpoint");
  return io::section(model, "parameters", "model") == io::section(checkpoint, "parameters", "checkpoint");
}

nlohmann::json stop_record(const fs::path& run) {
  std::ifstream in(run / "metrics.jsonl");
  std::string line;
  nlohmann::json stop;
  while (std::getline(in, line))
    if (const auto record = nlohmann::json::parse(line); record["event"] == "stop") stop = record;
  return stop;
}

TEST_F(TrainerTest, ARunThatStopsBeforeItsFirstValidationSavesItsTrainedModel) {
  // The repro: no scheduled validation before max_steps. model.nmt used to stay the
  // untrained model of step 0.
  const TrainingSummary s = train(tiny("run", {"training.max_steps=6", "validation.every_steps=1000"}));
  EXPECT_TRUE(s.has_model);
  EXPECT_EQ(s.model_step, 6);
  EXPECT_NE(log_.find("final validation at step 6"), std::string::npos) << log_;
  EXPECT_NE(log_.find("model.nmt is the model of step 6 (the best dev BLEU"), std::string::npos) << log_;
  EXPECT_TRUE(model_file_is_the_last_step(base_ / "run", newest_checkpoint("run")));
  EXPECT_EQ(stop_record(base_ / "run")["model_step"], 6);
  std::ifstream scores(base_ / "run" / "test.scores.json");
  EXPECT_EQ(nlohmann::json::parse(scores)["model_step"], 6);
}

TEST_F(TrainerTest, WithoutKeepBestModelNmtIsTheLastValidatedModel) {
  // keep_best false used to leave model.nmt at step 0 for good.
  const TrainingSummary s = train(tiny("run", {"training.max_steps=6", "output.keep_best=false"}));
  EXPECT_EQ(s.model_step, 6);
  EXPECT_NE(log_.find("model.nmt is the model of step 6 (the last validated step; output.keep_best is false)"),
            std::string::npos)
      << log_;
  EXPECT_TRUE(model_file_is_the_last_step(base_ / "run", newest_checkpoint("run")));
}

TEST_F(TrainerTest, WithKeepBestModelNmtIsTheBestValidatedModel) {
  train(tiny("run", {"training.max_steps=10"}));
  // The step of the best validation (scheduled ones and the final one) is the model's step.
  std::ifstream in(base_ / "run" / "metrics.jsonl");
  std::string line;
  double best = -1;
  std::int64_t best_step = -1;
  int validations = 0;
  while (std::getline(in, line)) {
    const auto record = nlohmann::json::parse(line);
    if (record["event"] != "validation") continue;
    ++validations;
    if (record["dev_bleu"].get<double>() > best) {
      best = record["dev_bleu"];
      best_step = record["step"];
    }
    EXPECT_EQ(record["saved"], record["best"]) << line;
  }
  EXPECT_EQ(validations, 3);  // steps 4, 8 and the final one at 10
  EXPECT_EQ(stop_record(base_ / "run")["model_step"], best_step);
}

TEST_F(TrainerTest, WithoutADevSetModelNmtIsTheLastModel) {
  const TrainingSummary s =
      train(tiny("run", {"training.max_steps=6", "data.dev_source=", "data.dev_target=", "validation.every_steps=4"}));
  EXPECT_EQ(s.model_step, 6);
  EXPECT_NE(log_.find("model.nmt is the model of step 6 (the last step; no dev set)"), std::string::npos) << log_;
  EXPECT_TRUE(model_file_is_the_last_step(base_ / "run", newest_checkpoint("run")));
}

TEST_F(TrainerTest, AStopBeforeAnyUpdateSaysModelNmtIsUntrained) {
  request_stop(SIGINT);
  const TrainingSummary s = train(tiny("run", {"training.max_steps=6"}));
  EXPECT_EQ(s.stop_reason, StopReason::signal);
  EXPECT_EQ(s.model_step, 0);
  EXPECT_NE(log_.find("model.nmt is the model of step 0 (the best dev BLEU"), std::string::npos) << log_;
  EXPECT_NE(log_.find(", before any update)"), std::string::npos) << log_;
}

TEST_F(TrainerTest, InputFilesAreCheckedBeforeAnythingIsWritten) {
  fs::create_directories(base_);
  const fs::path short_references = base_ / "short.fr";
  {
    std::ifstream in("tests/data/tiny/dev.fr");
    std::ofstream out(short_references);
    std::string line;
    std::getline(in, line);
    out << line << "\n";
  }
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"data.test_target=" + short_references.string()},
        std::vector<std::string>{"data.dev_target=" + short_references.string()},
        std::vector<std::string>{"data.test_source=/nonexistent/test.en"},
        std::vector<std::string>{"data.sentencepiece_model=/nonexistent/spm.model"}}) {
    try {
      Trainer t(tiny("run", bad), std::cerr, false);
      FAIL() << "accepted " << bad[0];
    } catch (const std::runtime_error& e) {
      const std::string value = bad[0].substr(bad[0].find('=') + 1);
      EXPECT_NE(std::string(e.what()).find(value), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(base_ / "run")) << bad[0] << " left a run directory behind";
  }
}

TEST_F(TrainerTest, ARunThatFailedBeforeItsFirstCheckpointIsStartedAfreshByTheCorrectedRecipe) {
  // What a failed start leaves behind: the directory and its recipe, no checkpoint.
  fs::create_directories(base_ / "run");
  io::write_file_atomically((base_ / "run" / "recipe.yaml").string(),
                            tiny("run", {"training.learning_rate=0.5"}).effective_yaml);
  const TrainingSummary s = train(tiny("run", {"training.max_steps=2"}));
  EXPECT_EQ(s.steps, 2);
  EXPECT_NE(log_.find("held no checkpoint (an earlier start failed before training): starting afresh"),
            std::string::npos)
      << log_;
}

TEST_F(TrainerTest, ARunDirectoryIsTheSameWhateverItsPathLooksLike) {
  train(tiny("run", {"training.max_steps=2"}));
  // A trailing slash, "./" and ".." segments name the same run.
  EXPECT_EQ(train(tiny("run/", {"training.max_steps=4"})).steps, 4);
  EXPECT_EQ(train(tiny("./x/../run/.", {"training.max_steps=6"})).steps, 6);
  // The stored recipe names its files by absolute paths.
  const io::Recipe stored = io::load_recipe((base_ / "run" / "recipe.yaml").string());
  EXPECT_EQ(stored.data.train_source, (fs::path(NMT_SOURCE_DIR) / "tests/data/tiny/train.en").string());
  EXPECT_EQ(stored.output.directory, (base_ / "run").string());
}

TEST_F(TrainerTest, WithAProgressBarTrainLogStillHasEveryStepLine) {
  std::ostringstream screen;
  Trainer trainer(tiny("run", {"training.max_steps=4"}), screen, true);
  trainer.run();
  std::ifstream in(base_ / "run" / "train.log");
  std::stringstream log;
  log << in.rdbuf();
  EXPECT_NE(log.str().find("step 2 epoch"), std::string::npos) << log.str();
  EXPECT_NE(log.str().find("step 4 epoch"), std::string::npos) << log.str();
  EXPECT_EQ(screen.str().find("step 2 epoch"), std::string::npos) << "the bar replaces the lines on screen";
}

TEST_F(TrainerTest, ASecondTrainerOnARunDirectoryRefusesAtOnceNamingTheFirst) {
  const io::Recipe recipe = tiny("run", {"training.max_steps=2"});
  Trainer first(recipe, std::cerr, false);
  try {
    Trainer second(recipe, std::cerr, false);
    FAIL() << "two trainers opened one run directory";
  } catch (const io::RecipeError& e) {
    EXPECT_NE(std::string(e.what()).find("is in use by another nmt-train (process " + std::to_string(::getpid()) + ")"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(first.run().steps, 2);
}

TEST_F(TrainerTest, TheTransformerTrainsFromARecipeAndItsModelFileLoads) {
  const TrainingSummary s =
      train(tiny("run", {"training.max_steps=6", "model.type=transformer", "model.d_model=16", "model.feed_forward=32",
                         "model.heads=2", "model.encoder_layers=1", "model.decoder_layers=1",
                         "training.schedule=inverse-sqrt", "training.warmup_steps=4"}));
  EXPECT_EQ(s.steps, 6);
  EXPECT_TRUE(s.has_test_scores);
  const models::SavedModel saved = models::load_model((base_ / "run" / "model.nmt").string());
  EXPECT_EQ(saved.recipe.model.type, "transformer");
  EXPECT_THROW(
      Trainer(tiny("bad", {"training.max_steps=1", "model.type=transformer", "model.d_model=16", "model.heads=3"}),
              std::cerr, false),
      std::invalid_argument);
}

TEST_F(TrainerTest, LocationAttentionValidatesOnDevSourcesLongerThanItsPositions) {
  // luong-location scores a fixed number of source positions (data.max_length + EOS): dev
  // sources longer than that are cut for the perplexity, as translation cuts them, instead of
  // stopping the run at its first validation.
  const TrainingSummary s =
      train(tiny("location", {"model.attention=luong-location", "data.max_length=8", "training.max_steps=4"}));
  EXPECT_EQ(s.steps, 4);
  EXPECT_NE(log_.find("sources longer than the model's 8 subwords are cut for the perplexity"), std::string::npos)
      << log_;
  EXPECT_NE(log_.find("validation at step 4"), std::string::npos) << log_;
  EXPECT_TRUE(s.has_test_scores);
}

TEST_F(TrainerTest, ARunDirectoryRefusesADifferentRecipe) {
  train(tiny("run", {"training.max_steps=2"}));
  try {
    Trainer t(tiny("run", {"training.max_steps=4", "training.learning_rate=0.5"}), std::cerr, false);
    FAIL() << "accepted a different recipe";
  } catch (const io::RecipeError& e) {
    EXPECT_NE(std::string(e.what()).find("training.learning_rate is '0.01' there and '0.5' here"), std::string::npos)
        << e.what();
  }
}

TEST_F(TrainerTest, MetricsLogIsOneJsonObjectPerLine) {
  const TrainingSummary s = train(tiny("run", {"training.max_steps=8"}));
  std::ifstream in(base_ / "run" / "metrics.jsonl");
  std::string line;
  std::map<std::string, int> events;
  while (std::getline(in, line)) {
    const auto record = nlohmann::json::parse(line);
    for (const char* key : {"event", "step", "time", "epoch"}) EXPECT_TRUE(record.contains(key)) << line;
    const std::string event = record["event"];
    ++events[event];
    std::vector<const char*> expected;
    if (event == "train")
      expected = {"train_loss",         "learning_rate",        "tokens_per_second",
                  "primitives_created", "primitives_evicted",   "pool_system_allocations",
                  "pool_cached_mib",    "pool_peak_in_use_mib", "resident_mib"};
    if (event == "validation") expected = {"dev_perplexity", "dev_bleu"};
    if (event == "stop") expected = {"reason", "model_step", "peak_resident_mib"};
    for (const char* key : expected) EXPECT_TRUE(record.contains(key)) << line;
  }
  EXPECT_EQ(events["train"], 4);       // log_every 2
  EXPECT_EQ(events["validation"], 2);  // every 4 steps
  EXPECT_EQ(events["stop"], 1);
  EXPECT_EQ(events["test"], 1);
  EXPECT_TRUE(s.has_test_scores);
  EXPECT_TRUE(fs::exists(base_ / "run" / "test.hyp"));
  EXPECT_TRUE(fs::exists(base_ / "run" / "test.scores.json"));
}

TEST_F(TrainerTest, AStopRequestWritesACheckpointAndTheRunResumes) {
  request_stop(SIGTERM);
  const TrainingSummary stopped = train(tiny("run", {"training.max_steps=6"}));
  EXPECT_EQ(stopped.stop_reason, StopReason::signal);
  EXPECT_FALSE(stopped.has_test_scores);
  EXPECT_TRUE(fs::exists(newest_checkpoint("run")));
  request_stop(0);
  EXPECT_EQ(train(tiny("run", {"training.max_steps=6"})).steps, 6);
}

TEST_F(TrainerTest, NonFiniteLossesAreSkippedAndRepeatedDivergenceStops) {
  train(tiny("run", {"training.max_steps=2"}));
  // Poison the newest checkpoint's Adam second moments (a checkpoint with NaN weights is
  // refused at load): the first update from it makes every weight NaN, and every loss after.
  const fs::path checkpoint = newest_checkpoint("run");
  io::Sections sections = io::read_section_file(checkpoint.string(), "checkpoint");
  for (auto& [name, bytes] : sections) {
    if (name != "optimizer") continue;
    graph::NamedTensors tensors = graph::decode_tensors(bytes, "optimizer");
    for (auto& [tensor_name, tensor] : tensors)
      if (tensor_name.rfind("adam.v.", 0) == 0) tensor.fill(std::numeric_limits<float>::quiet_NaN());
    bytes = graph::encode_tensors(tensors);
  }
  io::write_section_file(checkpoint.string(), "checkpoint", sections);
  const std::string before = io::read_file(checkpoint.string());
  const TrainingSummary s = train(tiny("run", {"training.max_steps=10"}));
  EXPECT_EQ(s.stop_reason, StopReason::diverged);
  EXPECT_EQ(s.steps, 3);  // the poisoned update, then five skipped ones
  EXPECT_EQ(io::read_file(newest_checkpoint("run").string()), before) << "the last checkpoint changed";
  std::ifstream in(base_ / "run" / "metrics.jsonl");
  std::string line;
  int skips = 0;
  while (std::getline(in, line)) skips += nlohmann::json::parse(line)["event"] == "skip";
  EXPECT_EQ(skips, 5);
  EXPECT_NE(log_.find("non-finite loss; update skipped (5 in a row)"), std::string::npos) << log_;
}

TEST_F(TrainerTest, DamagedModelFilesAndCheckpointsAreClearErrors) {
  train(tiny("run", {"training.max_steps=2"}));
  const std::string model = (base_ / "run" / "model.nmt").string();
  EXPECT_NO_THROW(models::load_model(model));
  const std::string bytes = io::read_file(model);
  const std::string damaged = (base_ / "damaged.nmt").string();
  for (std::size_t cut : {std::size_t{0}, std::size_t{5}, std::size_t{40}, bytes.size() / 2, bytes.size() - 1}) {
    io::write_file_atomically(damaged, bytes.substr(0, cut));
    try {
      models::load_model(damaged);
      FAIL() << "loaded a file truncated to " << cut << " bytes";
    } catch (const io::FileFormatError& e) {
      EXPECT_NE(std::string(e.what()).find(damaged), std::string::npos) << e.what();
    }
  }
  for (std::size_t at : {std::size_t{12}, bytes.size() / 3, bytes.size() - 2}) {
    std::string flipped = bytes;
    flipped[at] = static_cast<char>(flipped[at] ^ 1);
    io::write_file_atomically(damaged, flipped);
    EXPECT_THROW(models::load_model(damaged), io::FileFormatError) << "byte " << at;
  }
  try {
    models::load_model(newest_checkpoint("run").string());
    FAIL();
  } catch (const io::FileFormatError& e) {
    EXPECT_NE(std::string(e.what()).find("is an nmt checkpoint file, not a model file"), std::string::npos) << e.what();
  }
  // A damaged newest checkpoint falls back to the older intact one, with a warning naming it.
  const fs::path checkpoint = newest_checkpoint("run");
  io::write_file_atomically(checkpoint.string(), io::read_file(checkpoint.string()).substr(0, 100));
  const TrainingSummary resumed = train(tiny("run", {"training.max_steps=4", "output.translate_test=false"}));
  EXPECT_EQ(resumed.steps, 4);
  EXPECT_NE(log_.find("warning: " + checkpoint.string() + ": "), std::string::npos) << log_;
  EXPECT_NE(log_.find("resuming from " + (base_ / "run" / "checkpoints" / "step-0000000000.ckpt").string()),
            std::string::npos)
      << log_;
  // With no intact checkpoint left, resuming is an error naming every damaged one (nothing is
  // started afresh over them).
  std::vector<fs::path> all;
  for (const auto& e : fs::directory_iterator(base_ / "run" / "checkpoints")) all.push_back(e.path());
  ASSERT_EQ(all.size(), 2u);
  for (const auto& path : all) io::write_file_atomically(path.string(), "nmt");
  try {
    Trainer t(tiny("run", {"training.max_steps=6"}), std::cerr, false);
    FAIL() << "resumed without an intact checkpoint";
  } catch (const io::FileFormatError& e) {
    for (const auto& path : all) EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
  }
}

TEST(StopReason, NamesAreWhatMetricsRecordsSayAndReadBack) {
  for (const auto& [reason, name] : kStopReasonNames) EXPECT_EQ(parse_stop_reason(stop_reason_name(reason)), reason);
  EXPECT_EQ(stop_reason_name(StopReason::max_time), "max_time");
  EXPECT_EQ(parse_stop_reason("early_stopping"), StopReason::early_stopping);
  EXPECT_FALSE(parse_stop_reason("tired").has_value());
  EXPECT_TRUE(is_final(StopReason::early_stopping));
  EXPECT_FALSE(is_final(StopReason::signal));
}

}  // namespace
}  // namespace nmt::train
