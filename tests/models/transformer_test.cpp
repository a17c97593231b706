// The whole Transformer (its layers have their own specs in tests/layers/): the causal mask
// hides later target tokens; padding does not change a sentence's loss; cached incremental
// decoding reproduces the teacher-forced log-probabilities, also after beam-search reordering;
// the model memorises a tiny corpus; the whole model's gradient matches finite differences.
#include "nmt/models/transformer.h"

#include <gtest/gtest.h>

#include <cmath>

#include "../decode/greedy_reference.h"
#include "../graph/gradient_check.h"
#include "../graph/skip_unless_cpu_offers.h"
#include "../layers/transformer_layer_fixtures.h"
#include "nmt/data/batch.h"
#include "nmt/data/special_ids.h"
#include "nmt/train/optimizer.h"
#include "tiny_corpus.h"

namespace nmt::models {
namespace {

using testing::all_rows;
using testing::kTinyVocabulary;
using testing::tiny_corpus;

// Shared with the gradient specs of the layers (finite-difference options, ReLU biases).
using layers::testing::grad_options;
using layers::testing::keep_relu_units_away_from_the_kink;

using graph::Tensor;
using graph::Var;

TransformerConfig tiny_config(bool pre_norm = true) {
  TransformerConfig c;
  c.source_vocabulary = c.target_vocabulary = kTinyVocabulary;
  c.d_model = 32;
  c.feed_forward = 64;
  c.heads = 4;
  c.encoder_layers = 2;
  c.decoder_layers = 2;
  c.dropout = c.attention_dropout = c.feed_forward_dropout = 0.0f;
  c.pre_norm = pre_norm;
  return c;
}

class ModelTest : public ::testing::TestWithParam<bool> {};  // pre_norm

TEST_P(ModelTest, LaterTargetTokensNeverChangeEarlierPositions) {
  const data::EncodedCorpus corpus = tiny_corpus(4);
  data::Batch batch = data::make_training_batch(corpus, all_rows(4));
  const Transformer model(tiny_config(GetParam()), 21);
  graph::NoGradGuard no_grad;
  const Tensor before = model.logits(batch, nullptr).value();
  const std::size_t changed = 3, width = batch.target_width;
  const auto vocab = static_cast<std::size_t>(model.target_vocabulary_size());
  for (std::size_t r = 0; r < batch.rows; ++r) {
    auto& id = batch.target_input[r * width + changed];
    id = id == data::kFirstOrdinaryId ? data::kFirstOrdinaryId + 1 : data::kFirstOrdinaryId;
  }
  const Tensor after = model.logits(batch, nullptr).value();
  for (std::size_t r = 0; r < batch.rows; ++r) {
    double later_change = 0;
    for (std::size_t t = 0; t < width; ++t)
      for (std::size_t v = 0; v < vocab; ++v) {
        const std::size_t i = (r * width + t) * vocab + v;
        if (t < changed) {
          EXPECT_EQ(before.data()[i], after.data()[i]) << "row " << r << " position " << t;
        } else {
          later_change += std::abs(before.data()[i] - after.data()[i]);
        }
      }
    EXPECT_GT(later_change, 1e-3) << "row " << r << ": the changed token must matter from its position on";
  }
}

TEST_P(ModelTest, PaddingDoesNotChangeASentencesLoss) {
  const Transformer model(tiny_config(GetParam()), 11);
  const testing::PaddedAndAloneLosses l = testing::padded_and_alone_losses(model, tiny_corpus(6));
  EXPECT_NEAR(l.together, l.alone, 1e-5 * std::abs(l.alone));
}

// Decodes the batch's targets with step() (teacher-forced), summing -log p(target).
double stepped_loss(const Transformer& model, const data::Batch& batch) {
  const auto encoded = model.encode(batch);
  auto state = model.start(*encoded);
  double total = 0;
  for (std::size_t t = 0; t < batch.target_width; ++t) {
    std::vector<std::int32_t> previous(batch.rows);
    for (std::size_t b = 0; b < batch.rows; ++b) previous[b] = batch.target_input[b * batch.target_width + t];
    const StepResult r = model.step(*encoded, *state, previous);
    const std::int64_t vocab = r.log_probs.dim(1), source = r.attention.dim(1);
    EXPECT_EQ(r.attention.shape(),
              (graph::Shape{static_cast<std::int64_t>(batch.rows), static_cast<std::int64_t>(batch.source_width)}));
    for (std::size_t b = 0; b < batch.rows; ++b) {
      const std::int32_t y = batch.target_output[b * batch.target_width + t];
      if (y != data::kPadId) total -= r.log_probs.data()[b * vocab + y];
      double sum = 0;
      for (std::int64_t s = 0; s < source; ++s) {
        const float w = r.attention.data()[b * source + s];
        if (s >= batch.source_lengths[b]) {
          EXPECT_EQ(w, 0.0f);
        }
        sum += w;
      }
      EXPECT_NEAR(sum, 1.0, 1e-5);
    }
  }
  return total;
}

TEST_P(ModelTest, CachedStepsReproduceTheTeacherForcedLoss) {
  const data::EncodedCorpus corpus = tiny_corpus(5);
  const data::Batch batch = data::make_training_batch(corpus, all_rows(5));
  for (int alignment_layer : {-1, 0}) {
    TransformerConfig c = tiny_config(GetParam());
    c.alignment_layer = alignment_layer;
    const Transformer model(c, 13);
    double expected;
    {
      graph::NoGradGuard no_grad;
      expected = model.loss(batch, {}).loss.value().item();
    }
    EXPECT_NEAR(stepped_loss(model, batch), expected, 1e-5 * expected);
  }
}

TEST_P(ModelTest, ReorderedRowsKeepTheirCaches) {
  // Beam search reorders hypotheses between steps: after select_rows on the source and the
  // state, each row continues exactly as the row it was taken from.
  const data::EncodedCorpus corpus = tiny_corpus(3);
  const data::Batch batch = data::make_training_batch(corpus, all_rows(3));
  const Transformer model(tiny_config(GetParam()), 19);
  const auto encoded = model.encode(batch);
  auto state = model.start(*encoded);
  const auto input = [&](std::size_t row, std::size_t t) { return batch.target_input[row * batch.target_width + t]; };
  std::vector<std::int32_t> previous{input(0, 0), input(1, 0), input(2, 0)};
  model.step(*encoded, *state, previous);
  previous = {input(0, 1), input(1, 1), input(2, 1)};
  model.step(*encoded, *state, previous);
  const std::vector<std::int32_t> order{2, 0, 0, 1};
  const auto reordered = encoded->select_rows(order);
  auto copy = model.start(*encoded);  // the same history, decoded again for the reference
  model.step(*encoded, *copy, std::vector<std::int32_t>{input(0, 0), input(1, 0), input(2, 0)});
  model.step(*encoded, *copy, std::vector<std::int32_t>{input(0, 1), input(1, 1), input(2, 1)});
  state->select_rows(order);
  const StepResult moved =
      model.step(*reordered, *state, std::vector<std::int32_t>{input(2, 2), input(0, 2), input(0, 2), input(1, 2)});
  const StepResult reference =
      model.step(*encoded, *copy, std::vector<std::int32_t>{input(0, 2), input(1, 2), input(2, 2)});
  const std::int64_t vocab = reference.log_probs.dim(1), source = reference.attention.dim(1);
  for (std::size_t i = 0; i < order.size(); ++i) {
    for (std::int64_t v = 0; v < vocab; ++v)
      EXPECT_NEAR(moved.log_probs.data()[i * vocab + v], reference.log_probs.data()[order[i] * vocab + v], 1e-5);
    for (std::int64_t s = 0; s < source; ++s)
      EXPECT_NEAR(moved.attention.data()[i * source + s], reference.attention.data()[order[i] * source + s], 1e-6);
  }
}

testing::Memorisation memorise_tiny_corpus(bool pre_norm, graph::Precision precision) {
  Transformer model(tiny_config(pre_norm), 7);
  train::AdamOptions adam_options;
  adam_options.learning_rate = 0.01f;
  adam_options.beta2 = 0.98f;
  return testing::memorise(model, tiny_corpus(), adam_options, 400, precision);
}

TEST_P(ModelTest, MemorisesATinyCorpusExactly) {
  const testing::Memorisation m = memorise_tiny_corpus(GetParam(), graph::Precision::f32);
  EXPECT_EQ(m.correct, tiny_corpus().size()) << "after " << m.steps << " steps";
  // What it learnt survives int8 linear layers (where the CPU offers them).
  if (m.correct_in_int8 >= 0) {
    EXPECT_EQ(m.correct_in_int8, static_cast<long>(tiny_corpus().size()));
  }
}

TEST_P(ModelTest, MemorisesATinyCorpusExactlyWithBf16Products) {
  NMT_SKIP_UNLESS_CPU_OFFERS(graph::Precision::bf16);
  const testing::Memorisation m = memorise_tiny_corpus(GetParam(), graph::Precision::bf16);
  EXPECT_EQ(m.correct, tiny_corpus().size()) << "after " << m.steps << " steps";
}

TEST_P(ModelTest, Bf16GradientsStayCloseToF32) {
  NMT_SKIP_UNLESS_CPU_OFFERS(graph::Precision::bf16);
  Transformer model(tiny_config(GetParam()), 7);
  testing::expect_bf16_gradients_close_to_f32(model, tiny_corpus());
}

INSTANTIATE_TEST_SUITE_P(Norm, ModelTest, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return std::string(info.param ? "pre_norm" : "post_norm");
                         });

TEST(Transformer, WholeModelGradientMatchesFiniteDifferencesWithTiedEmbeddings) {
  TransformerConfig c;
  c.source_vocabulary = c.target_vocabulary = 7;
  c.d_model = 8;
  c.heads = 2;
  c.feed_forward = 6;
  c.encoder_layers = c.decoder_layers = 1;
  c.tie_embeddings = true;  // one table gathers gradients from three uses
  Transformer model(c, 17);
  keep_relu_units_away_from_the_kink(model.parameters());
  data::EncodedCorpus corpus;
  corpus.source.push_back(std::vector<std::int32_t>{4, 5, 6});
  corpus.target.push_back(std::vector<std::int32_t>{6, 4});
  corpus.source.push_back(std::vector<std::int32_t>{5});
  corpus.target.push_back(std::vector<std::int32_t>{4, 4, 5});
  const data::Batch batch = data::make_training_batch(corpus, all_rows(2));
  graph::testing::GradCheckOptions options = grad_options();
  options.max_elements_per_input = 8;
  graph::testing::expect_gradients_match(
      [&] {
        graph::RandomGenerator dropout(3);  // the same dropout masks on every evaluation
        LossOptions o;
        o.label_smoothing = 0.1f;
        o.dropout = &dropout;
        return model.loss(batch, o).loss;
      },
      model.parameters().vars(), options);
}

TEST(TransformerConfig, InconsistentSettingsNameTheKey) {
  const auto message = [](const TransformerConfig& c) -> std::string {
    try {
      Transformer model(c, 1);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "no error";
  };
  TransformerConfig c = tiny_config();
  c.heads = 5;
  EXPECT_NE(message(c).find("model.heads must divide model.d_model"), std::string::npos) << message(c);
  c = tiny_config();
  c.tie_embeddings = true;
  c.target_vocabulary += 1;
  EXPECT_NE(message(c).find("model.tie_embeddings"), std::string::npos) << message(c);
  c.tie_embeddings = false;
  c.tie_output_embeddings = true;  // the target side alone has no size constraint
  EXPECT_EQ(message(c), "no error");
  c = tiny_config();
  c.alignment_layer = 2;
  EXPECT_NE(message(c).find("model.alignment_layer"), std::string::npos) << message(c);
  c = tiny_config();
  c.attention_dropout = 1.0f;
  EXPECT_NE(message(c).find("model.attention_dropout"), std::string::npos) << message(c);
}

TEST(Transformer, TiedEmbeddingsShareOneTable) {
  TransformerConfig c = tiny_config();
  const std::int64_t untied = Transformer(c, 1).parameters().element_count();
  c.tie_embeddings = true;
  const std::int64_t tied = Transformer(c, 1).parameters().element_count();
  // Three [V, d_model] tables (source, target, output weight) became one.
  EXPECT_EQ(untied - tied, 2 * c.target_vocabulary * c.d_model);
}

TEST(Transformer, DescribesItsAttentionByItsHeads) {
  TransformerConfig c = tiny_config();
  c.heads = 2;
  EXPECT_EQ(Transformer(c, 1).attention_description(), "multi-head (2 heads)");
  EXPECT_TRUE(Transformer(c, 1).has_attention());
  c.heads = 1;
  EXPECT_EQ(Transformer(c, 1).attention_description(), "multi-head (1 head)");
}

}  // namespace
}  // namespace nmt::models
