#include "nmt/models/classifier.h"

#include "nmt/data/special_ids.h"
#include "nmt/graph/ops.h"
#include "nmt/models/model_parts.h"

namespace nmt::models {

using graph::Tensor;
using graph::Var;
using parts::require;

void ClassifierConfig::validate() const {
  require(vocabulary > data::kEosId, "model: the vocabulary must hold more than the special ids (pad, unk, bos, eos)");
  require(labels >= 2,
          "data: a classifier needs at least two labels, the training labels have " + std::to_string(labels));
  require(embedding_size > 0, "model.embedding_size must be positive");
  require(encoder_hidden > 0, "model.encoder_hidden must be positive");
  require(encoder_layers >= 1, "model.encoder_layers must be >= 1");
  require(dropout >= 0 && dropout < 1, "model.dropout must be in [0, 1)");
  require(attention_size > 0, "model.attention_hidden must be positive");
  require(attention_heads >= 1, "model.attention_heads must be >= 1");
}

Classifier::Classifier(const ClassifierConfig& c, std::uint64_t seed) : config_(c) {
  c.validate();
  graph::RandomGenerator gen(seed);
  // As the RNN translation model's embeddings: U(-0.1, 0.1).
  embedding_ = params_.add("embedding", graph::uniform_tensor({c.vocabulary, c.embedding_size}, 0.1f, gen));
  encoder_ = std::make_unique<layers::LstmEncoder>(params_, "encoder", c.embedding_size, c.encoder_hidden,
                                                   c.encoder_layers, gen);
  pooling_ = std::make_unique<layers::SentencePooling>(params_, "pooling", c.pooling, 2 * c.encoder_hidden,
                                                       c.attention_size, c.attention_heads, gen);
  output_ = layers::Linear::create(params_, "output", pooling_->output_size(), c.labels, gen);
}

Classified Classifier::classify(const data::Batch& batch, graph::RandomGenerator* dropout) const {
  const auto rows = static_cast<std::int64_t>(batch.rows), width = static_cast<std::int64_t>(batch.source_width);
  const Var embedded = parts::maybe_dropout(
      graph::embedding(embedding_, parts::time_major(batch.source_ids, batch.rows, batch.source_width), {width, rows}),
      config_.dropout, dropout);
  const layers::EncoderOutput encoded = encoder_->encode(embedded, batch.source_lengths, config_.dropout, dropout);
  const layers::PooledSentences pooled = (*pooling_)(encoded, batch.source_lengths);
  return {output_(parts::maybe_dropout(pooled.vectors, config_.dropout, dropout)), pooled.weights};
}

Var Classifier::loss(const data::Batch& batch, std::span<const std::int32_t> labels, graph::RandomGenerator* dropout,
                     float label_smoothing) const {
  if (labels.size() != batch.rows)
    throw std::invalid_argument("classifier loss: " + std::to_string(labels.size()) + " labels for " +
                                std::to_string(batch.rows) + " sentences");
  return graph::cross_entropy(classify(batch, dropout).logits, labels, -1, label_smoothing);
}

std::vector<Prediction> Classifier::predict(const data::Batch& batch) const {
  const graph::NoGradGuard no_grad;
  const Classified c = classify(batch, nullptr);
  const Tensor probabilities = graph::softmax(c.logits).value();
  const std::int64_t labels = config_.labels;
  std::vector<Prediction> out(batch.rows);
  for (std::size_t r = 0; r < batch.rows; ++r) {
    const float* p = probabilities.data() + r * labels;
    Prediction& prediction = out[r];
    for (std::int64_t l = 1; l < labels; ++l)
      if (p[l] > p[prediction.label]) prediction.label = static_cast<std::int32_t>(l);
    prediction.probability = p[prediction.label];
    if (c.attention.defined()) {
      const std::int64_t heads = c.attention.dim(1), width = c.attention.dim(2);
      for (std::int64_t k = 0; k < heads; ++k) {
        const float* w = c.attention.data() + (static_cast<std::int64_t>(r) * heads + k) * width;
        prediction.weights.emplace_back(w, w + batch.source_lengths[r]);
      }
    }
  }
  return out;
}

}  // namespace nmt::models
