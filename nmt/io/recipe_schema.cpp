// The recipe schema: every key declared once, with its type, default (per model family where
// they differ), range, meaning and the Recipe member it fills. docs/recipes.md documents the
// same table (a spec checks every row against it) and the defaults of the model keys are the
// models' own (a spec checks them against RnnConfig and TransformerConfig).
#include <cstdint>
#include <string>
#include <type_traits>

#include "nmt/io/recipe.h"
#include "nmt/layers/attention/registry.h"

namespace nmt::io {
namespace {

using K = ValueKind;

// The member types a key can fill, and the value kind each one reads by default.
template <class T>
constexpr ValueKind natural_kind() {
  if constexpr (std::is_same_v<T, std::string>)
    return K::string;
  else if constexpr (std::is_same_v<T, bool>)
    return K::boolean;
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return K::integer;
  else {
    static_assert(std::is_same_v<T, double>, "a recipe key fills a std::string, bool, std::int64_t or double");
    return K::real;
  }
}

// A member's value from the canonical text the checks produced (recipe.cpp's checked()).
template <class T>
T parsed(const std::string& canonical) {
  if constexpr (std::is_same_v<T, std::string>)
    return canonical;
  else if constexpr (std::is_same_v<T, bool>)
    return canonical == "true";
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return std::stoll(canonical);
  else
    return std::stod(canonical);
}

// One key's declaration: key("section.name", &Recipe::section, &Section::member, default, help)
// followed by what applies of .range(), .choices(), .as(kind), .for_model(type, default).
struct Key {
  RecipeField field;
  Key& range(double minimum, double maximum) {
    field.minimum = minimum;
    field.maximum = maximum;
    return *this;
  }
  Key& choices(std::vector<std::string> names) {
    field.kind = K::choice;
    field.choices = std::move(names);
    return *this;
  }
  Key& as(ValueKind kind) {
    field.kind = kind;
    return *this;
  }
  Key& for_model(std::string type, std::string default_value) {
    field.model_defaults.emplace_back(std::move(type), std::move(default_value));
    return *this;
  }
  Key& required() {
    field.required = true;
    return *this;
  }
  operator RecipeField() const { return field; }
};

template <class Section, class T>
Key key(std::string path, Section Recipe::*section, T Section::*member, std::string default_value, std::string help) {
  Key k;
  k.field.path = std::move(path);
  k.field.kind = natural_kind<T>();
  k.field.default_value = std::move(default_value);
  k.field.help = std::move(help);
  k.field.assign = [section, member](Recipe& recipe, const std::string& canonical) {
    (recipe.*section).*member = parsed<T>(canonical);
  };
  return k;
}

std::vector<RecipeField> make_schema() {
  using D = DataRecipe;
  using M = ModelRecipe;
  using T = TrainingRecipe;
  using V = ValidationRecipe;
  using O = OutputRecipe;
  const auto data = &Recipe::data;
  const auto model = &Recipe::model;
  const auto training = &Recipe::training;
  const auto validation = &Recipe::validation;
  const auto output = &Recipe::output;
  return {
      key("data.train_source", data, &D::train_source, "",
          "training source sentences, one per line (plain or .gz); classifier: the sentences to label")
          .as(K::path)
          .required(),
      key("data.train_target", data, &D::train_target, "",
          "training target sentences, aligned with train_source (translation models: required)")
          .as(K::path),
      key("data.train_labels", data, &D::train_labels, "",
          "classifier: the label of each training sentence, one per line (any text; the label set is read from it)")
          .as(K::path),
      key("data.dev_source", data, &D::dev_source, "",
          "development source sentences (validation); empty: no validation")
          .as(K::path),
      key("data.dev_target", data, &D::dev_target, "", "development references").as(K::path),
      key("data.dev_labels", data, &D::dev_labels, "", "classifier: the labels of the dev sentences").as(K::path),
      key("data.test_source", data, &D::test_source, "", "test source sentences, translated and scored after training")
          .as(K::path),
      key("data.test_target", data, &D::test_target, "", "test references").as(K::path),
      key("data.test_labels", data, &D::test_labels, "", "classifier: the labels of the test sentences").as(K::path),
      key("data.source_language", data, &D::source_language, "src", "source language code (reports only)"),
      key("data.target_language", data, &D::target_language, "tgt", "target language code (reports only)"),
      key("data.max_length", data, &D::max_length, "100",
          "longest training sentence in subwords; longer pairs are skipped and counted")
          .range(1, 10000),
      key("data.sentencepiece_model", data, &D::sentencepiece_model, "",
          "an existing SentencePiece model; empty: train one on the training data")
          .as(K::path),
      key("data.vocab_size", data, &D::vocab_size, "8000", "SentencePiece vocabulary size (per model)")
          .range(16, 1000000),
      key("data.character_coverage", data, &D::character_coverage, "1.0", "SentencePiece character coverage")
          .range(0.9, 1.0),
      key("data.sentencepiece_type", data, &D::sentencepiece_type, "unigram", "SentencePiece model type")
          .choices({"unigram", "bpe"}),
      key("data.joint_vocabulary", data, &D::joint_vocabulary, "true", "one SentencePiece model for both languages"),

      key("model.type", model, &M::type, "rnn", "model family (classifier: a sentence classifier, not a translator)")
          .choices({"rnn", "transformer", "classifier"}),
      key("model.attention", model, &M::attention, "luong-general", "attention mechanism of the RNN model")
          .choices(layers::attention_mechanism_names()),
      key("model.local_score", model, &M::local_score, "general", "score function of local-m and local-p")
          .choices({"dot", "general", "concat"}),
      key("model.attention_window", model, &M::attention_window, "10", "D: local attention looks at [p_t - D, p_t + D]")
          .range(0, 1000),
      key("model.attention_hidden", model, &M::attention_hidden, "256",
          "hidden size of the additive (bahdanau, concat) score; classifier: of the attention pooling's score")
          .range(1, 65536)
          .for_model("classifier", "128"),
      key("model.input_feeding", model, &M::input_feeding, "true",
          "feed the attentional state h~_{t-1} into the decoder (Luong)"),
      key("model.embedding_size", model, &M::embedding_size, "256", "source and target embedding size").range(1, 65536),
      key("model.encoder_hidden", model, &M::encoder_hidden, "256", "encoder LSTM size per direction")
          .range(1, 65536)
          .for_model("classifier", "128"),
      key("model.encoder_layers", model, &M::encoder_layers, "1",
          "encoder layers (rnn: bidirectional LSTM layers; transformer: blocks)")
          .range(1, 16)
          .for_model("transformer", "3"),
      key("model.decoder_hidden", model, &M::decoder_hidden, "256", "decoder LSTM size").range(1, 65536),
      key("model.decoder_layers", model, &M::decoder_layers, "1",
          "decoder layers (rnn: LSTM layers; transformer: blocks)")
          .range(1, 16)
          .for_model("transformer", "3"),
      key("model.dropout", model, &M::dropout, "0.2",
          "rnn: dropout on embeddings, between layers and before the output layer; transformer: on embeddings "
          "and every sublayer's output")
          .range(0, 0.95)
          .for_model("transformer", "0.1"),
      key("model.tie_output_embeddings", model, &M::tie_output_embeddings, "false",
          "output projection shares the target embeddings"),
      key("model.d_model", model, &M::d_model, "256", "transformer: embedding and hidden size").range(1, 65536),
      key("model.feed_forward", model, &M::feed_forward, "1024", "transformer: inner size of the feed-forward blocks")
          .range(1, 262144),
      key("model.heads", model, &M::heads, "4", "transformer: attention heads (must divide d_model)").range(1, 1024),
      key("model.attention_dropout", model, &M::attention_dropout, "0", "transformer: dropout on attention weights")
          .range(0, 0.95),
      key("model.feed_forward_dropout", model, &M::feed_forward_dropout, "0",
          "transformer: dropout inside the feed-forward blocks")
          .range(0, 0.95),
      key("model.pre_norm", model, &M::pre_norm, "true",
          "transformer: layer norm before each sublayer (false: after, as in the paper)"),
      key("model.tie_embeddings", model, &M::tie_embeddings, "false",
          "transformer: one table for source and target embeddings and the output (joint vocabulary)"),
      key("model.pooling", model, &M::pooling, "attention",
          "classifier: how the encoder states become one vector (last, mean, max, or additive self-attention)")
          .choices({"last", "mean", "max", "attention"}),
      key("model.attention_heads", model, &M::attention_heads, "1",
          "classifier: attention pooling heads, each with its own score, their vectors concatenated")
          .range(1, 64),

      key("training.learning_rate", training, &T::learning_rate, "0.001", "Adam learning rate (peak, with warm-up)")
          .range(0, 10),
      key("training.beta1", training, &T::beta1, "0.9", "Adam beta1").range(0, 0.999999),
      key("training.beta2", training, &T::beta2, "0.999", "Adam beta2").range(0, 0.999999999),
      key("training.epsilon", training, &T::epsilon, "1e-8", "Adam epsilon").range(0, 1),
      key("training.weight_decay", training, &T::weight_decay, "0", "decoupled weight decay (AdamW)").range(0, 1),
      key("training.schedule", training, &T::schedule, "constant", "learning-rate schedule")
          .choices({"constant", "inverse-sqrt", "plateau"}),
      key("training.warmup_steps", training, &T::warmup_steps, "0", "linear warm-up steps (all schedules)")
          .range(0, 10000000),
      key("training.plateau_factor", training, &T::plateau_factor, "0.5",
          "plateau: factor applied when the dev metric stalls")
          .range(0.01, 1),
      key("training.plateau_patience", training, &T::plateau_patience, "2",
          "plateau: validations without improvement before decaying")
          .range(0, 1000),
      key("training.min_learning_rate", training, &T::min_learning_rate, "0", "plateau: lowest learning rate")
          .range(0, 10),
      key("training.clip_norm", training, &T::clip_norm, "5.0", "global gradient-norm limit; 0: no clipping")
          .range(0, 1e6),
      key("training.batch_tokens", training, &T::batch_tokens, "2000", "padded tokens per batch (each side)")
          .range(16, 10000000),
      key("training.accumulate", training, &T::accumulate, "1", "batches whose gradients make one update")
          .range(1, 1024),
      key("training.label_smoothing", training, &T::label_smoothing, "0.1", "label smoothing epsilon")
          .range(0, 0.99)
          .for_model("classifier", "0"),
      key("training.max_epochs", training, &T::max_epochs, "0", "stop after this many epochs; 0: no limit")
          .range(0, 1000000),
      key("training.max_steps", training, &T::max_steps, "0", "stop after this many updates; 0: no limit")
          .range(0, 1000000000),
      key("training.max_time", training, &T::max_seconds, "0",
          "stop after this much training time (\"25m\", \"1h30m\", seconds); 0: no limit")
          .as(K::duration)
          .range(0, 1e9),
      key("training.seed", training, &T::seed, "1", "seed of initialisation, batch order and dropout")
          .range(0, 4294967295.0),
      key("training.threads", training, &T::threads, "2", "compute threads").range(1, 1024),
      key("training.precision", training, &T::precision, "f32",
          "precision of the matrix products (linear layers, attention, LSTM layers): f32, or bf16 (bfloat16 "
          "operands, f32 accumulation; weights, optimizer, softmax, layer norm, the loss and the LSTM cell state stay "
          "f32); bf16 needs a CPU with AVX512_BF16 or AMX; auto: bf16 where the CPU has it, else f32 with a warning")
          .choices({"f32", "bf16", "auto"}),
      key("training.log_every", training, &T::log_every, "100", "updates between log lines (and metrics records)")
          .range(1, 1000000),

      key("validation.every_steps", validation, &V::every_steps, "1000", "updates between validations")
          .range(1, 1000000000),
      key("validation.bleu", validation, &V::bleu, "true", "also decode the dev set (greedy) and score BLEU"),
      key("validation.max_sentences", validation, &V::max_sentences, "0", "dev sentences to decode for BLEU; 0: all")
          .range(0, 100000000),
      key("validation.max_output_ratio", validation, &V::max_output_ratio_percent, "200",
          "longest output as a percentage of the source length (+10 tokens)")
          .range(10, 10000),
      key("validation.early_stopping_metric", validation, &V::early_stopping_metric, "bleu",
          "metric for early stopping, the plateau schedule and the best model (translation: bleu, perplexity; "
          "classifier: accuracy, macro_f1, perplexity)")
          .choices({"bleu", "perplexity", "accuracy", "macro_f1"})
          .for_model("classifier", "accuracy"),
      key("validation.patience", validation, &V::patience, "0",
          "validations without improvement before stopping; 0: never")
          .range(0, 100000),

      key("output.directory", output, &O::directory, "runs/default",
          "run directory: checkpoints, model, metrics, translations")
          .as(K::path),
      key("output.keep_checkpoints", output, &O::keep_checkpoints, "2", "most recent checkpoints kept").range(1, 1000),
      key("output.keep_best", output, &O::keep_best, "true",
          "with a dev set, model.nmt is the validated model with the best dev metric; false: the last validated one"),
      key("output.translate_test", output, &O::translate_test, "true",
          "after training, translate (classifier: label) and score the test split"),
  };
}

}  // namespace

const std::string& RecipeField::default_for(const std::string& model_type) const {
  for (const auto& [type, value] : model_defaults)
    if (type == model_type) return value;
  return default_value;
}

const std::vector<RecipeField>& recipe_schema() {
  static const std::vector<RecipeField> schema = make_schema();
  return schema;
}

}  // namespace nmt::io
