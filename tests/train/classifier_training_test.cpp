// nmt-train on a classifier recipe (model.type classifier, issue 20): the trainer's one loop
// trains it, resumes it bit for bit, validates it with perplexity, accuracy and macro-F1, and
// labels its test split; labelled data are checked (file and line) before anything is written.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "nmt/data/text_file.h"
#include "nmt/io/section_file.h"
#include "nmt/models/saved_classifier.h"
#include "nmt/models/saved_model.h"
#include "nmt/train/trainer.h"

namespace nmt::train {
namespace {

namespace fs = std::filesystem;

class ClassifierTrainingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::chdir(NMT_SOURCE_DIR), 0);
    base_ = fs::temp_directory_path() / ("nmt-classifier-training-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    fs::create_directories(base_);
  }
  void TearDown() override { fs::remove_all(base_); }

  io::Recipe recipe(const std::string& run, std::vector<std::string> overrides) const {
    overrides.push_back("output.directory=" + (base_ / run).string());
    return io::load_recipe("recipes/tiny-classifier.yaml", overrides);
  }
  TrainingSummary train(const io::Recipe& r) {
    std::ostringstream log;
    Trainer trainer(r, log, false);
    TrainingSummary s = trainer.run();
    log_ = log.str();
    return s;
  }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(base_ / name) << text;
    return (base_ / name).string();
  }
  std::vector<nlohmann::json> records(const std::string& run, const std::string& event) const {
    std::vector<nlohmann::json> out;
    std::ifstream in(base_ / run / "metrics.jsonl");
    for (std::string line; std::getline(in, line);) {
      nlohmann::json record = nlohmann::json::parse(line);
      if (record.at("event") == event) out.push_back(record);
    }
    return out;
  }
  fs::path newest_checkpoint(const std::string& run) const {
    fs::path newest;
    for (const auto& e : fs::directory_iterator(base_ / run / "checkpoints"))
      if (newest.empty() || e.path().filename() > newest.filename()) newest = e.path();
    return newest;
  }
  std::string error_of(const io::Recipe& r) {
    try {
      Trainer trainer(r, std::cerr, false);
    } catch (const std::exception& e) {
      return e.what();
    }
    return "";
  }

  fs::path base_;
  std::string log_;
};

