#include "nmt/models/factory.h"

#include "nmt/models/rnn_seq2seq.h"
#include "nmt/models/transformer.h"

namespace nmt::models {

std::int64_t max_source_length(const io::Recipe& recipe) { return recipe.data.max_length + 1; }

bool source_length_is_limited(const io::Recipe& recipe) {
  return recipe.model.type == "rnn" && layers::attention_mechanism(recipe.model.attention).limits_source_length;
}

std::unique_ptr<Seq2SeqModel> make_model(const io::Recipe& recipe, std::int64_t source_vocabulary,
                                         std::int64_t target_vocabulary, std::uint64_t seed) {
  const io::ModelRecipe& m = recipe.model;
  if (m.type == "transformer") {
    TransformerConfig t;
    t.source_vocabulary = source_vocabulary;
    t.target_vocabulary = target_vocabulary;
    t.d_model = m.d_model;
    t.feed_forward = m.feed_forward;
    t.heads = m.heads;
    t.encoder_layers = static_cast<int>(m.encoder_layers);
    t.decoder_layers = static_cast<int>(m.decoder_layers);
    t.dropout = static_cast<float>(m.dropout);
    t.attention_dropout = static_cast<float>(m.attention_dropout);
    t.feed_forward_dropout = static_cast<float>(m.feed_forward_dropout);
    t.pre_norm = m.pre_norm;
    t.tie_embeddings = m.tie_embeddings;
    t.tie_output_embeddings = m.tie_output_embeddings;
    t.max_source_length = max_source_length(recipe);
    try {
      return std::make_unique<Transformer>(t, seed);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(recipe.origin + ": " + e.what());
    }
  }
  if (m.type == "classifier")
    throw std::invalid_argument(recipe.origin +
                                ": model.type classifier is a sentence classifier, not a translation model");
  if (m.type != "rnn") throw std::invalid_argument(recipe.origin + ": model.type '" + m.type + "' is not available");
  RnnConfig c;
  c.source_vocabulary = source_vocabulary;
  c.target_vocabulary = target_vocabulary;
  c.embedding_size = m.embedding_size;
  c.encoder_hidden = m.encoder_hidden;
  c.encoder_layers = static_cast<int>(m.encoder_layers);
  c.decoder_hidden = m.decoder_hidden;
  c.decoder_layers = static_cast<int>(m.decoder_layers);
  c.dropout = static_cast<float>(m.dropout);
  c.input_feeding = m.input_feeding;
  c.tie_output_embeddings = m.tie_output_embeddings;
  c.attention.mechanism = m.attention;
  c.attention.local_score = layers::parse_score_function(m.local_score);
  c.attention.window = m.attention_window;
  c.attention.hidden_size = m.attention_hidden;
  c.attention.max_source_length = max_source_length(recipe);
  try {
    return std::make_unique<RnnSeq2Seq>(c, seed);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(recipe.origin + ": " + e.what());
  }
}

ClassifierConfig classifier_config(const io::Recipe& recipe, std::int64_t vocabulary, std::int64_t labels) {
  const io::ModelRecipe& m = recipe.model;
  if (m.type != "classifier")
    throw std::invalid_argument(recipe.origin + ": model.type " + m.type + " is a translation model, not a classifier");
  ClassifierConfig c;
  c.vocabulary = vocabulary;
  c.labels = labels;
  c.embedding_size = m.embedding_size;
  c.encoder_hidden = m.encoder_hidden;
  c.encoder_layers = static_cast<int>(m.encoder_layers);
  c.dropout = static_cast<float>(m.dropout);
  const std::optional<layers::Pooling> pooling = layers::parse_pooling(m.pooling);
  if (!pooling) throw std::invalid_argument(recipe.origin + ": model.pooling '" + m.pooling + "' is not a pooling");
  c.pooling = *pooling;
  c.attention_size = m.attention_hidden;
  c.attention_heads = static_cast<int>(m.attention_heads);
  return c;
}

std::unique_ptr<Classifier> make_classifier(const io::Recipe& recipe, std::int64_t vocabulary, std::int64_t labels,
                                            std::uint64_t seed) {
  const ClassifierConfig c = classifier_config(recipe, vocabulary, labels);
  try {
    return std::make_unique<Classifier>(c, seed);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(recipe.origin + ": " + e.what());
  }
}

}  // namespace nmt::models
