#include "nmt/train/classification_task.h"

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cmath>
#include <filesystem>

#include "nmt/data/data_error.h"
#include "nmt/data/decoding_batches.h"
#include "nmt/data/labelled_sentences.h"
#include "nmt/data/sentencepiece_model.h"
#include "nmt/decode/classification.h"
#include "nmt/eval/classification_scores.h"
#include "nmt/graph/memory_pool.h"
#include "nmt/graph/ops.h"
#include "nmt/layers/sentence_pooling.h"
#include "nmt/models/factory.h"
#include "nmt/models/saved_classifier.h"
#include "nmt/train/training_data.h"

namespace nmt::train {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// Sentences as the source side and each one's label as a one-token target (training_task.h).
data::EncodedCorpus labelled_corpus(std::span<const std::string> sentences, std::span<const std::int32_t> labels,
                                    const data::SentencePieceModel& vocabulary) {
  data::EncodedCorpus corpus;
  corpus.source = data::encode_sentences(sentences, vocabulary);
  for (const std::int32_t label : labels) corpus.target.push_back(std::span<const std::int32_t>(&label, 1));
  return corpus;
}

// The label of each row of a batch of labelled_corpus(): the first target token.
std::vector<std::int32_t> batch_labels(const data::Batch& batch) {
  std::vector<std::int32_t> labels(batch.rows);
  for (std::size_t r = 0; r < batch.rows; ++r) labels[r] = batch.target_output[r * batch.target_width];
  return labels;
}

class ClassificationTask final : public TrainingTask {
 public:
  explicit ClassificationTask(const io::Recipe& recipe) : recipe_(recipe) {
    const auto& d = recipe.data;
    train_ = data::LabelledSentences::read(d.train_source, d.train_labels, true);
    labels_ = data::LabelSet::of(train_.labels);
    if (labels_.size() < 2)
      throw data::DataError(
          fmt::format("data.train_labels {}: {}: a classifier needs at least two labels", d.train_labels,
                      labels_.size() == 0 ? std::string("no labelled sentence")
                                          : "every sentence has the label '" + labels_.name(0) + "'"));
    if (!d.sentencepiece_model.empty() && !std::filesystem::is_regular_file(d.sentencepiece_model))
      throw data::DataError(d.sentencepiece_model + ": data.sentencepiece_model: no such file");
    if (!d.dev_source.empty()) {
      dev_ = data::LabelledSentences::read(d.dev_source, d.dev_labels, false);
      labels_.ids(dev_, d.dev_labels);  // unknown labels fail here, before anything is written
    }
    if (!d.test_source.empty()) {
      test_ = data::LabelledSentences::read(d.test_source, d.test_labels, false);
      labels_.ids(test_, d.test_labels);
    }
  }

  std::size_t training_examples() const override { return train_.size(); }

  void prepare(const io::Sections* checkpoint, const Say& say) override {
    const auto& d = recipe_.data;
    const auto start = Clock::now();
    say(
        fmt::format("data: preparing {} labelled sentences ({}; a stop signal takes effect after this step, a "
                    "second one at once)",
                    train_.size(),
                    checkpoint                       ? "vocabulary and labels from the checkpoint"
                    : !d.sentencepiece_model.empty() ? "SentencePiece model " + d.sentencepiece_model
                                                     : "training SentencePiece"));
    if (checkpoint) {
      const models::SavedClassifier saved = models::classifier_from_sections(*checkpoint, "checkpoint");
      vocabulary_ = saved.vocabulary;
      labels_ = saved.labels;
    } else if (!d.sentencepiece_model.empty()) {
      vocabulary_ =
          std::make_shared<const data::SentencePieceModel>(data::SentencePieceModel::load(d.sentencepiece_model));
    } else {
      data::SubwordTrainingOptions options;
      options.vocab_size = static_cast<int>(d.vocab_size);
      options.character_coverage = d.character_coverage;
      options.model_type =
          d.sentencepiece_type == "bpe" ? data::SubwordModelType::bpe : data::SubwordModelType::unigram;
      options.seed = static_cast<std::uint32_t>(recipe_.training.seed);
      const std::array<std::span<const std::string>, 1> text = {train_.sentences};
      vocabulary_ = std::make_shared<const data::SentencePieceModel>(data::SentencePieceModel::train(text, options));
    }
    const std::vector<std::int32_t> train_ids = labels_.ids(train_, d.train_labels);
    train_corpus_ =
        std::make_shared<const data::EncodedCorpus>(labelled_corpus(train_.sentences, train_ids, *vocabulary_));
    batcher_ = std::make_unique<data::TrainingBatcher>(train_corpus_, training_batching(recipe_));
    const auto& f = batcher_->filter_stats();
    say(
        fmt::format("data: {} labelled sentences, {} kept, {} longer than {} subwords, {} empty, {} blank lines "
                    "skipped; {} labels ({}); vocabulary {}; {:.1f} s",
                    train_.size(), f.kept, f.too_long, d.max_length, f.empty_side, train_.skipped_empty, labels_.size(),
                    label_list(), vocabulary_->size(), std::chrono::duration<double>(Clock::now() - start).count()));
    train_ = {};
    if (!d.dev_source.empty()) {
      dev_labels_ = labels_.ids(dev_, d.dev_labels);
      dev_sentences_ = std::move(dev_.sentences);
      dev_ = {};
    }
    if (!d.test_source.empty()) test_labels_ = labels_.ids(test_, d.test_labels);
  }

