// The trainer on the tiny recipe: a stopped and resumed run ends bit for bit like an
// uninterrupted one; a run directory refuses a different recipe; the metrics log is one JSON
// object per line; a stop request writes a checkpoint; damaged files are clear errors.
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "nmt/graph/tensor_io.h"
#include "nmt/io/section_file.h"
#include "nmt/models/saved_model.h"
#include "nmt/train/trainer.h"

namespace nmt::train {
namespace {

namespace fs = std::filesystem;

class TrainerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::chdir(NMT_SOURCE_DIR), 0);
    base_ = fs::temp_directory_path() /
            ("nmt-trainer-" + std::to_string(::getpid()) + "-" +
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
  fs::path base_;
  std::string log_;
};

TEST_F(TrainerTest, StoppedAndResumedRunEndsBitForBitLikeAnUninterruptedOne) {
  train(tiny("straight", {"training.max_steps=10"}));
  EXPECT_EQ(train(tiny("resumed", {"training.max_steps=6"})).steps, 6);
  EXPECT_EQ(train(tiny("resumed", {"training.max_steps=10"})).steps, 10);
  EXPECT_NE(log_.find("resuming from"), std::string::npos) << log_;
  const io::Sections a = io::read_section_file(newest_checkpoint("straight").string(), "checkpoint");
  const io::Sections b = io::read_section_file(newest_checkpoint("resumed").string(), "checkpoint");
  EXPECT_EQ(newest_checkpoint("straight").filename(), newest_checkpoint("resumed").filename());
  EXPECT_TRUE(io::section(a, "parameters", "a") == io::section(b, "parameters", "b")) << "parameters differ";
  EXPECT_TRUE(io::section(a, "optimizer", "a") == io::section(b, "optimizer", "b")) << "optimizer moments differ";
  auto state_a = nlohmann::json::parse(io::section(a, "trainer", "a"));
  auto state_b = nlohmann::json::parse(io::section(b, "trainer", "b"));
  state_a.erase("seconds");
  state_b.erase("seconds");
  EXPECT_EQ(state_a, state_b);
}

TEST_F(TrainerTest, TheTransformerTrainsFromARecipeAndItsModelFileLoads) {
  const TrainingSummary s = train(tiny("run", {"training.max_steps=6", "model.type=transformer", "model.d_model=16",
                                               "model.feed_forward=32", "model.heads=2", "model.encoder_layers=1",
                                               "model.decoder_layers=1", "training.schedule=inverse-sqrt",
                                               "training.warmup_steps=4"}));
  EXPECT_EQ(s.steps, 6);
  EXPECT_TRUE(s.has_test_scores);
  const models::SavedModel saved = models::load_model((base_ / "run" / "model.nmt").string());
  EXPECT_EQ(saved.recipe.model.type, "transformer");
  EXPECT_THROW(Trainer(tiny("bad", {"training.max_steps=1", "model.type=transformer", "model.d_model=16",
                                    "model.heads=3"}),
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
    if (event == "train") expected = {"train_loss", "learning_rate", "tokens_per_second"};
    if (event == "validation") expected = {"dev_perplexity", "dev_bleu"};
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
  EXPECT_EQ(stopped.stop_reason, "signal");
  EXPECT_FALSE(stopped.has_test_scores);
  EXPECT_TRUE(fs::exists(newest_checkpoint("run")));
  request_stop(0);
  EXPECT_EQ(train(tiny("run", {"training.max_steps=6"})).steps, 6);
}

TEST_F(TrainerTest, NonFiniteLossesAreSkippedAndRepeatedDivergenceStops) {
  train(tiny("run", {"training.max_steps=2"}));
  // Make the newest checkpoint's output bias NaN: every loss from it on is NaN.
  const fs::path checkpoint = newest_checkpoint("run");
  io::Sections sections = io::read_section_file(checkpoint.string(), "checkpoint");
  for (auto& [name, bytes] : sections) {
    if (name != "parameters") continue;
    graph::NamedTensors tensors = graph::decode_tensors(bytes, "parameters");
    for (auto& [tensor_name, tensor] : tensors)
      if (tensor_name == "output.bias") tensor.fill(std::numeric_limits<float>::quiet_NaN());
    bytes = graph::encode_tensors(tensors);
  }
  io::write_section_file(checkpoint.string(), "checkpoint", sections);
  const std::string before = io::read_file(checkpoint.string());
  const TrainingSummary s = train(tiny("run", {"training.max_steps=10"}));
  EXPECT_EQ(s.stop_reason, "diverged");
  EXPECT_EQ(s.steps, 2);
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
  // A damaged newest checkpoint stops a resumption with an error naming it.
  const fs::path checkpoint = newest_checkpoint("run");
  io::write_file_atomically(checkpoint.string(), io::read_file(checkpoint.string()).substr(0, 100));
  try {
    Trainer t(tiny("run", {"training.max_steps=4"}), std::cerr, false);
    FAIL();
  } catch (const io::FileFormatError& e) {
    EXPECT_NE(std::string(e.what()).find(checkpoint.string()), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace nmt::train
