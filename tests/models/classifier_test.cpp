// The sentence classifier (issue 20) with every pooling: it memorises a tiny labelled corpus
// exactly, a sentence gets the same scores alone and in a padded batch, the whole model's
// gradient matches finite differences, and bad settings name their recipe key.
#include "nmt/models/classifier.h"

#include <gtest/gtest.h>

#include <numeric>

#include "../graph/gradient_check.h"
#include "nmt/train/optimizer.h"
#include "tiny_corpus.h"

namespace nmt::models {
namespace {

using layers::Pooling;
using testing::all_rows;
using testing::kTinyVocabulary;

constexpr Pooling kPoolings[] = {Pooling::last, Pooling::mean, Pooling::max, Pooling::attention};

ClassifierConfig tiny_config(Pooling pooling) {
  ClassifierConfig c;
  c.vocabulary = kTinyVocabulary;
  c.labels = 3;
  c.embedding_size = 16;
  c.encoder_hidden = 16;
  c.dropout = 0.0f;
  c.pooling = pooling;
  c.attention_size = 16;
  c.attention_heads = 2;
  return c;
}

// Label of a sentence: the sum of its ids modulo 3, a function of every token.
std::vector<std::int32_t> labels_of(const data::EncodedCorpus& corpus, const data::Batch& batch) {
  std::vector<std::int32_t> labels;
  for (std::size_t r = 0; r < batch.rows; ++r) {
    const auto& ids = corpus.source[batch.sentence_indices[r]];
    labels.push_back(std::accumulate(ids.begin(), ids.end(), 0) % 3);
  }
  return labels;
}

class ClassifierTest : public ::testing::TestWithParam<Pooling> {};

TEST_P(ClassifierTest, MemorisesATinyLabelledCorpusExactly) {
  const data::EncodedCorpus corpus = testing::tiny_corpus();
  const data::Batch batch = data::make_training_batch(corpus, all_rows(corpus.size()));
  const std::vector<std::int32_t> labels = labels_of(corpus, batch);
  Classifier model(tiny_config(GetParam()), 7);
  train::AdamOptions adam_options;
  adam_options.learning_rate = 0.02f;
  train::Adam adam(model.parameters().vars(), adam_options);
  std::size_t correct = 0;
  int step = 0;
  for (; step < 400 && correct < corpus.size(); ++step) {
    model.parameters().zero_grads();
    graph::backward(model.loss(batch, labels, nullptr), graph::Tensor::scalar(1.0f / corpus.size()));
    adam.step();
    if (step % 25 == 24) {
      correct = 0;
      const std::vector<Prediction> predictions = model.predict(batch);
      for (std::size_t r = 0; r < batch.rows; ++r) correct += predictions[r].label == labels[r];
    }
  }
  EXPECT_EQ(correct, corpus.size()) << "after " << step << " steps";
}

TEST_P(ClassifierTest, ASentenceScoresTheSameAloneAndInAPaddedBatch) {
  const data::EncodedCorpus corpus = testing::tiny_corpus(6);
  Classifier model(tiny_config(GetParam()), 9);
  const data::Batch together = data::make_training_batch(corpus, all_rows(corpus.size()));
  ASSERT_GT(together.source_width, static_cast<std::size_t>(together.source_lengths.back()));
  const graph::Tensor all = model.classify(together, nullptr).logits.value();
  for (std::size_t r = 0; r < together.rows; ++r) {
    const std::vector<std::size_t> one{together.sentence_indices[r]};
    const graph::Tensor alone = model.classify(data::make_training_batch(corpus, one), nullptr).logits.value();
    for (std::int64_t l = 0; l < 3; ++l) EXPECT_NEAR(all.data()[r * 3 + l], alone.data()[l], 1e-5f) << r;
  }
}

TEST_P(ClassifierTest, WholeModelGradientMatchesFiniteDifferences) {
  ClassifierConfig c = tiny_config(GetParam());
  c.embedding_size = c.encoder_hidden = c.attention_size = 3;
  c.encoder_layers = 2;
  Classifier model(c, 17);
  data::EncodedCorpus corpus;
  corpus.source.push_back(std::vector<std::int32_t>{4, 5, 6});
  corpus.target.push_back(std::vector<std::int32_t>{4});
  corpus.source.push_back(std::vector<std::int32_t>{5});
  corpus.target.push_back(std::vector<std::int32_t>{4});
  const data::Batch batch = data::make_training_batch(corpus, all_rows(2));
  const std::vector<std::int32_t> labels{2, 0};
  graph::testing::GradCheckOptions options;
  options.max_elements_per_input = 6;
  // Max pooling is piecewise: a step that moved some maximum to another position would measure
  // a jump, so its step is smaller (with 5e-3, three elements of the LSTM weights moved one).
  options.step = GetParam() == Pooling::max ? 1e-3f : 5e-3f;
  graph::testing::expect_gradients_match([&] { return model.loss(batch, labels, nullptr); }, model.parameters().vars(),
                                         options);
}

TEST_P(ClassifierTest, PredictionsCarryTheirProbabilityAndAttention) {
  const data::EncodedCorpus corpus = testing::tiny_corpus(4);
  const data::Batch batch = data::make_training_batch(corpus, all_rows(corpus.size()));
  Classifier model(tiny_config(GetParam()), 3);
  const std::vector<Prediction> predictions = model.predict(batch);
  const graph::Tensor logits = model.classify(batch, nullptr).logits.value();
  ASSERT_EQ(predictions.size(), batch.rows);
  for (std::size_t r = 0; r < batch.rows; ++r) {
    const float* row = logits.data() + r * 3;
    EXPECT_EQ(predictions[r].label, std::max_element(row, row + 3) - row);
    EXPECT_GT(predictions[r].probability, 1.0f / 3 - 1e-6f);
    if (GetParam() != Pooling::attention) {
      EXPECT_TRUE(predictions[r].weights.empty());
      continue;
    }
    ASSERT_EQ(predictions[r].weights.size(), 2u);  // heads
    for (const auto& head : predictions[r].weights) {
      EXPECT_EQ(head.size(), static_cast<std::size_t>(batch.source_lengths[r]));
      EXPECT_NEAR(std::accumulate(head.begin(), head.end(), 0.0f), 1.0f, 1e-5f);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Pooling, ClassifierTest, ::testing::ValuesIn(kPoolings),
                         [](const ::testing::TestParamInfo<Pooling>& info) {
                           return layers::pooling_name(info.param);
                         });

TEST(ClassifierConfig, BadSettingsNameTheirKey) {
  const auto message = [](const std::function<void(ClassifierConfig&)>& change) {
    ClassifierConfig c = tiny_config(Pooling::attention);
    change(c);
    try {
      c.validate();
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_NE(message([](ClassifierConfig& c) { c.labels = 1; }).find("at least two labels"), std::string::npos);
  EXPECT_NE(message([](ClassifierConfig& c) { c.attention_heads = 0; }).find("model.attention_heads"),
            std::string::npos);
  EXPECT_NE(message([](ClassifierConfig& c) { c.dropout = 1; }).find("model.dropout"), std::string::npos);
  EXPECT_EQ(message([](ClassifierConfig&) {}), "(no error)");
  EXPECT_THROW(Classifier(ClassifierConfig{}, 1), std::invalid_argument);
}

}  // namespace
}  // namespace nmt::models
