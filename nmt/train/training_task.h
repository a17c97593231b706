// What a training run trains, behind the loop of trainer.cpp: a translation model on a
// parallel corpus (translation_task.cpp) or a sentence classifier on labelled sentences
// (classification_task.cpp). The loop owns the steps, the optimizer, checkpoints, resuming,
// the processes of a data-parallel run and the stopping rules, the same for both; a task owns
// its data, its model, the loss of a batch, validation and the test split.
//
// Both feed the loop the same batches: a labelled sentence is a pair whose target is the
// one-token sequence [label id], so batching, resuming at a batch position and sharing a
// batch between processes are one code path.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "nmt/data/batching.h"
#include "nmt/data/encoded_corpus.h"
#include "nmt/graph/parameters.h"
#include "nmt/graph/random.h"
#include "nmt/graph/var.h"
#include "nmt/io/recipe.h"
#include "nmt/io/section_file.h"

namespace nmt::train {

using Say = std::function<void(const std::string&)>;

class TrainingTask {
 public:
  virtual ~TrainingTask() = default;

  // ---- data: read and checked when the task is made, before anything is written ----
  virtual std::size_t training_examples() const = 0;  // pairs or labelled sentences read
  // Vocabulary (and labels) from `checkpoint` when resuming, else from the recipe (a given
  // SentencePiece model, or trained); the encoded training corpus and its batcher; the dev set.
  virtual void prepare(const io::Sections* checkpoint, const Say& say) = 0;
  virtual const data::EncodedCorpus& train_corpus() const = 0;
  virtual data::TrainingBatcher& batcher() = 0;
  virtual bool has_dev() const = 0;

  // ---- the model ----
  virtual void build_model(std::uint64_t seed) = 0;
  virtual graph::Parameters& parameters() = 0;
  virtual std::string model_description() const = 0;  // "rnn, luong-dot attention", "classifier, attention pooling"
  // The sections of model.nmt, which open every checkpoint too.
  virtual io::Sections model_sections() = 0;
  virtual void save_model(const std::string& path) = 0;
  // Replaces the model by the one saved at `path` (the test split is scored with model.nmt).
  virtual void load_model(const std::string& path) = 0;

  // ---- a training step ----
  // What the loss of a batch sums over (target tokens, or sentences): gradients are scaled by
  // the whole batch's count, the log shows the loss per unit and units per second.
  virtual std::int64_t loss_units(const data::Batch& batch) const = 0;
  virtual std::string unit_name() const = 0;       // "tok", "sent" (log lines)
  virtual std::string throughput_key() const = 0;  // metrics.jsonl: "tokens_per_second", ...
  virtual graph::Var loss(const data::Batch& batch, float label_smoothing, graph::RandomGenerator* dropout) = 0;

  // ---- validation and the test split ----
  struct Validation {
    nlohmann::json fields;  // for the validation record of metrics.jsonl
    double metric = 0;      // validation.early_stopping_metric, higher is better (perplexity negated)
    std::string summary;    // "dev perplexity 12.34, dev BLEU 5.67"
  };
  virtual Validation validate() = 0;
  // "the best dev BLEU, 12.34" for the metric a validation returned (where model.nmt comes from).
  virtual std::string best_metric_text(double metric) const = 0;
  struct TestResult {
    nlohmann::json fields;    // for the test record and test.scores.json
    std::string summary;      // "test: BLEU 12.34, chrF 45.67 (1000 sentences, ...) -> test.hyp"
    std::string result_line;  // "test BLEU 12.34, chrF 45.67" (nmt-train's last line)
    std::string output_path;  // test.hyp, test.labels
    double bleu = 0, chrf = 0, accuracy = 0, macro_f1 = 0;
  };
  virtual bool has_test() const = 0;
  // Scores the test split (has_test()) with the current model, writing its output into `directory`.
  virtual TestResult test(const std::filesystem::path& directory) = 0;

  // What nmt-train --validate-only says about the data and the model (built once to check its
  // sizes): "31221 training pairs, a dev set, 1000 test sentences; model rnn (luong-dot)".
  virtual std::string check_summary() = 0;
};

// The task of a recipe (model.type classifier: classification, else translation), with every
// file the recipe names read and checked; data::DataError names the file and line.
std::unique_ptr<TrainingTask> make_training_task(const io::Recipe& recipe);

}  // namespace nmt::train
