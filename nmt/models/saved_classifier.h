// Self-contained classifier files (model.type classifier): the effective recipe, the
// SentencePiece model, the label set and the parameters, in one checksummed section file
// like a translation model (saved_model.h). Each kind of file refuses to load as the other
// with an error that names the program that reads it.
#pragma once

#include <memory>
#include <string>

#include "nmt/data/labelled_sentences.h"
#include "nmt/data/sentencepiece_model.h"
#include "nmt/io/recipe.h"
#include "nmt/io/section_file.h"
#include "nmt/models/classifier.h"

namespace nmt::models {

struct SavedClassifier {
  io::Recipe recipe;
  std::shared_ptr<const data::SentencePieceModel> vocabulary;
  data::LabelSet labels;
  std::unique_ptr<Classifier> model;
};

// The sections "recipe", "sentencepiece.source", "labels" (one per line, in id order), "parameters".
io::Sections classifier_sections(const io::Recipe& recipe, const data::SentencePieceModel& vocabulary,
                                 const data::LabelSet& labels, Classifier& model);
// io::FileFormatError naming `path` for a damaged file or one that holds a translation model.
SavedClassifier classifier_from_sections(const io::Sections& sections, const std::string& path);

void save_classifier(const std::string& path, const io::Recipe& recipe, const data::SentencePieceModel& vocabulary,
                     const data::LabelSet& labels, Classifier& model);
SavedClassifier load_classifier(const std::string& path);

}  // namespace nmt::models
