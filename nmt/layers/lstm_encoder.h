// A bidirectional multi-layer LSTM encoder on the oneDNN LSTM primitive, exact under padding.
//
// The forward direction runs over the padded batch as it is: padding comes after each
// sentence, so it cannot change the states of real tokens. The backward direction must start
// at each sentence's own last token, so every sentence is reversed within its length (a row
// gather), run left to right, and reversed back. A sentence thus gets the same encodings alone
// as inside any padded batch; states at padded positions are not meaningful and are masked by
// every consumer.
#pragma once

#include <span>
#include <vector>

#include "nmt/graph/ops.h"
#include "nmt/graph/parameters.h"

namespace nmt::layers {

using graph::Var;

struct EncoderOutput {
  Var states;         // [S, B, 2H]: forward and backward states concatenated, time-major
  Var last_forward;   // [B, H]: the forward state after each sentence's last token
  Var last_backward;  // [B, H]: the backward state after reading each sentence back to its first token
};

class LstmEncoder {
 public:
  LstmEncoder(graph::Parameters& params, const std::string& name, std::int64_t input_size, std::int64_t hidden_size,
              int layers, graph::RandomGenerator& generator);
  // inputs: [S, B, C] time-major; lengths: per sentence, >= 1. `dropout` (between layers) is
  // applied when `generator` is given.
  EncoderOutput encode(const Var& inputs, std::span<const std::int32_t> lengths, float dropout,
                       graph::RandomGenerator* generator) const;
  std::int64_t hidden_size() const { return hidden_size_; }

 private:
  struct Layer {
    graph::LstmWeights forward, backward;
  };
  std::vector<Layer> layers_;
  std::int64_t hidden_size_;
};

// Weights of one unidirectional LSTM layer: uniform(-1/sqrt(H), 1/sqrt(H)) as in the common
// frameworks, forget-gate bias 1 (Gers et al. 2000; Jozefowicz et al. 2015) so that gradients
// flow through time from the first updates on.
graph::LstmWeights make_lstm_weights(graph::Parameters& params, const std::string& name, std::int64_t input_size,
                                     std::int64_t hidden_size, graph::RandomGenerator& generator);

}  // namespace nmt::layers
