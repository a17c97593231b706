// The RNN encoder-decoder with every attention type: it memorises a tiny corpus exactly, a
// sentence's loss does not depend on the padding around it, search steps reproduce the
// teacher-forced loss, and the whole model's gradient matches finite differences.
#include "nmt/models/rnn_seq2seq.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "../decode/greedy_reference.h"
#include "../graph/gradient_check.h"
#include "../graph/skip_unless_cpu_offers.h"
#include "../layers/registered_mechanisms.h"
#include "nmt/data/batch.h"
#include "nmt/data/special_ids.h"
#include "nmt/train/optimizer.h"
#include "tiny_corpus.h"

namespace nmt::models {
namespace {

using testing::all_rows;
using testing::kTinyVocabulary;
using testing::tiny_corpus;

RnnConfig tiny_config(const std::string& mechanism) {
  RnnConfig c;
  c.source_vocabulary = c.target_vocabulary = kTinyVocabulary;
  c.embedding_size = 16;
  c.encoder_hidden = 16;
  c.decoder_hidden = 32;  // = 2 x encoder_hidden, as the dot score needs
  c.dropout = 0.0f;
  c.attention.mechanism = mechanism;
  c.attention.hidden_size = 16;
  c.attention.window = 2;
  c.attention.max_source_length = 16;
  c.attention.local_score = layers::ScoreFunction::general;
  return c;
}

class RnnModelTest : public ::testing::TestWithParam<std::string> {};

TEST_P(RnnModelTest, MemorisesATinyCorpusExactly) {
  const data::EncodedCorpus corpus = tiny_corpus();
  RnnSeq2Seq model(tiny_config(GetParam()), 7);
  train::AdamOptions adam_options;
  adam_options.learning_rate = 0.02f;
  const testing::Memorisation m = testing::memorise(model, corpus, adam_options, 600);
  EXPECT_EQ(m.correct, corpus.size()) << "after " << m.steps << " steps";
  // What it learnt survives int8 linear layers (where the CPU offers them).
  if (m.correct_in_int8 >= 0) {
    EXPECT_EQ(m.correct_in_int8, static_cast<long>(corpus.size()));
  }
}

TEST_P(RnnModelTest, MemorisesATinyCorpusExactlyWithBf16Products) {
  NMT_SKIP_UNLESS_CPU_OFFERS(graph::Precision::bf16);
  const data::EncodedCorpus corpus = tiny_corpus();
  RnnSeq2Seq model(tiny_config(GetParam()), 7);
  train::AdamOptions adam_options;
  adam_options.learning_rate = 0.02f;
  const testing::Memorisation m = testing::memorise(model, corpus, adam_options, 600, graph::Precision::bf16);
  EXPECT_EQ(m.correct, corpus.size()) << "after " << m.steps << " steps";
}

TEST_P(RnnModelTest, Bf16GradientsStayCloseToF32) {
  NMT_SKIP_UNLESS_CPU_OFFERS(graph::Precision::bf16);
  RnnSeq2Seq model(tiny_config(GetParam()), 7);
  testing::expect_bf16_gradients_close_to_f32(model, tiny_corpus());
}

TEST_P(RnnModelTest, PaddingDoesNotChangeASentencesLoss) {
  const RnnSeq2Seq model(tiny_config(GetParam()), 11);
  const testing::PaddedAndAloneLosses l = testing::padded_and_alone_losses(model, tiny_corpus(6));
  EXPECT_NEAR(l.together, l.alone, 1e-4 * std::abs(l.alone));
}

TEST_P(RnnModelTest, SearchStepsReproduceTheTeacherForcedLoss) {
  const data::EncodedCorpus corpus = tiny_corpus(5);
  const data::Batch batch = data::make_training_batch(corpus, all_rows(5));
  const RnnSeq2Seq model(tiny_config(GetParam()), 13);
  double expected;
  {
    graph::NoGradGuard no_grad;
    expected = model.loss(batch, {}).loss.value().item();
  }
  const auto encoded = model.encode(batch);
  auto state = model.start(*encoded);
  double total = 0;
  for (std::size_t t = 0; t < batch.target_width; ++t) {
    std::vector<std::int32_t> previous(batch.rows);
    for (std::size_t b = 0; b < batch.rows; ++b) previous[b] = batch.target_input[b * batch.target_width + t];
    const StepResult r = model.step(*encoded, *state, previous);
    const std::int64_t vocab = r.log_probs.dim(1);
    for (std::size_t b = 0; b < batch.rows; ++b) {
      const std::int32_t y = batch.target_output[b * batch.target_width + t];
      if (y != data::kPadId) total -= r.log_probs.data()[b * vocab + y];
      if (r.attention.defined()) {
        double sum = 0;
        for (std::int64_t s = 0; s < r.attention.dim(1); ++s) sum += r.attention.data()[b * r.attention.dim(1) + s];
        EXPECT_NEAR(sum, 1.0, 1e-5);
      }
    }
  }
  EXPECT_NEAR(total, expected, 1e-4 * expected);
}

// Encoder states of 2 x encoder_hidden and a decoder of decoder_hidden; both gradient checks
// run with the two equal and, but for the dot score, with them different (as in a recipe with
// encoder_hidden 256 and decoder_hidden 256: states of 512 against a decoder of 256).
void check_whole_model_gradient(const std::string& mechanism, std::int64_t encoder_hidden,
                                std::int64_t decoder_hidden) {
  RnnConfig c = tiny_config(mechanism);
  c.source_vocabulary = c.target_vocabulary = 7;
  c.embedding_size = 3;
  c.encoder_hidden = encoder_hidden;
  c.decoder_hidden = decoder_hidden;
  c.attention.hidden_size = 3;
  // A perturbation that moves local-p's p_t across a window edge changes which positions take
  // part (a jump, not a derivative): a window wider than the sentences keeps the edges away
  // while p_t still shapes the Gaussian. (The layer's own check covers narrow windows.)
  c.attention.window = mechanism == "local-p" ? 8 : 1;
  c.decoder_layers = 2;
  c.encoder_layers = 2;
  RnnSeq2Seq model(c, 17);
  data::EncodedCorpus corpus;
  corpus.source.push_back(std::vector<std::int32_t>{4, 5, 6});
  corpus.target.push_back(std::vector<std::int32_t>{6, 4});
  corpus.source.push_back(std::vector<std::int32_t>{5});
  corpus.target.push_back(std::vector<std::int32_t>{4, 4, 5});
  const data::Batch batch = data::make_training_batch(corpus, all_rows(2));
  graph::testing::GradCheckOptions options;
  options.max_elements_per_input = 6;
  options.step = 5e-3f;
  LossOptions loss_options;
  loss_options.label_smoothing = 0.1f;
  graph::testing::expect_gradients_match([&] { return model.loss(batch, loss_options).loss; },
                                         model.parameters().vars(), options);
}

TEST_P(RnnModelTest, WholeModelGradientMatchesFiniteDifferences) { check_whole_model_gradient(GetParam(), 2, 4); }

TEST(RnnModel, WholeModelGradientMatchesWhenEncoderStatesAndDecoderDifferInSize) {
  // Every attention mechanism but the dot score, which needs equal sizes.
  for (const std::string& mechanism : layers::testing::registered_mechanisms()) {
    if (layers::attention_mechanism(mechanism).uses_dot_score(tiny_config(mechanism).attention)) continue;
    SCOPED_TRACE(mechanism);
    check_whole_model_gradient(mechanism, 3, 4);  // encoder states of 6, a decoder of 4
  }
}

INSTANTIATE_TEST_SUITE_P(Attention, RnnModelTest, ::testing::ValuesIn(layers::testing::registered_mechanisms()),
                         layers::testing::mechanism_test_name);

TEST(RnnModel, DescribesItsAttention) {
  const RnnSeq2Seq bahdanau(tiny_config("bahdanau"), 1), none(tiny_config("none"), 1);
  EXPECT_EQ(bahdanau.attention_description(), "bahdanau");
  EXPECT_TRUE(bahdanau.has_attention());
  EXPECT_EQ(none.attention_description(), "none");
  EXPECT_FALSE(none.has_attention());
}

TEST(RnnConfig, InconsistentSizesNameTheSettings) {
  RnnConfig c = tiny_config("luong-dot");
  c.decoder_hidden = 20;
  try {
    RnnSeq2Seq model(c, 1);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("model.decoder_hidden"), std::string::npos) << e.what();
  }
  c = tiny_config("bahdanau");
  c.tie_output_embeddings = true;
  EXPECT_THROW(RnnSeq2Seq(c, 1), std::invalid_argument);
  c.decoder_hidden = c.embedding_size;
  EXPECT_NO_THROW(RnnSeq2Seq(c, 1));
}

}  // namespace
}  // namespace nmt::models
