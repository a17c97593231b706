#include "nmt/train/translation_task.h"

#include <fmt/format.h>

#include "nmt/data/sentencepiece_model.h"
#include "nmt/decode/attention_profile.h"
#include "nmt/graph/memory_pool.h"
#include "nmt/io/section_file.h"
#include "nmt/models/factory.h"
#include "nmt/models/saved_model.h"
#include "nmt/train/evaluator.h"

namespace nmt::train {
namespace {

using nlohmann::json;

class TranslationTask final : public TrainingTask {
 public:
  explicit TranslationTask(const io::Recipe& recipe) : recipe_(recipe), inputs_(TrainingData::read(recipe)) {}

  std::size_t training_examples() const override { return inputs_.training_pairs(); }
  void prepare(const io::Sections* checkpoint, const Say& say) override { inputs_.prepare(recipe_, checkpoint, say); }
  const data::EncodedCorpus& train_corpus() const override { return *inputs_.train_corpus; }
  data::TrainingBatcher& batcher() override { return *inputs_.batcher; }
  bool has_dev() const override { return inputs_.dev_corpus != nullptr; }

  void build_model(std::uint64_t seed) override {
    model_ =
        models::make_model(recipe_, inputs_.vocabularies.source->size(), inputs_.vocabularies.target->size(), seed);
  }
  graph::Parameters& parameters() override { return model_->parameters(); }
  std::string model_description() const override {
    return fmt::format("{}, {} attention", recipe_.model.type, model_->attention_description());
  }
  io::Sections model_sections() override { return models::model_sections(recipe_, inputs_.vocabularies, *model_); }
  void save_model(const std::string& path) override {
    models::save_model(path, recipe_, inputs_.vocabularies, *model_);
  }
  void load_model(const std::string& path) override { model_ = models::load_model(path).model; }

  std::int64_t loss_units(const data::Batch& batch) const override {
    return static_cast<std::int64_t>(batch.target_tokens());
  }
  std::string unit_name() const override { return "tok"; }
  std::string throughput_key() const override { return "tokens_per_second"; }
  graph::Var loss(const data::Batch& batch, float label_smoothing, graph::RandomGenerator* dropout) override {
    models::LossOptions options;
    options.label_smoothing = label_smoothing;
    options.dropout = dropout;
    return model_->loss(batch, options).loss;
  }

  // Dev perplexity (teacher forced, no dropout, no smoothing) and greedy dev BLEU.
  Validation validate() override {
    Validation v;
    const double perplexity =
        dev_perplexity(*model_, inputs_.dev_corpus, static_cast<std::size_t>(recipe_.training.batch_tokens));
    v.fields["dev_perplexity"] = perplexity;
    v.metric = -perplexity;
    v.summary = fmt::format("dev perplexity {:.2f}", perplexity);
    if (recipe_.validation.bleu) {
      const ScoredTranslations scored = translate(inputs_.dev_sources, inputs_.dev_references, true);
      const double bleu = scored.bleu.score;
      v.fields["dev_bleu"] = bleu;
      v.summary += fmt::format(", dev BLEU {:.2f}", bleu);
      // Where attention goes along the source (issue 19: do local-p's p_t and luong-location's
      // positions follow the sentence?); see attention_profile.h.
      const decode::AttentionProfile profile = decode::attention_profile(scored.translations);
      if (profile.tokens > 0) {
        v.fields["dev_attention_centre"] = profile.centre;
        v.fields["dev_attention_spread"] = profile.spread;
        v.fields["dev_attention_diagonal"] = profile.diagonal;
        v.summary += fmt::format("; attention centre {:.2f}, spread {:.2f}, diagonal {:.2f}", profile.centre,
                                 profile.spread, profile.diagonal);
      }
      if (recipe_.validation.early_stopping_metric == "bleu") v.metric = bleu;
    }
    return v;
  }

  std::string best_metric_text(double metric) const override {
    return recipe_.validation.bleu && recipe_.validation.early_stopping_metric == "bleu"
               ? fmt::format("the best dev BLEU, {:.2f}", metric)
               : fmt::format("the best dev perplexity, {:.2f}", -metric);
  }

  bool has_test() const override { return !inputs_.test_sources.empty(); }

  TestResult test(const std::filesystem::path& directory) override {
    const ScoredTranslations scored = translate(inputs_.test_sources, inputs_.test_references);
    TestResult t;
    t.output_path = (directory / "test.hyp").string();
    std::string text;
    for (const auto& line : scored.lines) text += line + "\n";
    io::write_file_atomically(t.output_path, text);
    t.bleu = scored.bleu.score;
    t.chrf = scored.chrf.score;
    t.fields = json{{"test_bleu", scored.bleu.score},
                    {"test_chrf", scored.chrf.score},
                    {"bleu_verbose", scored.bleu.verbose()},
                    {"translations", t.output_path},
                    {"sentences", scored.lines.size()},
                    {"sentences_per_second", scored.sentences_per_second()},
                    {"decoding", "greedy"}};
    t.summary = fmt::format("test: BLEU {:.2f}, chrF {:.2f} ({} sentences, greedy, {:.1f} sentences/s) -> {}",
                            scored.bleu.score, scored.chrf.score, scored.lines.size(), scored.sentences_per_second(),
                            t.output_path);
    t.result_line = fmt::format("test BLEU {:g}, chrF {:g}", scored.bleu.score, scored.chrf.score);
    return t;
  }

  std::string check_summary() override {
    const auto& r = recipe_;
    // The model's own constraints (heads dividing d_model, tied sizes, ...), on a vocabulary of
    // the size the run would have.
    std::int64_t source_vocabulary = r.data.vocab_size, target_vocabulary = r.data.vocab_size;
    if (!r.data.sentencepiece_model.empty())
      source_vocabulary = target_vocabulary =
          static_cast<std::int64_t>(data::SentencePieceModel::load(r.data.sentencepiece_model).size());
    const std::unique_ptr<models::Seq2SeqModel> model =
        models::make_model(r, source_vocabulary, target_vocabulary, static_cast<std::uint64_t>(r.training.seed));
    return fmt::format(
        "{} training pairs{}{}; model {} ({})", inputs_.training_pairs(),
        r.data.dev_source.empty() ? ", no dev set" : ", a dev set",
        r.data.test_source.empty() ? "" : fmt::format(", {} test sentences", inputs_.test_sources.size()), r.model.type,
        model->attention_description());
  }

 private:
  ScoredTranslations translate(const std::vector<std::string>& sources, const std::vector<std::string>& references,
                               bool with_attention = false) {
    // Decoding needs less than a training step: with the training capacity its many shapes
    // would fill the pool to its training capacity on top of everything else (issue 15).
    const graph::ScopedMemoryPoolCapacity decoding_capacity(graph::kDecodingMemoryPoolCapacity);
    decode::TranslateOptions options = greedy_options(recipe_, *model_);
    options.beam.attention = with_attention;
    return translate_and_score(*model_, inputs_.vocabularies, sources, references, options);
  }

  io::Recipe recipe_;
  TrainingData inputs_;
  std::unique_ptr<models::Seq2SeqModel> model_;
};

}  // namespace

std::unique_ptr<TrainingTask> make_translation_task(const io::Recipe& recipe) {
  return std::make_unique<TranslationTask>(recipe);
}

}  // namespace nmt::train
