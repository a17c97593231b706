// The fuzz targets' seeds and dictionaries.
//
//   fuzz_seeds write-models DIR          tiny real model files and checkpoints (tests/fuzz/corpus/model)
//   fuzz_seeds check RECIPES MODELS      every seed is still a valid recipe / model / checkpoint
//   fuzz_seeds dictionary recipe|model   a libFuzzer dictionary: the schema's keys and values, or
//                                        the section file's magic, kinds and section names
//
// The models are trained on tests/data/tiny (vocabularies of 64 and 96 pieces with the identity
// normalisation, which keeps SentencePiece's 240 KB normalisation table out of the files) and
// left at their initial weights: the readers do not care what the weights are. The checkpoints
// hold what train/trainer.cpp writes: the model's sections, the optimizer state and the
// trainer's state. `check` runs as a ctest, so a format change that would make the seeds
// uninteresting (refused at the first check) fails until they are written again.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "nmt/data/vocabularies.h"
#include "nmt/graph/tensor_io.h"
#include "nmt/io/recipe.h"
#include "nmt/io/section_file.h"
#include "nmt/models/factory.h"
#include "nmt/models/saved_model.h"
#include "nmt/train/optimizer.h"

namespace fs = std::filesystem;
using namespace nmt;

namespace {

const char* const kRnnRecipe = R"(# fuzz seed: a tiny RNN, separate vocabularies
data:
  train_source: tests/data/tiny/train.en
  train_target: tests/data/tiny/train.fr
  dev_source: tests/data/tiny/dev.en
  dev_target: tests/data/tiny/dev.fr
  max_length: 12
  vocab_size: 64
  joint_vocabulary: false
model:
  attention: luong-location
  embedding_size: 3
  encoder_hidden: 2
  decoder_hidden: 4
  decoder_layers: 2
training:
  max_steps: 5
  threads: 1
output:
  directory: runs/fuzz-rnn
)";

const char* const kTransformerRecipe = R"(# fuzz seed: a tiny Transformer, joint vocabulary
data:
  train_source: tests/data/tiny/train.en
  train_target: tests/data/tiny/train.fr
  max_length: 20
  vocab_size: 96
  sentencepiece_type: bpe
  joint_vocabulary: true
model:
  type: transformer
  d_model: 4
  feed_forward: 6
  heads: 2
  encoder_layers: 1
  decoder_layers: 1
  dropout: 0.2
  tie_embeddings: true
training:
  schedule: inverse-sqrt
  warmup_steps: 3
  max_steps: 5
  threads: 1
output:
  directory: runs/fuzz-transformer
)";

void write_models(const fs::path& dir) {
  fs::create_directories(dir);
  const data::ParallelCorpus corpus = data::ParallelCorpus::read(fs::path(NMT_SOURCE_DIR) / "tests/data/tiny/train.en",
                                                                 fs::path(NMT_SOURCE_DIR) / "tests/data/tiny/train.fr");
  for (const auto& [name, text] : {std::pair{"rnn", kRnnRecipe}, std::pair{"transformer", kTransformerRecipe}}) {
    const io::Recipe recipe = io::parse_recipe(text, std::string("recipes/fuzz-") + name + ".yaml");
    data::VocabularyOptions options;
    options.joint = recipe.data.joint_vocabulary;
    options.subword.vocab_size = static_cast<int>(recipe.data.vocab_size);
    options.subword.model_type =
        recipe.data.sentencepiece_type == "bpe" ? data::SubwordModelType::bpe : data::SubwordModelType::unigram;
    options.subword.normalization = data::SubwordNormalization::identity;
    const data::Vocabularies vocabularies = data::train_vocabularies(corpus, options);
    const auto model = models::make_model(recipe, vocabularies.source->size(), vocabularies.target->size(), 1);
    models::save_model((dir / (std::string(name) + ".nmt")).string(), recipe, vocabularies, *model);

    io::Sections checkpoint = models::model_sections(recipe, vocabularies, *model);
    const train::Adam adam(model->parameters().vars(), {});
    checkpoint.emplace_back("optimizer", graph::encode_tensors(adam.state()));
    checkpoint.emplace_back("trainer",
                            R"({"batch":5,"best_metric":0.0,"best_step":0,"dropout_position":1234,"epoch":0,)"
                            R"("has_best":false,"plateau_scale":1.0,"plateau_stalled":0,"seconds":0.5,)"
                            R"("skipped_updates":0,"stalled_validations":0,"step":5,"target_tokens":321})");
    io::write_section_file((dir / (std::string(name) + ".ckpt")).string(), "checkpoint", checkpoint);
    std::cout << "wrote " << (dir / name).string() << ".nmt and .ckpt: " << model->parameters().element_count()
              << " parameters, vocabularies " << vocabularies.source->size() << " / " << vocabularies.target->size()
              << "\n";
  }
}

