// Self-contained model files: the effective recipe, the SentencePiece model(s) and the
// parameters, in one checksummed section file (io/section_file.h). A checkpoint is the same
// plus the optimizer's and the trainer's state.
#pragma once

#include <memory>
#include <string>

#include "nmt/data/vocabularies.h"
#include "nmt/io/recipe.h"
#include "nmt/io/section_file.h"
#include "nmt/models/model.h"

namespace nmt::models {

struct SavedModel {
  io::Recipe recipe;
  data::Vocabularies vocabularies;
  std::unique_ptr<Seq2SeqModel> model;
};

// The sections that describe a model: "recipe", "sentencepiece.source", "sentencepiece.target"
// (absent when the vocabulary is joint), "parameters".
io::Sections model_sections(const io::Recipe& recipe, const data::Vocabularies& vocabularies, Seq2SeqModel& model);
SavedModel model_from_sections(const io::Sections& sections, const std::string& path);

void save_model(const std::string& path, const io::Recipe& recipe, const data::Vocabularies& vocabularies,
                Seq2SeqModel& model);
SavedModel load_model(const std::string& path);  // io::FileFormatError for a bad file

// The parts every model file has (a classifier's too, saved_classifier.h): its recipe, a
// SentencePiece model section, its parameters; each an io::FileFormatError naming `path` when
// missing or damaged.
io::Recipe recipe_section(const io::Sections& sections, const std::string& path);
std::shared_ptr<const data::SentencePieceModel> sentencepiece_section(const io::Sections& sections,
                                                                      const std::string& name, const std::string& path);
void load_parameters(graph::Parameters& parameters, const io::Sections& sections, const std::string& path);

}  // namespace nmt::models