  const data::EncodedCorpus& train_corpus() const override { return *train_corpus_; }
  data::TrainingBatcher& batcher() override { return *batcher_; }
  bool has_dev() const override { return !recipe_.data.dev_source.empty(); }

  void build_model(std::uint64_t seed) override {
    model_ = models::make_classifier(recipe_, vocabulary_->size(), static_cast<std::int64_t>(labels_.size()), seed);
  }
  graph::Parameters& parameters() override { return model_->parameters(); }
  std::string model_description() const override { return "classifier, " + pooling_description(); }
  io::Sections model_sections() override {
    return models::classifier_sections(recipe_, *vocabulary_, labels_, *model_);
  }
  void save_model(const std::string& path) override {
    models::save_classifier(path, recipe_, *vocabulary_, labels_, *model_);
  }
  void load_model(const std::string& path) override { model_ = models::load_classifier(path).model; }

  std::int64_t loss_units(const data::Batch& batch) const override { return static_cast<std::int64_t>(batch.rows); }
  std::string unit_name() const override { return "sent"; }
  std::string throughput_key() const override { return "sentences_per_second"; }
  graph::Var loss(const data::Batch& batch, float label_smoothing, graph::RandomGenerator* dropout) override {
    return model_->loss(batch, batch_labels(batch), dropout, label_smoothing);
  }

  // The dev sentences labelled (no dropout): perplexity exp(mean cross-entropy), accuracy and
  // macro-F1.
  Validation validate() override {
    const graph::ScopedMemoryPoolCapacity decoding_capacity(graph::kDecodingMemoryPoolCapacity);
    const graph::NoGradGuard no_grad;
    const data::TokenSequences encoded = data::encode_sentences(dev_sentences_, *vocabulary_);
    const std::vector<data::Batch> batches =
        data::make_decoding_batches(encoded, static_cast<std::size_t>(recipe_.training.batch_tokens));
    std::vector<std::int32_t> gold, predicted;
    double loss = 0;
    for (const data::Batch& batch : batches) {
      std::vector<std::int32_t> labels(batch.rows);
      for (std::size_t r = 0; r < batch.rows; ++r) labels[r] = dev_labels_[batch.sentence_indices[r]];
      const graph::Var logits = model_->classify(batch, nullptr).logits;
      loss += graph::cross_entropy(logits, labels).value().item();
      const graph::Tensor scores = logits.value();
      const std::int64_t count = scores.dim(1);
      for (std::size_t r = 0; r < batch.rows; ++r) {
        const float* row = scores.data() + static_cast<std::int64_t>(r) * count;
        std::int32_t best = 0;
        for (std::int64_t l = 1; l < count; ++l)
          if (row[l] > row[best]) best = static_cast<std::int32_t>(l);
        gold.push_back(labels[r]);
        predicted.push_back(best);
      }
    }
    const eval::ClassificationScores scores = eval::score_classification(gold, predicted, labels_.size());
    const double perplexity = std::exp(loss / static_cast<double>(std::max<std::size_t>(gold.size(), 1)));
    Validation v;
    v.fields =
        json{{"dev_perplexity", perplexity}, {"dev_accuracy", scores.accuracy}, {"dev_macro_f1", scores.macro_f1}};
    const std::string& metric = recipe_.validation.early_stopping_metric;
    v.metric = metric == "accuracy" ? scores.accuracy : metric == "macro_f1" ? scores.macro_f1 : -perplexity;
    v.summary = fmt::format("dev perplexity {:.4f}, dev accuracy {:.2f}, macro-F1 {:.2f}", perplexity, scores.accuracy,
                            scores.macro_f1);
    return v;
  }

