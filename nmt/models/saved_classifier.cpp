#include "nmt/models/saved_classifier.h"

#include <stdexcept>

#include "nmt/data/data_error.h"
#include "nmt/models/factory.h"
#include "nmt/models/saved_model.h"

namespace nmt::models {

io::Sections classifier_sections(const io::Recipe& recipe, const data::SentencePieceModel& vocabulary,
                                 const data::LabelSet& labels, Classifier& model) {
  io::Sections s;
  s.emplace_back("recipe", recipe.effective_yaml);
  s.emplace_back("sentencepiece.source", vocabulary.bytes());
  s.emplace_back("labels", labels.serialize());
  s.emplace_back("parameters", model.parameters().serialize());
  return s;
}

SavedClassifier classifier_from_sections(const io::Sections& sections, const std::string& path) {
  SavedClassifier saved;
  saved.recipe = recipe_section(sections, path);
  if (saved.recipe.model.type != "classifier")
    throw io::FileFormatError(path + " holds a translation model (model.type " + saved.recipe.model.type +
                              "), not a classifier: nmt-translate reads it");
  try {
    saved.labels = data::LabelSet::parse(io::section(sections, "labels", path), path + " (labels)");
  } catch (const data::DataError& e) {
    throw io::FileFormatError(e.what());
  }
  saved.vocabulary = sentencepiece_section(sections, "sentencepiece.source", path);
  try {
    saved.model = make_classifier(saved.recipe, static_cast<std::int64_t>(saved.vocabulary->size()),
                                  static_cast<std::int64_t>(saved.labels.size()), 0);
  } catch (const std::invalid_argument& e) {
    throw io::FileFormatError(path + ": its recipe describes no classifier nmt can build: " + e.what());
  }
  load_parameters(saved.model->parameters(), sections, path);
  return saved;
}

void save_classifier(const std::string& path, const io::Recipe& recipe, const data::SentencePieceModel& vocabulary,
                     const data::LabelSet& labels, Classifier& model) {
  io::write_section_file(path, "model", classifier_sections(recipe, vocabulary, labels, model));
}

SavedClassifier load_classifier(const std::string& path) {
  return classifier_from_sections(io::read_section_file(path, "model"), path);
}

}  // namespace nmt::models
