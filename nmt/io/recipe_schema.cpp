// The recipe schema: every key, its type, default, range and meaning. docs/recipes.md
// documents the same table (a test checks that every key here appears there).
#include "nmt/io/recipe.h"
#include "nmt/layers/attention/registry.h"

namespace nmt::io {
namespace {

using K = ValueKind;

RecipeField field(std::string path, K kind, std::string default_value, std::string help, double minimum = -1e300,
                  double maximum = 1e300, std::vector<std::string> choices = {}) {
  RecipeField f;
  f.path = std::move(path);
  f.kind = kind;
  f.default_value = std::move(default_value);
  f.help = std::move(help);
  f.minimum = minimum;
  f.maximum = maximum;
  f.choices = std::move(choices);
  return f;
}

RecipeField required(std::string path, K kind, std::string help) {
  RecipeField f = field(std::move(path), kind, "", std::move(help));
  f.required = true;
  return f;
}

std::vector<RecipeField> make_schema() {
  return {
      required("data.train_source", K::path, "training source sentences, one per line (plain or .gz)"),
      required("data.train_target", K::path, "training target sentences, aligned with train_source"),
      field("data.dev_source", K::path, "", "development source sentences (validation); empty: no validation"),
      field("data.dev_target", K::path, "", "development references"),
      field("data.test_source", K::path, "", "test source sentences, translated and scored after training"),
      field("data.test_target", K::path, "", "test references"),
      field("data.source_language", K::string, "src", "source language code (reports only)"),
      field("data.target_language", K::string, "tgt", "target language code (reports only)"),
      field("data.max_length", K::integer, "100",
            "longest training sentence in subwords; longer pairs are skipped and counted", 1, 10000),
      field("data.sentencepiece_model", K::path, "",
            "an existing SentencePiece model; empty: train one on the training data"),
      field("data.vocab_size", K::integer, "8000", "SentencePiece vocabulary size (per model)", 16, 1000000),
      field("data.character_coverage", K::real, "1.0", "SentencePiece character coverage", 0.9, 1.0),
      field("data.sentencepiece_type", K::choice, "unigram", "SentencePiece model type", -1e300, 1e300,
            {"unigram", "bpe"}),
      field("data.joint_vocabulary", K::boolean, "true", "one SentencePiece model for both languages"),

      field("model.type", K::choice, "rnn", "model family", -1e300, 1e300, {"rnn", "transformer"}),
      field("model.attention", K::choice, "luong-general", "attention mechanism of the RNN model", -1e300, 1e300,
            layers::attention_mechanism_names()),
      field("model.local_score", K::choice, "general", "score function of local-m and local-p", -1e300, 1e300,
            {"dot", "general", "concat"}),
      field("model.attention_window", K::integer, "10", "D: local attention looks at [p_t - D, p_t + D]", 0, 1000),
      field("model.attention_hidden", K::integer, "256", "hidden size of the additive (bahdanau, concat) score", 1,
            65536),
      field("model.input_feeding", K::boolean, "true", "feed the attentional state h~_{t-1} into the decoder (Luong)"),
      field("model.embedding_size", K::integer, "256", "source and target embedding size", 1, 65536),
      field("model.encoder_hidden", K::integer, "256", "encoder LSTM size per direction", 1, 65536),
      field("model.encoder_layers", K::integer, "1", "bidirectional encoder layers", 1, 16),
      field("model.decoder_hidden", K::integer, "256", "decoder LSTM size", 1, 65536),
      field("model.decoder_layers", K::integer, "1", "decoder LSTM layers", 1, 16),
      field("model.dropout", K::real, "0.2", "dropout on embeddings, between layers and before the output layer", 0,
            0.95),
      field("model.tie_output_embeddings", K::boolean, "false", "output projection shares the target embeddings"),
      field("model.d_model", K::integer, "256", "transformer: embedding and hidden size", 1, 65536),
      field("model.feed_forward", K::integer, "1024", "transformer: inner size of the feed-forward blocks", 1, 262144),
      field("model.heads", K::integer, "4", "transformer: attention heads (must divide d_model)", 1, 1024),
      field("model.attention_dropout", K::real, "0", "transformer: dropout on attention weights", 0, 0.95),
      field("model.feed_forward_dropout", K::real, "0", "transformer: dropout inside the feed-forward blocks", 0, 0.95),
      field("model.pre_norm", K::boolean, "true",
            "transformer: layer norm before each sublayer (false: after, as in the paper)"),
      field("model.tie_embeddings", K::boolean, "false",
            "transformer: one table for source and target embeddings and the output (joint vocabulary)"),

      field("training.learning_rate", K::real, "0.001", "Adam learning rate (peak, with warm-up)", 0, 10),
      field("training.beta1", K::real, "0.9", "Adam beta1", 0, 0.999999),
      field("training.beta2", K::real, "0.999", "Adam beta2", 0, 0.999999999),
      field("training.epsilon", K::real, "1e-8", "Adam epsilon", 0, 1),
      field("training.weight_decay", K::real, "0", "decoupled weight decay (AdamW)", 0, 1),
      field("training.schedule", K::choice, "constant", "learning-rate schedule", -1e300, 1e300,
            {"constant", "inverse-sqrt", "plateau"}),
      field("training.warmup_steps", K::integer, "0", "linear warm-up steps (all schedules)", 0, 10000000),
      field("training.plateau_factor", K::real, "0.5", "plateau: factor applied when the dev metric stalls", 0.01, 1),
      field("training.plateau_patience", K::integer, "2", "plateau: validations without improvement before decaying", 0,
            1000),
      field("training.min_learning_rate", K::real, "0", "plateau: lowest learning rate", 0, 10),
      field("training.clip_norm", K::real, "5.0", "global gradient-norm limit; 0: no clipping", 0, 1e6),
      field("training.batch_tokens", K::integer, "2000", "padded tokens per batch (each side)", 16, 10000000),
      field("training.accumulate", K::integer, "1", "batches whose gradients make one update", 1, 1024),
      field("training.label_smoothing", K::real, "0.1", "label smoothing epsilon", 0, 0.99),
      field("training.max_epochs", K::integer, "0", "stop after this many epochs; 0: no limit", 0, 1000000),
      field("training.max_steps", K::integer, "0", "stop after this many updates; 0: no limit", 0, 1000000000),
      field("training.max_time", K::duration, "0",
            "stop after this much training time (\"25m\", \"1h30m\", seconds); 0: no limit", 0, 1e9),
      field("training.seed", K::integer, "1", "seed of initialisation, batch order and dropout", 0, 4294967295.0),
      field("training.threads", K::integer, "2", "compute threads", 1, 1024),
      field("training.log_every", K::integer, "100", "updates between log lines (and metrics records)", 1, 1000000),

      field("validation.every_steps", K::integer, "1000", "updates between validations", 1, 1000000000),
      field("validation.bleu", K::boolean, "true", "also decode the dev set (greedy) and score BLEU"),
      field("validation.max_sentences", K::integer, "0", "dev sentences to decode for BLEU; 0: all", 0, 100000000),
      field("validation.max_output_ratio", K::integer, "200",
            "longest output as a percentage of the source length (+10 tokens)", 10, 10000),
      field("validation.early_stopping_metric", K::choice, "bleu",
            "metric for early stopping, the plateau schedule and the best model", -1e300, 1e300,
            {"bleu", "perplexity"}),
      field("validation.patience", K::integer, "0", "validations without improvement before stopping; 0: never", 0,
            100000),

      field("output.directory", K::path, "runs/default", "run directory: checkpoints, model, metrics, translations"),
      field("output.keep_checkpoints", K::integer, "2", "most recent checkpoints kept", 1, 1000),
      field("output.keep_best", K::boolean, "true",
            "with a dev set, model.nmt is the validated model with the best dev metric; false: the last validated one"),
      field("output.translate_test", K::boolean, "true", "after training, translate and score the test split"),
  };
}

}  // namespace

const std::vector<RecipeField>& recipe_schema() {
  static const std::vector<RecipeField> schema = make_schema();
  return schema;
}

}  // namespace nmt::io