  std::string best_metric_text(double metric) const override {
    const std::string& name = recipe_.validation.early_stopping_metric;
    if (name == "perplexity") return fmt::format("the best dev perplexity, {:.4f}", -metric);
    return fmt::format("the best dev {}, {:.2f}", name == "accuracy" ? "accuracy" : "macro-F1", metric);
  }

  bool has_test() const override { return !recipe_.data.test_source.empty(); }

  TestResult test(const std::filesystem::path& directory) override {
    const graph::ScopedMemoryPoolCapacity decoding_capacity(graph::kDecodingMemoryPoolCapacity);
    const auto start = Clock::now();
    const std::vector<decode::Classification> labelled = decode::classify(
        *model_, *vocabulary_, test_.sentences, static_cast<std::size_t>(recipe_.training.batch_tokens));
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::vector<std::int32_t> predicted;
    std::string text;
    for (const decode::Classification& c : labelled) {
      predicted.push_back(c.prediction.label);
      text += labels_.name(c.prediction.label) + "\n";
    }
    const eval::ClassificationScores scores = eval::score_classification(test_labels_, predicted, labels_.size());
    TestResult t;
    t.output_path = (directory / "test.labels").string();
    io::write_file_atomically(t.output_path, text);
    t.accuracy = scores.accuracy;
    t.macro_f1 = scores.macro_f1;
    json per_label = json::object();
    for (std::size_t l = 0; l < labels_.size(); ++l) {
      const eval::LabelScore& s = scores.labels[l];
      per_label[labels_.name(static_cast<std::int32_t>(l))] = json{{"gold", s.gold},
                                                                   {"predicted", s.predicted},
                                                                   {"correct", s.correct},
                                                                   {"precision", 100 * s.precision()},
                                                                   {"recall", 100 * s.recall()},
                                                                   {"f1", 100 * s.f1()}};
    }
    const double per_second = static_cast<double>(labelled.size()) / std::max(seconds, 1e-9);
    t.fields = json{{"test_accuracy", scores.accuracy}, {"test_macro_f1", scores.macro_f1},
                    {"per_label", per_label},           {"labels", t.output_path},
                    {"sentences", labelled.size()},     {"sentences_per_second", per_second}};
    t.summary = fmt::format("test: accuracy {:.2f}, macro-F1 {:.2f} ({} sentences, {:.1f} sentences/s) -> {}",
                            scores.accuracy, scores.macro_f1, labelled.size(), per_second, t.output_path);
    t.result_line = fmt::format("test accuracy {:g}, macro-F1 {:g}", scores.accuracy, scores.macro_f1);
    return t;
  }

  std::string check_summary() override {
    const auto& d = recipe_.data;
    const std::int64_t vocabulary =
        d.sentencepiece_model.empty() ? d.vocab_size : data::SentencePieceModel::load(d.sentencepiece_model).size();
    models::make_classifier(recipe_, vocabulary, static_cast<std::int64_t>(labels_.size()),
                            static_cast<std::uint64_t>(recipe_.training.seed));
    return fmt::format("{} labelled sentences, {} labels ({}){}{}; model classifier ({})", train_.size(),
                       labels_.size(), label_list(), d.dev_source.empty() ? ", no dev set" : ", a dev set",
                       d.test_source.empty() ? "" : fmt::format(", {} test sentences", test_.size()),
                       pooling_description());
  }

 private:
  std::string label_list() const {
    std::string list;
    for (const std::string& name : labels_.names()) list += (list.empty() ? "" : ", ") + name;
    return list;
  }
  std::string pooling_description() const {
    const auto& m = recipe_.model;
    if (m.pooling == "attention" && m.attention_heads > 1)
      return fmt::format("attention pooling ({} heads)", m.attention_heads);
    return m.pooling + " pooling";
  }

  io::Recipe recipe_;
  data::LabelledSentences train_, dev_, test_;  // as read; train_ and dev_ released by prepare()
  data::LabelSet labels_;
  std::shared_ptr<const data::SentencePieceModel> vocabulary_;
  std::shared_ptr<const data::EncodedCorpus> train_corpus_;
  std::unique_ptr<data::TrainingBatcher> batcher_;
  std::vector<std::string> dev_sentences_;
  std::vector<std::int32_t> dev_labels_, test_labels_;
  std::unique_ptr<models::Classifier> model_;
};

}  // namespace

std::unique_ptr<TrainingTask> make_classification_task(const io::Recipe& recipe) {
  return std::make_unique<ClassificationTask>(recipe);
}

}  // namespace nmt::train
