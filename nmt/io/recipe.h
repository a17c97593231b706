// Training recipes: YAML files, validated strictly against the schema in recipe_schema.cpp.
//
// An unknown key, a value of the wrong type or out of range, or a missing required key is a
// RecipeError naming the file, line and column (or the --set override), and for an unknown key
// the closest valid one. Every key, its type and default are listed in docs/recipes.md.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace nmt::io {

class RecipeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
// A RecipeError in a --set override: a mistake on the command line (nmt-train exits 2 for it).
class OverrideError : public RecipeError {
 public:
  using RecipeError::RecipeError;
};

enum class ValueKind { string, path, integer, real, boolean, choice, duration };

struct Recipe;

// One key of the schema (recipe_schema.cpp declares each key once: its name, type, default,
// range, meaning and the Recipe member it fills; docs/recipes.md documents the same table and
// a spec checks every row against it).
struct RecipeField {
  std::string path;  // "training.learning_rate"
  ValueKind kind;
  std::string default_value;  // as written in YAML; empty and required: no default
  // Defaults that depend on model.type, where they differ from default_value: e.g. the
  // Transformer's 3 encoder layers against the RNN's 1.
  std::vector<std::pair<std::string, std::string>> model_defaults;
  bool required = false;
  double minimum = -1e300, maximum = 1e300;
  std::vector<std::string> choices;  // for ValueKind::choice
  std::string help;
  // Stores a checked value (its canonical text) in the Recipe member this key fills.
  std::function<void(Recipe&, const std::string&)> assign;

  const std::string& default_for(const std::string& model_type) const;
};
const std::vector<RecipeField>& recipe_schema();

// The members of each section, filled from the schema's keys (recipe_schema.cpp); the keys of
// one model family are used by that family only.
struct DataRecipe {
  std::string train_source, train_target, dev_source, dev_target, test_source, test_target;
  std::string train_labels, dev_labels, test_labels;  // classifier: one label per line
  std::string source_language, target_language;
  std::int64_t max_length;
  std::string sentencepiece_model;  // a trained model to use; empty: train one
  std::int64_t vocab_size;
  double character_coverage;
  std::string sentencepiece_type;  // unigram | bpe
  bool joint_vocabulary;
};

struct ModelRecipe {
  std::string type;  // rnn | transformer | classifier
  // Both families (defaults per family).
  std::int64_t encoder_layers, decoder_layers;
  double dropout;
  bool tie_output_embeddings;
  // rnn
  std::string attention, local_score;
  std::int64_t attention_window, attention_hidden;
  bool input_feeding;
  std::int64_t embedding_size, encoder_hidden, decoder_hidden;
  // transformer
  std::int64_t d_model, feed_forward, heads;
  double attention_dropout, feed_forward_dropout;
  bool pre_norm, tie_embeddings;
  // classifier (with embedding_size, encoder_hidden, encoder_layers, dropout, attention_hidden)
  std::string pooling;  // last | mean | max | attention
  std::int64_t attention_heads;
};

struct TrainingRecipe {
  double learning_rate, beta1, beta2, epsilon, weight_decay;
  std::string schedule;  // constant | inverse-sqrt | plateau
  std::int64_t warmup_steps, plateau_patience;
  double plateau_factor, min_learning_rate;
  double clip_norm;
  std::int64_t batch_tokens, accumulate;
  double label_smoothing;
  std::int64_t max_epochs, max_steps;
  double max_seconds;  // 0: no limit
  std::int64_t seed, threads, log_every;
  std::string precision;  // f32 | bf16 | auto: of the matrix products (graph/precision.h)
};

struct ValidationRecipe {
  std::int64_t every_steps;
  bool bleu;
  std::int64_t max_sentences;  // 0: the whole dev set
  std::int64_t max_output_ratio_percent;
  std::string early_stopping_metric;  // bleu | perplexity (translation); accuracy | macro_f1 | perplexity
  std::int64_t patience;              // 0: no early stopping
};

struct OutputRecipe {
  std::string directory;
  std::int64_t keep_checkpoints;
  bool keep_best;
  bool translate_test;
};

struct Recipe {
  std::string origin;          // the recipe file (for messages)
  std::string effective_yaml;  // every key with its value after overrides and defaults
  std::vector<std::string> overrides;
  std::map<std::string, std::string> values;  // every key -> its canonical value text
  DataRecipe data;
  ModelRecipe model;
  TrainingRecipe training;
  ValidationRecipe validation;
  OutputRecipe output;
};

// overrides: "section.key=value" (a YAML scalar). Relative paths in a recipe are relative to the
// directory nmt-train runs in (the repository's recipes name corpora/... for that reason).
Recipe parse_recipe(const std::string& yaml_text, const std::string& origin,
                    const std::vector<std::string>& overrides = {});
Recipe load_recipe(const std::string& path, const std::vector<std::string>& overrides = {});

// The same recipe with every relative path (ValueKind::path keys) made absolute against `base`
// and normalised ("runs/x/", "./runs/x" and "/abs/runs/x" become one path), so that a run
// directory names its files wherever it is resumed from.
Recipe with_absolute_paths(const Recipe& recipe, const std::string& base);

// "25m", "1h30m", "90s", "2h" or a number of seconds -> seconds.
double parse_duration(const std::string& text);

}  // namespace nmt::io