int check(const fs::path& recipes, const fs::path& models_dir) {
  int bad = 0, good = 0;
  const auto fail = [&](const fs::path& p, const std::string& why) {
    std::cerr << p.string() << ": not a valid seed any more: " << why << "\n";
    ++bad;
  };
  for (const auto& e : fs::directory_iterator(recipes)) try {
      io::load_recipe(e.path().string());
      ++good;
    } catch (const std::exception& x) {
      fail(e.path(), x.what());
    }
  for (const auto& e : fs::directory_iterator(models_dir)) try {
      if (e.path().extension() == ".ckpt") {
        const io::Sections sections = io::read_section_file(e.path().string(), "checkpoint");
        const models::SavedModel saved = models::model_from_sections(sections, e.path().string());
        train::Adam adam(saved.model->parameters().vars(), {});
        adam.load_state(graph::decode_tensors(io::section(sections, "optimizer", e.path().string()), "optimizer"),
                        e.path().string());
      } else {
        models::load_model(e.path().string());
      }
      ++good;
    } catch (const std::exception& x) {
      fail(e.path(), x.what());
    }
  if (bad)
    std::cerr << "write the model seeds again with: fuzz_seeds write-models " << models_dir.string()
              << " (a recipe seed: copy a current recipe)\n";
  std::cout << good << " valid seeds, " << bad << " invalid\n";
  return bad || good == 0 ? 1 : 0;
}

// libFuzzer dictionary lines: "token".
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

void dictionary(const std::string& which) {
  std::vector<std::string> tokens;
  if (which == "recipe") {
    for (const auto& f : io::recipe_schema()) {
      const std::string section = f.path.substr(0, f.path.find('.'));
      tokens.push_back(section + ":");
      tokens.push_back(f.path.substr(f.path.find('.') + 1) + ":");
      tokens.push_back("#set " + f.path + "=");
      for (const auto& c : f.choices) tokens.push_back(c);
    }
    for (const char* t : {"true",  "false", "null", "~",    "1h30m", "90s",   ".5m",   ".",  "h",  "m",   "s",
                          "1e308", "-1",    ".inf", ".nan", "0x10",  "!!str", "!!int", "&a", "*a", "<<:", "---",
                          "...",   "? ",    "- ",   "[",    "]",     "{",     "}",     "|",  ">"})
      tokens.push_back(t);
  } else {
    for (const char* t : {"NMTFILE1", "NMTTENS1", "model", "checkpoint", "recipe", "sentencepiece.source",
                          "sentencepiece.target", "parameters", "optimizer", "trainer", "adam.steps", "adam.m.0",
                          "adam.v.0", "source_embedding", "target_embedding", "output.bias"})
      tokens.push_back(t);
  }
  std::vector<std::string> seen;
  for (const auto& t : tokens) {
    if (std::find(seen.begin(), seen.end(), t) != seen.end()) continue;
    seen.push_back(t);
    std::cout << quoted(t) << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.size() == 2 && args[0] == "write-models") {
      write_models(args[1]);
      return 0;
    }
    if (args.size() == 3 && args[0] == "check") return check(args[1], args[2]);
    if (args.size() == 2 && args[0] == "dictionary" && (args[1] == "recipe" || args[1] == "model")) {
      dictionary(args[1]);
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "fuzz_seeds: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "usage: fuzz_seeds write-models DIR | check RECIPE_DIR MODEL_DIR | dictionary recipe|model\n";
  return 2;
}