TEST_F(ClassifierTrainingTest, MemorisesItsTrainingSentencesAndLabelsThemInTheTestSplit) {
  const TrainingSummary s =
      train(recipe("run", {"training.max_steps=100", "model.dropout=0",
                           "data.dev_source=", "data.dev_labels=", "data.test_source=tests/data/tiny-labels/train.txt",
                           "data.test_labels=tests/data/tiny-labels/train.label"}));
  ASSERT_TRUE(s.has_test_scores) << log_;
  EXPECT_EQ(s.test_accuracy, 100.0) << log_;
  EXPECT_EQ(s.test_macro_f1, 100.0);
  EXPECT_EQ(data::read_text_lines(base_ / "run" / "test.labels"),
            data::read_text_lines("tests/data/tiny-labels/train.label"));
  const nlohmann::json scores = nlohmann::json::parse(std::ifstream(base_ / "run" / "test.scores.json"));
  EXPECT_EQ(scores.at("test_accuracy"), 100.0);
  EXPECT_EQ(scores.at("per_label").at("fruit").at("gold"), 13);
  EXPECT_EQ(scores.at("sentences"), 48);
  // The model file holds its labels, and each kind of model file refuses the other's loader.
  const std::string model = (base_ / "run" / "model.nmt").string();
  const models::SavedClassifier saved = models::load_classifier(model);
  EXPECT_EQ(saved.labels.names(), (std::vector<std::string>{"animal", "fruit", "vehicle"}));
  try {
    models::load_model(model);
    ADD_FAILURE() << "a classifier loaded as a translation model";
  } catch (const io::FileFormatError& e) {
    EXPECT_NE(std::string(e.what()).find("sentence classifier (model.type classifier), not a translation model: "
                                         "nmt-classify reads it"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(ClassifierTrainingTest, ValidatesWithPerplexityAccuracyAndMacroF1AndLogsSentencesPerSecond) {
  train(recipe("run", {"training.max_steps=20"}));
  const std::vector<nlohmann::json> validations = records("run", "validation");
  ASSERT_EQ(validations.size(), 2u);
  for (const auto& v : validations) {
    EXPECT_GT(v.at("dev_perplexity").get<double>(), 1.0);
    EXPECT_GE(v.at("dev_accuracy").get<double>(), 0.0);
    EXPECT_LE(v.at("dev_macro_f1").get<double>(), 100.0);
    EXPECT_FALSE(v.contains("dev_bleu"));
  }
  const std::vector<nlohmann::json> steps = records("run", "train");
  ASSERT_FALSE(steps.empty());
  EXPECT_GT(steps[0].at("sentences_per_second").get<double>(), 0.0);
  EXPECT_NE(log_.find(" sent/s "), std::string::npos) << log_;
  EXPECT_NE(log_.find("validation at step 10: dev perplexity "), std::string::npos) << log_;
  EXPECT_NE(log_.find("3 labels (animal, fruit, vehicle)"), std::string::npos) << log_;
  EXPECT_NE(log_.find("(the best dev accuracy, "), std::string::npos) << log_;
}

TEST_F(ClassifierTrainingTest, AStoppedAndResumedRunEndsBitForBitLikeAnUninterruptedOne) {
  train(recipe("straight", {"training.max_steps=14"}));
  EXPECT_EQ(train(recipe("resumed", {"training.max_steps=7"})).steps, 7);
  EXPECT_EQ(train(recipe("resumed", {"training.max_steps=14"})).steps, 14);
  EXPECT_NE(log_.find("vocabulary and labels from the checkpoint"), std::string::npos) << log_;
  const io::Sections a = io::read_section_file(newest_checkpoint("straight").string(), "checkpoint");
  const io::Sections b = io::read_section_file(newest_checkpoint("resumed").string(), "checkpoint");
  EXPECT_EQ(newest_checkpoint("straight").filename(), newest_checkpoint("resumed").filename());
  EXPECT_TRUE(io::section(a, "parameters", "a") == io::section(b, "parameters", "b")) << "parameters differ";
  EXPECT_TRUE(io::section(a, "optimizer", "a") == io::section(b, "optimizer", "b")) << "optimizer moments differ";
  EXPECT_EQ(io::section(a, "labels", "a"), "animal\nfruit\nvehicle\n");
}

TEST_F(ClassifierTrainingTest, ALabelTrainingNeverSawIsAnErrorNamingFileAndLineBeforeAnythingIsWritten) {
  const std::string labels = write("dev.label", "animal\nfruit\nmineral\nvehicle\n");
  const std::string text = write("dev.txt", "a\nb\nc\nd\n");
  const std::string e = error_of(recipe("run", {"data.dev_source=" + text, "data.dev_labels=" + labels}));
  EXPECT_EQ(e, labels + ":3: label 'mineral' is not among the training labels (animal, fruit, vehicle)");
  EXPECT_FALSE(fs::exists(base_ / "run"));
}

TEST_F(ClassifierTrainingTest, MalformedLabelFilesAreErrorsNamingTheFile) {
  const std::string text = write("t.txt", "a b\nc d\ne f\n");
  EXPECT_EQ(
      error_of(recipe("run", {"data.train_source=" + text, "data.train_labels=" + write("short.label", "x\ny\n")})),
      "'" + text + "' has 3 lines but its labels '" + (base_ / "short.label").string() +
          "' have 2: one label per line");
  EXPECT_EQ(
      error_of(recipe("run", {"data.train_source=" + text, "data.train_labels=" + write("blank.label", "x\n  \ny\n")})),
      (base_ / "blank.label").string() + ":2: empty label (one label per line)");
  EXPECT_EQ(
      error_of(recipe("run", {"data.train_source=" + text, "data.train_labels=" + write("tab.label", "x\na\tb\ny\n")})),
      (base_ / "tab.label").string() + ":2: a label may not contain a tab (nmt-classify writes LABEL<TAB>probability)");
  EXPECT_EQ(
      error_of(recipe("run", {"data.train_source=" + text, "data.train_labels=" + write("one.label", "x\nx\n x \n")})),
      "data.train_labels " + (base_ / "one.label").string() +
          ": every sentence has the label 'x': a classifier needs at least two labels");
  EXPECT_FALSE(fs::exists(base_ / "run"));
}

TEST_F(ClassifierTrainingTest, ValidateOnlyDescribesTheDataAndTheModel) {
  EXPECT_EQ(Trainer::check(recipe("run", {})),
            "recipes/tiny-classifier.yaml: valid; 48 labelled sentences, 3 labels (animal, fruit, vehicle), a dev "
            "set, 12 test sentences; model classifier (attention pooling); a new run in " +
                (base_ / "run").string());
  EXPECT_THROW(Trainer::check(recipe("run", {"model.pooling=attention", "model.attention_heads=0"})), io::RecipeError);
}

}  // namespace
}  // namespace nmt::train
