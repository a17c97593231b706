#include "nmt/layers/sentence_pooling.h"

#include <stdexcept>
#include <vector>

namespace nmt::layers {

using graph::Tensor;

std::optional<Pooling> parse_pooling(const std::string& name) {
  if (name == "last") return Pooling::last;
  if (name == "mean") return Pooling::mean;
  if (name == "max") return Pooling::max;
  if (name == "attention") return Pooling::attention;
  return std::nullopt;
}

std::string pooling_name(Pooling pooling) {
  switch (pooling) {
    case Pooling::last:
      return "last";
    case Pooling::mean:
      return "mean";
    case Pooling::max:
      return "max";
    case Pooling::attention:
      return "attention";
  }
  return "?";
}

SentencePooling::SentencePooling(graph::Parameters& params, const std::string& name, Pooling pooling,
                                 std::int64_t state_size, std::int64_t attention_size, int heads,
                                 graph::RandomGenerator& generator)
    : pooling_(pooling), state_size_(state_size), heads_(pooling == Pooling::attention ? heads : 1) {
  if (pooling != Pooling::attention) return;
  if (heads < 1 || attention_size < 1)
    throw std::invalid_argument("attention pooling needs at least one head and a positive attention size");
  projection_ = Linear::create(params, name + ".projection", state_size, attention_size, generator);
  scores_ = Linear::create(params, name + ".scores", attention_size, heads, generator, Bias::without);
}

std::int64_t SentencePooling::output_size() const { return heads_ * state_size_; }

PooledSentences SentencePooling::operator()(const EncoderOutput& encoded, std::span<const std::int32_t> lengths) const {
  if (pooling_ == Pooling::last) return {graph::concat({encoded.last_forward, encoded.last_backward}, 1), {}};
  const Var states = graph::transpose(encoded.states, {1, 0, 2});  // [B, T, D]
  const std::int64_t rows = states.shape()[0], width = states.shape()[1];
  if (static_cast<std::int64_t>(lengths.size()) != rows)
    throw std::invalid_argument("sentence pooling: " + std::to_string(lengths.size()) + " lengths for " +
                                std::to_string(rows) + " sentences");
  // mask[b, 0, t] = 1 on the tokens of sentence b, 0 on its padding.
  Tensor mask = Tensor::zeros({rows, 1, width});
  for (std::int64_t b = 0; b < rows; ++b)
    for (std::int64_t t = 0; t < lengths[b] && t < width; ++t) mask.data()[b * width + t] = 1.0f;

  if (pooling_ == Pooling::mean) {  // uniform weights 1/length over the tokens
    Tensor weights = mask.clone();
    for (std::int64_t b = 0; b < rows; ++b)
      for (std::int64_t t = 0; t < width; ++t) weights.data()[b * width + t] /= static_cast<float>(lengths[b]);
    return {graph::reshape(graph::matmul(Var::constant(weights), states), {rows, state_size_}), {}};
  }
  if (pooling_ == Pooling::max) {  // padding pushed 1e9 below every state, so it is never the maximum
    Tensor penalty = Tensor::empty({rows, width, 1});
    for (std::int64_t i = 0; i < rows * width; ++i) penalty.data()[i] = (mask.data()[i] - 1.0f) * 1e9f;
    return {graph::max(graph::add(states, Var::constant(penalty)), {1}), {}};
  }
  // Attention (eq. 5-7): scores [B, T, K] -> [B, K, T], softmax over the tokens, then the
  // weighted sums of the states [B, K, D], concatenated per sentence.
  const Var scores = graph::transpose(scores_(graph::tanh(projection_(states))), {0, 2, 1});
  const Var weights = graph::softmax(scores, mask);
  const Var context = graph::matmul(weights, states);
  return {graph::reshape(context, {rows, heads_ * state_size_}), weights.value()};
}

}  // namespace nmt::layers
