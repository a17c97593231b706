// A sentence classifier (issue 20): subword embeddings, the bidirectional LSTM encoder of the
// RNN translation model, one pooling of its states (layers/sentence_pooling.h: last, mean,
// max or additive self-attention), dropout, and a linear layer to one score per label;
// trained with cross-entropy against the sentence's label.
//
//   h_1..h_T = BiLSTM(E x_1 .. E x_T)      v = pool(h, lengths)      logits = W_out v + b_out
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "nmt/data/batch.h"
#include "nmt/graph/parameters.h"
#include "nmt/layers/linear.h"
#include "nmt/layers/lstm_encoder.h"
#include "nmt/layers/sentence_pooling.h"

namespace nmt::models {

struct ClassifierConfig {
  std::int64_t vocabulary = 0;  // subwords, special ids included
  std::int64_t labels = 0;
  std::int64_t embedding_size = 256;
  std::int64_t encoder_hidden = 128;  // per direction
  int encoder_layers = 1;
  float dropout = 0.2f;  // embeddings, between LSTM layers, before the output layer
  layers::Pooling pooling = layers::Pooling::attention;
  std::int64_t attention_size = 128;  // W's rows in u_t = tanh(W h_t + b)
  int attention_heads = 1;

  void validate() const;  // throws std::invalid_argument naming the offending setting
};

struct Classified {
  graph::Var logits;        // [B, labels]
  graph::Tensor attention;  // [B, K, T] with attention pooling; undefined otherwise
};

struct Prediction {
  std::int32_t label = 0;                   // the highest-scoring label
  float probability = 0;                    // its softmax probability
  std::vector<std::vector<float>> weights;  // attention pooling: [head][token incl. EOS]; else empty
};

class Classifier {
 public:
  Classifier(const ClassifierConfig& config, std::uint64_t seed);

  graph::Parameters& parameters() { return params_; }
  const ClassifierConfig& config() const { return config_; }

  // The scores of each sentence of the batch (its source side); dropout when a generator is given.
  Classified classify(const data::Batch& batch, graph::RandomGenerator* dropout) const;
  // The summed cross-entropy of the batch's sentences, labels[r] being row r's (with label
  // smoothing epsilon, as graph::cross_entropy defines it).
  graph::Var loss(const data::Batch& batch, std::span<const std::int32_t> labels, graph::RandomGenerator* dropout,
                  float label_smoothing = 0.0f) const;
  // No gradients, no dropout: the best label per row, with its probability and any attention.
  std::vector<Prediction> predict(const data::Batch& batch) const;

 private:
  ClassifierConfig config_;
  graph::Parameters params_;
  graph::Var embedding_;
  std::unique_ptr<layers::LstmEncoder> encoder_;
  std::unique_ptr<layers::SentencePooling> pooling_;
  layers::Linear output_;
};

}  // namespace nmt::models
