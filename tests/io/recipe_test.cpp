// Recipes are strict: every mistake is an error naming the file, line and column (or the
// --set override), with the closest valid key for a misspelt one.
#include "nmt/io/recipe.h"

#include <gtest/gtest.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <map>
#include <sstream>

#include "nmt/layers/attention/registry.h"

namespace nmt::io {
namespace {

const std::string kMinimal =
    "data:\n"
    "  train_source: a.en\n"
    "  train_target: a.fr\n"
    "training:\n"
    "  max_steps: 10\n";

std::string error_of(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  try {
    parse_recipe(yaml, "r.yaml", overrides);
  } catch (const RecipeError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Recipe, MinimalRecipeGetsTheDocumentedDefaults) {
  const Recipe r = parse_recipe(kMinimal, "r.yaml");
  EXPECT_EQ(r.data.train_source, "a.en");
  EXPECT_EQ(r.training.max_steps, 10);
  EXPECT_EQ(r.model.attention, "luong-general");
  EXPECT_DOUBLE_EQ(r.training.learning_rate, 0.001);
  EXPECT_EQ(r.output.directory, "runs/default");
  for (const auto& f : recipe_schema()) EXPECT_TRUE(r.values.count(f.path)) << f.path;
}

// A valid value of `f` other than its default (for the binding spec below).
std::string another_value(const RecipeField& f) {
  const std::string leaf = f.path.substr(f.path.find('.') + 1);
  switch (f.kind) {
    case ValueKind::string:
    case ValueKind::path:
      return "other_" + leaf;
    case ValueKind::boolean:
      return f.default_value == "true" ? "false" : "true";
    case ValueKind::choice:
      return f.choices.front() == f.default_value ? f.choices.back() : f.choices.front();
    case ValueKind::integer:
      return std::to_string(std::stoll(f.default_value) + 1 <= f.maximum ? std::stoll(f.default_value) + 1
                                                                         : std::stoll(f.default_value) - 1);
    case ValueKind::real:
    case ValueKind::duration: {
      std::ostringstream text;
      text << (f.minimum + f.maximum) / 2;  // every real key has a finite range
      return text.str();
    }
  }
  return "";
}

// Each member of the recipe structs, read by hand (not through the schema): what a key must fill.
template <class T>
std::string member_text(const T& value) {
  if constexpr (std::is_same_v<T, std::string>)
    return value;
  else if constexpr (std::is_same_v<T, bool>)
    return value ? "true" : "false";
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return std::to_string(value);
  else {
    char buffer[64];  // the canonical text of a real: the shortest that reads back the same
    return std::string(buffer, std::to_chars(buffer, buffer + sizeof buffer, value).ptr);
  }
}
#define MEMBER(section, key, member)                                                 \
  {                                                                                  \
#section "." #key, [](const Recipe& r) { return member_text(r.section.member); } \
  }
const std::map<std::string, std::function<std::string(const Recipe&)>>& members() {
  static const std::map<std::string, std::function<std::string(const Recipe&)>> table = {
      MEMBER(data, train_source, train_source),
      MEMBER(data, train_target, train_target),
      MEMBER(data, dev_source, dev_source),
      MEMBER(data, dev_target, dev_target),
      MEMBER(data, test_source, test_source),
      MEMBER(data, test_target, test_target),
      MEMBER(data, source_language, source_language),
      MEMBER(data, target_language, target_language),
      MEMBER(data, max_length, max_length),
      MEMBER(data, sentencepiece_model, sentencepiece_model),
      MEMBER(data, vocab_size, vocab_size),
      MEMBER(data, character_coverage, character_coverage),
      MEMBER(data, sentencepiece_type, sentencepiece_type),
      MEMBER(data, joint_vocabulary, joint_vocabulary),
      MEMBER(data, train_labels, train_labels),
      MEMBER(data, dev_labels, dev_labels),
      MEMBER(data, test_labels, test_labels),
      MEMBER(model, type, type),
      MEMBER(model, attention, attention),
      MEMBER(model, local_score, local_score),
      MEMBER(model, attention_window, attention_window),
      MEMBER(model, attention_hidden, attention_hidden),
      MEMBER(model, input_feeding, input_feeding),
      MEMBER(model, embedding_size, embedding_size),
      MEMBER(model, encoder_hidden, encoder_hidden),
      MEMBER(model, encoder_layers, encoder_layers),
      MEMBER(model, decoder_hidden, decoder_hidden),
      MEMBER(model, decoder_layers, decoder_layers),
      MEMBER(model, dropout, dropout),
      MEMBER(model, tie_output_embeddings, tie_output_embeddings),
      MEMBER(model, d_model, d_model),
      MEMBER(model, feed_forward, feed_forward),
      MEMBER(model, heads, heads),
      MEMBER(model, attention_dropout, attention_dropout),
      MEMBER(model, feed_forward_dropout, feed_forward_dropout),
      MEMBER(model, pre_norm, pre_norm),
      MEMBER(model, tie_embeddings, tie_embeddings),
      MEMBER(model, pooling, pooling),
      MEMBER(model, attention_heads, attention_heads),
      MEMBER(training, learning_rate, learning_rate),
      MEMBER(training, beta1, beta1),
      MEMBER(training, beta2, beta2),
      MEMBER(training, epsilon, epsilon),
      MEMBER(training, weight_decay, weight_decay),
      MEMBER(training, schedule, schedule),
      MEMBER(training, warmup_steps, warmup_steps),
      MEMBER(training, plateau_factor, plateau_factor),
      MEMBER(training, plateau_patience, plateau_patience),
      MEMBER(training, min_learning_rate, min_learning_rate),
      MEMBER(training, clip_norm, clip_norm),
      MEMBER(training, batch_tokens, batch_tokens),
      MEMBER(training, accumulate, accumulate),
      MEMBER(training, label_smoothing, label_smoothing),
      MEMBER(training, max_epochs, max_epochs),
      MEMBER(training, max_steps, max_steps),
      MEMBER(training, max_time, max_seconds),
      MEMBER(training, seed, seed),
      MEMBER(training, threads, threads),
      MEMBER(training, log_every, log_every),
      MEMBER(training, precision, precision),
      MEMBER(validation, every_steps, every_steps),
      MEMBER(validation, bleu, bleu),
      MEMBER(validation, max_sentences, max_sentences),
      MEMBER(validation, max_output_ratio, max_output_ratio_percent),
      MEMBER(validation, early_stopping_metric, early_stopping_metric),
      MEMBER(validation, patience, patience),
      MEMBER(output, directory, directory),
      MEMBER(output, keep_checkpoints, keep_checkpoints),
      MEMBER(output, keep_best, keep_best),
      MEMBER(output, translate_test, translate_test),
  };
  return table;
}
#undef MEMBER

// One declaration per key binds it to its member: a key set to another value changes that
// key's member and no other (two keys bound to one member, or two members of one type swapped,
// fail here: the members are read by hand above).
TEST(Recipe, EveryKeyFillsItsOwnMember) {
  EXPECT_EQ(members().size(), recipe_schema().size());
  for (const auto& f : recipe_schema()) {
    ASSERT_TRUE(members().count(f.path)) << f.path << " has no member in the spec's table";
    std::vector<std::string> overrides;
    // Keys of a classifier's recipe (its labels instead of target sentences; its metrics), and
    // keys that only go together.
    const std::vector<std::string> classifier = {"model.type=classifier", "data.train_target=", "data.train_labels=x"};
    const bool for_classifier =
        f.path == "model.type" || f.path.ends_with("_labels") || f.path == "validation.early_stopping_metric";
    if (for_classifier) overrides = classifier;
    for (const auto& [a, b] :
         {std::pair{"data.dev_source", "data.dev_target"}, {"data.test_source", "data.test_target"}})
      if (f.path == a || f.path == b) overrides.push_back(std::string(f.path == a ? b : a) + "=x");
    if (f.path == "data.dev_labels") overrides.push_back("data.dev_source=x");
    if (f.path == "data.test_labels") overrides.push_back("data.test_source=x");
    overrides.push_back(f.path + "=" + another_value(f));  // last: it wins
    const Recipe r = parse_recipe(kMinimal, "r.yaml", overrides);
    std::vector<std::string> family = {"model.type=" + r.model.type};
    if (r.model.type == "classifier") family = classifier;
    const Recipe defaults = parse_recipe(kMinimal, "r.yaml", family);
    // The value given is not the default (of the same model family: model.type aside).
    EXPECT_NE(r.values.at(f.path), f.path == "model.type" ? f.default_value : defaults.values.at(f.path)) << f.path;
    for (const auto& g : recipe_schema())
      EXPECT_EQ(members().at(g.path)(r), r.values.at(g.path))
          << "setting " << f.path << " left the member of " << g.path << " at " << members().at(g.path)(r) << ", not "
          << r.values.at(g.path);
  }
}

TEST(Recipe, MisspeltKeyNamesLineColumnAndTheClosestKey) {
  const std::string e = error_of(kMinimal + "  learnig_rate: 0.1\n");
  EXPECT_EQ(e, "r.yaml:6:3: unknown key 'training.learnig_rate' (did you mean 'training.learning_rate'?)");
  EXPECT_EQ(error_of("dta:\n  x: 1\n"), "r.yaml:1:1: unknown section 'dta' (did you mean 'data'?)");
}

TEST(Recipe, WrongTypesAndRangesNameTheKey) {
  EXPECT_EQ(error_of(kMinimal + "  learning_rate: fast\n"),
            "r.yaml:6:18: training.learning_rate: expected a number, got 'fast'");
  EXPECT_EQ(error_of(kMinimal + "  batch_tokens: 1.5\n"),
            "r.yaml:6:17: training.batch_tokens: expected a whole number, got '1.5'");
  EXPECT_EQ(error_of(kMinimal + "  threads: 0\n"), "r.yaml:6:12: training.threads: 0 is out of range [1, 1024]");
  EXPECT_NE(error_of(kMinimal + "model:\n  attention: luong-dott\n").find("'luong-dott' is not one of: none, bahdanau"),
            std::string::npos);
  EXPECT_NE(error_of(kMinimal + "model:\n  input_feeding: maybe\n").find("expected true or false"), std::string::npos);
  EXPECT_NE(error_of(kMinimal + "  max_time: soon\n").find("training.max_time: 'soon' is not a duration"),
            std::string::npos);
  EXPECT_NE(error_of(kMinimal + "  seed: [1, 2]\n").find("expected a single value, got a list"), std::string::npos);
}

TEST(Recipe, MissingRequiredKeysAndInconsistentPairs) {
  EXPECT_EQ(error_of("data:\n  train_target: a.fr\ntraining:\n  max_steps: 1\n"),
            "r.yaml: missing required key 'data.train_source' (training source sentences, one per line (plain or .gz); "
            "classifier: the sentences to label)");
  EXPECT_EQ(error_of("data:\n  train_source: a.en\ntraining:\n  max_steps: 1\n"),
            "r.yaml: missing required key 'data.train_target' (training target sentences, aligned with train_source)");
  EXPECT_NE(error_of(kMinimal + "data2: {}\n").find("unknown section 'data2'"), std::string::npos);
  EXPECT_NE(error_of("data:\n  train_source: a\n  train_target: b\n").find("no stopping rule"), std::string::npos);
  EXPECT_NE(error_of(kMinimal.substr(0, kMinimal.find("training")) + "  dev_source: d.en\ntraining:\n  max_steps: 1\n")
                .find("data.dev_source and data.dev_target must be given together"),
            std::string::npos);
  EXPECT_NE(error_of("data: [1]\n").find("section 'data' must be a mapping"), std::string::npos);
  EXPECT_NE(error_of("data:\n  train_source: a\n  train_source: b\n").find("r.yaml:"), std::string::npos);
  EXPECT_NE(error_of("data:\n  x: [\n").find("not valid YAML"), std::string::npos);
}

TEST(Recipe, OverridesApplyAreCheckedAndRecorded) {
  const Recipe r = parse_recipe(kMinimal, "r.yaml", {"training.learning_rate=0.005", "model.attention=local-p"});
  EXPECT_DOUBLE_EQ(r.training.learning_rate, 0.005);
  EXPECT_EQ(r.model.attention, "local-p");
  EXPECT_NE(r.effective_yaml.find("# --set training.learning_rate=0.005"), std::string::npos);
  // The effective recipe parses back to the same values.
  EXPECT_EQ(parse_recipe(r.effective_yaml, "effective.yaml").values, r.values);
  EXPECT_EQ(error_of(kMinimal, {"training.lr=0.1"}),
            "--set training.lr=0.1: unknown key 'training.lr' (did you mean 'training.learning_rate'?)");
  EXPECT_EQ(error_of(kMinimal, {"training.colour=red"}), "--set training.colour=red: unknown key 'training.colour'");
  EXPECT_EQ(error_of(kMinimal, {"training.learning_rate=x"}),
            "--set training.learning_rate=x: training.learning_rate: expected a number, got 'x'");
  EXPECT_NE(error_of(kMinimal, {"training.learning_rate"}).find("expected section.key=value"), std::string::npos);
}

TEST(Recipe, OverrideMistakesAreCommandLineErrors) {
  EXPECT_THROW(parse_recipe(kMinimal, "r.yaml", {"training.learning_rate"}), OverrideError);
  EXPECT_THROW(parse_recipe(kMinimal, "r.yaml", {"=1"}), OverrideError);
  EXPECT_THROW(parse_recipe(kMinimal, "r.yaml", {"training.learning_rate=x"}), OverrideError);
  EXPECT_THROW(parse_recipe(kMinimal, "r.yaml", {"training.lr=0.1"}), OverrideError);
  // A mistake in the file itself is not one.
  try {
    parse_recipe(kMinimal + "  learning_rate: x\n", "r.yaml");
  } catch (const OverrideError&) {
    FAIL() << "a recipe file's mistake reported as an override's";
  } catch (const RecipeError&) {
  }
  // A section given where a key belongs says so instead of "did you mean 'training'?".
  EXPECT_EQ(error_of(kMinimal, {"training=1"}),
            "--set training=1: 'training' is a section, not a key: --set takes section.key=value, e.g. "
            "training.learning_rate=...");
}

TEST(Recipe, ARecipeIsOneDocumentOfUtf8Text) {
  EXPECT_EQ(error_of(kMinimal + std::string("  seed: 1\0\n", 11)), "r.yaml:6:10: a NUL byte: a recipe is UTF-8 text");
  EXPECT_EQ(error_of(std::string("data:\n  train_source: a\xff\n")),
            "r.yaml:2: not valid UTF-8: a recipe is UTF-8 text");
  EXPECT_NE(error_of(kMinimal + "---\ntraining:\n  max_steps: 99\n")
                .find("r.yaml:6:1: a second YAML document ('---'): a recipe is one document"),
            std::string::npos)
      << error_of(kMinimal + "---\ntraining:\n  max_steps: 99\n");
  // Texts on which yaml-cpp's LoadAll never returns (found by tests/fuzz/recipe_fuzz) are
  // ordinary errors.
  EXPECT_NE(error_of(","), "(no error)");
  EXPECT_NE(error_of(kMinimal + "--- ,"), "(no error)");
  // Keys that are lists or mappings (found by tests/fuzz/recipe_fuzz: yaml-cpp's conversion
  // error escaped as another exception type).
  EXPECT_EQ(error_of("[]: 1\n"), "r.yaml:1:1: a section name must be a word, got a list");
  EXPECT_EQ(error_of("data:\n  {a: 1}: 2\n"), "r.yaml:2:3: a key must be a word, got a mapping");
  // A document marker before the only document is fine.
  EXPECT_EQ(parse_recipe("---\n" + kMinimal, "r.yaml").training.max_steps, 10);
}

TEST(Recipe, TiedEmbeddingsNeedOneVocabulary) {
  const std::string transformer = kMinimal + "model:\n  type: transformer\n  tie_embeddings: true\n";
  EXPECT_NO_THROW(parse_recipe(transformer, "r.yaml"));
  EXPECT_NE(error_of(transformer, {"data.joint_vocabulary=false"})
                .find("model.tie_embeddings: true needs data.joint_vocabulary: true"),
            std::string::npos)
      << error_of(transformer, {"data.joint_vocabulary=false"});
  // One given SentencePiece model serves both languages: tying is valid there.
  EXPECT_NO_THROW(
      parse_recipe(transformer, "r.yaml", {"data.joint_vocabulary=false", "data.sentencepiece_model=m.model"}));
}

TEST(Recipe, PathsAreMadeAbsoluteAndNormal) {
  const Recipe r = with_absolute_paths(
      parse_recipe(kMinimal, "r.yaml",
                   {"output.directory=runs/x/", "data.dev_source=./d/../dev.en", "data.dev_target=/abs/dev.fr"}),
      "/work/here");
  EXPECT_EQ(r.data.train_source, "/work/here/a.en");
  EXPECT_EQ(r.data.dev_source, "/work/here/dev.en");
  EXPECT_EQ(r.data.dev_target, "/abs/dev.fr");
  EXPECT_EQ(r.data.test_source, "");
  EXPECT_EQ(r.output.directory, "/work/here/runs/x");
  EXPECT_EQ(r.values.at("output.directory"), "/work/here/runs/x");
  EXPECT_EQ(parse_recipe(r.effective_yaml, "effective.yaml").values, r.values);
}

TEST(Recipe, Durations) {
  EXPECT_DOUBLE_EQ(parse_duration("1h30m"), 5400);
  EXPECT_DOUBLE_EQ(parse_duration("25m"), 1500);
  EXPECT_DOUBLE_EQ(parse_duration("90s"), 90);
  EXPECT_DOUBLE_EQ(parse_duration("600"), 600);
  EXPECT_THROW(parse_duration("10 minutes"), RecipeError);
  EXPECT_THROW(parse_duration("m"), RecipeError);
  // Found by recipe_fuzz: std::stod's own exceptions escaped.
  EXPECT_THROW(parse_duration(".m"), RecipeError);
  EXPECT_THROW(parse_duration("1.2.3s"), RecipeError);
  EXPECT_THROW(parse_duration(std::string(400, '9') + "m"), RecipeError);
}

// The docs row of a key as the schema says it: "| `key` | type | default | meaning" (the docs
// may say more after the schema's meaning).
std::string documented_row(const RecipeField& f) {
  std::ostringstream type;
  type << std::setprecision(12);
  const auto range = [&] { type << " [" << f.minimum << ", " << f.maximum << "]"; };
  switch (f.kind) {
    case ValueKind::string:
      type << "text";
      break;
    case ValueKind::path:
      type << "path";
      break;
    case ValueKind::integer:
      type << "integer";
      range();
      break;
    case ValueKind::real:
      type << "number";
      range();
      break;
    case ValueKind::duration:
      type << "duration";
      range();
      break;
    case ValueKind::boolean:
      type << "true/false";
      break;
    case ValueKind::choice:
      type << "one of ";
      for (std::size_t i = 0; i < f.choices.size(); ++i) type << (i ? ", `" : "`") << f.choices[i] << "`";
      break;
  }
  std::string default_text = f.required                ? "required"
                             : f.default_value.empty() ? "(empty)"
                                                       : "`" + f.default_value + "`";
  for (const auto& [type, value] : f.model_defaults) default_text += " (" + type + ": `" + value + "`)";
  return "| `" + f.path.substr(f.path.find('.') + 1) + "` | " + type.str() + " | " + default_text + " | " + f.help;
}

TEST(Recipe, EveryKeyIsDocumentedAsTheSchemaSaysIt) {
  std::ifstream in(std::string(NMT_SOURCE_DIR) + "/docs/recipes.md");
  ASSERT_TRUE(in) << "docs/recipes.md is missing";
  std::stringstream doc;
  doc << in.rdbuf();
  for (const auto& f : recipe_schema())
    EXPECT_NE(doc.str().find(documented_row(f)), std::string::npos)
        << f.path << " is not documented as the schema says; expected the row\n"
        << documented_row(f);
}

TEST(Recipe, TheRepositorysRecipesAreValid) {
  std::size_t recipes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(NMT_SOURCE_DIR) + "/recipes")) {
    if (entry.path().extension() != ".yaml") continue;
    EXPECT_NO_THROW(load_recipe(entry.path().string())) << entry.path();
    ++recipes;
  }
  EXPECT_GE(recipes, 2u);
  EXPECT_THROW(load_recipe("/nonexistent/recipe.yaml"), RecipeError);
}

TEST(Recipe, EveryAttentionMechanismIsDocumented) {
  std::ifstream in(std::string(NMT_SOURCE_DIR) + "/docs/recipes.md");
  ASSERT_TRUE(in) << "docs/recipes.md is missing";
  std::stringstream doc;
  doc << in.rdbuf();
  const std::string text = doc.str();
  const std::size_t section = text.find("## Attention mechanisms (`model.attention`)");
  ASSERT_NE(section, std::string::npos);
  const std::string table = text.substr(section, text.find("\n## ", section + 1) - section);
  for (const std::string& name : layers::attention_mechanism_names())
    EXPECT_NE(table.find("| `" + name + "` |"), std::string::npos)
        << "docs/recipes.md's table of attention mechanisms has no row for " << name;
}

}  // namespace
}  // namespace nmt::io
