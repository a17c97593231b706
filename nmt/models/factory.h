// A model built from a recipe's model section.
#pragma once

#include <memory>

#include "nmt/io/recipe.h"
#include "nmt/models/classifier.h"
#include "nmt/models/model.h"

namespace nmt::models {

// Throws std::invalid_argument prefixed with the recipe's origin when the recipe asks for a
// model that cannot be built (e.g. the dot score with mismatched sizes).
std::unique_ptr<Seq2SeqModel> make_model(const io::Recipe& recipe, std::int64_t source_vocabulary,
                                         std::int64_t target_vocabulary, std::uint64_t seed);
// A sentence classifier of a recipe with model.type classifier (std::invalid_argument, prefixed
// with the recipe's origin, for a model that cannot be built).
ClassifierConfig classifier_config(const io::Recipe& recipe, std::int64_t vocabulary, std::int64_t labels);
std::unique_ptr<Classifier> make_classifier(const io::Recipe& recipe, std::int64_t vocabulary, std::int64_t labels,
                                            std::uint64_t seed);
// The longest source (in subwords, EOS included) a model of this recipe is built to read, the
// model's max_source_length(): data.max_length + 1. For the data preparation that comes before
// the model (the dev sources cut for luong-location); everything after asks the model.
std::int64_t max_source_length(const io::Recipe& recipe);
// Whether a longer source is an error for the model rather than merely unusual: true for an
// attention mechanism with one score per position up to max_source_length (luong-location).
bool source_length_is_limited(const io::Recipe& recipe);

}  // namespace nmt::models
