// A recipe that leaves the model keys out builds the model its family defines: the schema's
// defaults per model.type (recipe_schema.cpp) are RnnConfig's and TransformerConfig's own, so a
// default changed in one place and not the other fails here (issue 16: the RNN defaults of one
// layer and dropout 0.2 used to apply to the Transformer too).
#include <gtest/gtest.h>

#include "nmt/io/recipe.h"
#include "nmt/models/factory.h"
#include "nmt/models/rnn_seq2seq.h"
#include "nmt/models/transformer.h"

namespace nmt::models {
namespace {

io::Recipe minimal_recipe(const std::string& type) {
  return io::parse_recipe(
      "data:\n  train_source: a.txt\n  train_target: b.txt\nmodel:\n  type: " + type + "\ntraining:\n  max_steps: 1\n",
      "minimal.yaml");
}

TEST(RecipeDefaults, AMinimalTransformerRecipeBuildsTheDefaultTransformer) {
  TransformerConfig expected;
  expected.source_vocabulary = expected.target_vocabulary = 64;
  const auto model = make_model(minimal_recipe("transformer"), 64, 64, 1);
  const TransformerConfig& c = dynamic_cast<const Transformer&>(*model).config();
  EXPECT_EQ(c.d_model, expected.d_model);
  EXPECT_EQ(c.feed_forward, expected.feed_forward);
  EXPECT_EQ(c.heads, expected.heads);
  EXPECT_EQ(c.encoder_layers, expected.encoder_layers);
  EXPECT_EQ(c.decoder_layers, expected.decoder_layers);
  EXPECT_FLOAT_EQ(c.dropout, expected.dropout);
  EXPECT_FLOAT_EQ(c.attention_dropout, expected.attention_dropout);
  EXPECT_FLOAT_EQ(c.feed_forward_dropout, expected.feed_forward_dropout);
  EXPECT_EQ(c.pre_norm, expected.pre_norm);
  EXPECT_EQ(c.tie_embeddings, expected.tie_embeddings);
  EXPECT_EQ(c.tie_output_embeddings, expected.tie_output_embeddings);
}

TEST(RecipeDefaults, AMinimalRnnRecipeBuildsTheDefaultRnn) {
  const RnnConfig expected;
  const auto model = make_model(minimal_recipe("rnn"), 64, 64, 1);
  const RnnConfig& c = dynamic_cast<const RnnSeq2Seq&>(*model).config();
  EXPECT_EQ(c.embedding_size, expected.embedding_size);
  EXPECT_EQ(c.encoder_hidden, expected.encoder_hidden);
  EXPECT_EQ(c.encoder_layers, expected.encoder_layers);
  EXPECT_EQ(c.decoder_hidden, expected.decoder_hidden);
  EXPECT_EQ(c.decoder_layers, expected.decoder_layers);
  EXPECT_FLOAT_EQ(c.dropout, expected.dropout);
  EXPECT_EQ(c.input_feeding, expected.input_feeding);
  EXPECT_EQ(c.tie_output_embeddings, expected.tie_output_embeddings);
  EXPECT_EQ(c.attention.mechanism, expected.attention.mechanism);
  EXPECT_EQ(c.attention.local_score, expected.attention.local_score);
  EXPECT_EQ(c.attention.window, expected.attention.window);
  EXPECT_EQ(c.attention.hidden_size, expected.attention.hidden_size);
}

// The per-family defaults are the schema's: the same key, two defaults.
TEST(RecipeDefaults, ModelKeysHaveADefaultPerFamily) {
  EXPECT_EQ(minimal_recipe("rnn").model.encoder_layers, 1);
  EXPECT_EQ(minimal_recipe("transformer").model.encoder_layers, 3);
  EXPECT_DOUBLE_EQ(minimal_recipe("rnn").model.dropout, 0.2);
  EXPECT_DOUBLE_EQ(minimal_recipe("transformer").model.dropout, 0.1);
  // A value given in the recipe wins over either default.
  EXPECT_EQ(io::parse_recipe("data:\n  train_source: a\n  train_target: b\nmodel:\n  type: transformer\n  "
                             "encoder_layers: 1\ntraining:\n  max_steps: 1\n",
                             "r.yaml")
                .model.encoder_layers,
            1);
}

// Whatever the family, the model answers how long a source it reads: data.max_length + 1 (EOS
// included), which translation cuts longer inputs to.
TEST(RecipeDefaults, TheModelSaysTheLongestSourceItReads) {
  for (const std::string type : {"rnn", "transformer"}) {
    const io::Recipe r = io::parse_recipe(
        "data:\n  train_source: a\n  train_target: b\n  max_length: 37\nmodel:\n  "
        "type: " +
            type +
            "\n  encoder_layers: 1\n  decoder_layers: 1\ntraining:\n  "
            "max_steps: 1\n",
        "r.yaml");
    EXPECT_EQ(make_model(r, 64, 64, 1)->max_source_length(), 38) << type;
  }
}

}  // namespace
}  // namespace nmt::models
