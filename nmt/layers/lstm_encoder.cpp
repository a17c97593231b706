#include "nmt/layers/lstm_encoder.h"

#include <cmath>

namespace nmt::layers {

using graph::Shape;
using graph::Tensor;

graph::LstmWeights make_lstm_weights(graph::Parameters& params, const std::string& name, std::int64_t input_size,
                                     std::int64_t hidden_size, graph::RandomGenerator& generator) {
  const float bound = 1.0f / std::sqrt(static_cast<float>(hidden_size));
  Tensor bias = Tensor::zeros({1, 4, hidden_size});
  for (std::int64_t j = 0; j < hidden_size; ++j) bias.data()[hidden_size + j] = 1.0f;  // gate order i, f, c~, o
  return {
      params.add(name + ".weights_input", graph::uniform_tensor({1, input_size, 4, hidden_size}, bound, generator)),
      params.add(name + ".weights_hidden", graph::uniform_tensor({1, hidden_size, 4, hidden_size}, bound, generator)),
      params.add(name + ".bias", std::move(bias))};
}

LstmEncoder::LstmEncoder(graph::Parameters& params, const std::string& name, std::int64_t input_size,
                         std::int64_t hidden_size, int layers, graph::RandomGenerator& generator)
    : hidden_size_(hidden_size) {
  for (int l = 0; l < layers; ++l) {
    const std::int64_t in = l == 0 ? input_size : 2 * hidden_size;
    const std::string prefix = name + ".layer" + std::to_string(l);
    layers_.push_back({make_lstm_weights(params, prefix + ".forward", in, hidden_size, generator),
                       make_lstm_weights(params, prefix + ".backward", in, hidden_size, generator)});
  }
}

EncoderOutput LstmEncoder::encode(const Var& inputs, std::span<const std::int32_t> lengths, float dropout,
                                  graph::RandomGenerator* generator) const {
  const std::int64_t steps = inputs.shape()[0], batch = inputs.shape()[1];
  if (static_cast<std::int64_t>(lengths.size()) != batch)
    throw graph::ShapeError("encoder: " + std::to_string(lengths.size()) + " lengths for a batch of " +
                            std::to_string(batch));
  // Row (t, b) of a [S*B, C] view -> the row holding the same sentence's token len-1-t.
  std::vector<std::int32_t> reversed(steps * batch), last(batch);
  for (std::int64_t b = 0; b < batch; ++b) {
    const std::int64_t len = lengths[b];
    if (len < 1 || len > steps)
      throw graph::ShapeError("encoder: sentence " + std::to_string(b) + " has length " + std::to_string(len) +
                              " in a batch of " + std::to_string(steps) + " steps");
    for (std::int64_t t = 0; t < steps; ++t)
      reversed[t * batch + b] = static_cast<std::int32_t>((t < len ? len - 1 - t : t) * batch + b);
    last[b] = static_cast<std::int32_t>((len - 1) * batch + b);
  }
  const auto reverse = [&](const Var& x) {
    return graph::reshape(graph::gather_rows(graph::reshape(x, {steps * batch, -1}), reversed), {steps, batch, -1});
  };
  EncoderOutput out;
  Var x = inputs;
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    if (l > 0 && generator && dropout > 0) x = graph::dropout(x, dropout, *generator);
    const Var forward = graph::lstm(x, layers_[l].forward, graph::RnnDirection::left_to_right).output;
    const Var backward_reversed =
        graph::lstm(reverse(x), layers_[l].backward, graph::RnnDirection::left_to_right).output;
    x = graph::concat({forward, reverse(backward_reversed)}, 2);
    if (l + 1 == layers_.size()) {
      out.last_forward = graph::gather_rows(graph::reshape(forward, {steps * batch, -1}), last);
      out.last_backward = graph::gather_rows(graph::reshape(backward_reversed, {steps * batch, -1}), last);
    }
  }
  out.states = x;
  return out;
}

}  // namespace nmt::layers
