#include "nmt/models/saved_model.h"

#include <new>
#include <stdexcept>

#include "nmt/graph/tensor_io.h"
#include "nmt/models/factory.h"

namespace nmt::models {

io::Sections model_sections(const io::Recipe& recipe, const data::Vocabularies& vocabularies, Seq2SeqModel& model) {
  io::Sections s;
  s.emplace_back("recipe", recipe.effective_yaml);
  s.emplace_back("sentencepiece.source", vocabularies.source->bytes());
  if (!vocabularies.joint()) s.emplace_back("sentencepiece.target", vocabularies.target->bytes());
  s.emplace_back("parameters", model.parameters().serialize());
  return s;
}

io::Recipe recipe_section(const io::Sections& sections, const std::string& path) {
  try {
    return io::parse_recipe(io::section(sections, "recipe", path), path + " (recipe)");
  } catch (const io::RecipeError& e) {
    throw io::FileFormatError(path + ": its recipe is not valid for this nmt: " + e.what());
  }
}

std::shared_ptr<const data::SentencePieceModel> sentencepiece_section(const io::Sections& sections,
                                                                      const std::string& name,
                                                                      const std::string& path) {
  try {
    return std::make_shared<const data::SentencePieceModel>(
        data::SentencePieceModel::from_bytes(io::section(sections, name, path)));
  } catch (const io::FileFormatError&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    // SentencePiece's own errors, and those of the libraries under it: a damaged model throws
    // Darts::Details::Exception (a std::exception; found by tests/fuzz/model_fuzz).
    throw io::FileFormatError(path + ": its SentencePiece model cannot be loaded: " + e.what());
  }
}

void load_parameters(graph::Parameters& parameters, const io::Sections& sections, const std::string& path) {
  try {
    parameters.deserialize(io::section(sections, "parameters", path), path);
  } catch (const graph::FormatError& e) {
    throw io::FileFormatError(e.what());
  }
}

SavedModel model_from_sections(const io::Sections& sections, const std::string& path) {
  SavedModel saved;
  saved.recipe = recipe_section(sections, path);
  if (saved.recipe.model.type == "classifier")
    throw io::FileFormatError(path +
                              " holds a sentence classifier (model.type classifier), not a translation model: "
                              "nmt-classify reads it");
  saved.vocabularies.source = sentencepiece_section(sections, "sentencepiece.source", path);
  saved.vocabularies.target = io::has_section(sections, "sentencepiece.target")
                                  ? sentencepiece_section(sections, "sentencepiece.target", path)
                                  : saved.vocabularies.source;
  try {
    saved.model = make_model(saved.recipe, saved.vocabularies.source->size(), saved.vocabularies.target->size(), 0);
  } catch (const std::invalid_argument& e) {
    // A recipe section no trainer wrote (e.g. heads that do not divide d_model).
    throw io::FileFormatError(path + ": its recipe describes no model nmt can build: " + e.what());
  }
  load_parameters(saved.model->parameters(), sections, path);
  return saved;
}

void save_model(const std::string& path, const io::Recipe& recipe, const data::Vocabularies& vocabularies,
                Seq2SeqModel& model) {
  io::write_section_file(path, "model", model_sections(recipe, vocabularies, model));
}

SavedModel load_model(const std::string& path) {
  return model_from_sections(io::read_section_file(path, "model"), path);
}

}  // namespace nmt::models
