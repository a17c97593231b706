// How a sentence classifier turns the states of its bidirectional LSTM encoder into one vector
// (issue 20): the last states, the mean or the maximum over the tokens, or additive
// self-attention (Yang et al. 2016, "Hierarchical Attention Networks", eq. 5-7):
//   u_t = tanh(W h_t + b),  a_t = softmax_t(v^T u_t),  c = sum_t a_t h_t
// with K such heads (K vectors v) concatenated. Every pooling ignores padded positions exactly,
// so a sentence pools to the same vector alone and in any padded batch.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "nmt/graph/parameters.h"
#include "nmt/layers/linear.h"
#include "nmt/layers/lstm_encoder.h"

namespace nmt::layers {

enum class Pooling { last, mean, max, attention };
std::optional<Pooling> parse_pooling(const std::string& name);  // "last", "mean", "max", "attention"
std::string pooling_name(Pooling pooling);

struct PooledSentences {
  Var vectors;            // [B, output_size()]
  graph::Tensor weights;  // attention: [B, K, T], 0 at padding, each row summing to 1; else undefined
};

class SentencePooling {
 public:
  // state_size: the encoder's states (2H); attention_size and heads: of Pooling::attention only.
  SentencePooling(graph::Parameters& params, const std::string& name, Pooling pooling, std::int64_t state_size,
                  std::int64_t attention_size, int heads, graph::RandomGenerator& generator);

  // encoded: the encoder's output for a batch of B sentences of width T; lengths: per sentence.
  PooledSentences operator()(const EncoderOutput& encoded, std::span<const std::int32_t> lengths) const;

  // state_size (last: the two directions' final states, together as large), or K x state_size.
  std::int64_t output_size() const;
  Pooling pooling() const { return pooling_; }

 private:
  Pooling pooling_;
  std::int64_t state_size_;
  int heads_;
  Linear projection_;  // W, b: state_size -> attention_size
  Linear scores_;      // v for each head: attention_size -> K, no bias
};

}  // namespace nmt::layers
