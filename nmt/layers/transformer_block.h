// The encoder and decoder blocks of the Transformer (Vaswani et al. 2017, section 3.1).
//
// Encoder block: self-attention, then the feed-forward network. Decoder block: causal
// self-attention, encoder-decoder attention, then the feed-forward network. Each sublayer sits
// in a residual connection with layer normalization and dropout P_drop on its output
// (section 5.4):
//
//   post-norm (the paper):  x <- LayerNorm(x + Dropout(Sublayer(x)))
//   pre-norm:               x <- x + Dropout(Sublayer(LayerNorm(x)))
//
// Pre-norm (Wang et al. 2019; Xiong et al. 2020) trains stably without a long warm-up; its
// stack needs a final layer normalization, which the model applies after the last block.
#pragma once

#include <string>

#include "nmt/layers/feed_forward.h"
#include "nmt/layers/layer_norm.h"
#include "nmt/layers/multi_head_attention.h"

namespace nmt::layers {

struct TransformerBlockOptions {
  std::int64_t d_model = 256;
  std::int64_t heads = 4;
  std::int64_t feed_forward = 1024;   // the inner size d_ff of eq. 2
  float dropout = 0.1f;               // on each sublayer's output, before the residual sum
  float attention_dropout = 0.0f;     // on the attention weights
  float feed_forward_dropout = 0.0f;  // on the ReLU output inside the feed-forward network
  bool pre_norm = true;
};

// One residual connection with its layer normalization (see above).
struct Residual {
  LayerNorm norm;
  bool pre_norm = true;

  template <class Sublayer>
  Var operator()(const Var& x, float dropout, graph::RandomGenerator* generator, Sublayer&& sublayer) const {
    const auto drop = [&](const Var& y) {
      return generator && dropout > 0 ? graph::dropout(y, dropout, *generator) : y;
    };
    if (pre_norm) return graph::add(x, drop(sublayer(norm(x))));
    return norm(graph::add(x, drop(sublayer(x))));
  }
};

class TransformerEncoderBlock {
 public:
  TransformerEncoderBlock(graph::Parameters& params, const std::string& name, const TransformerBlockOptions& options,
                          graph::RandomGenerator& generator);
  // x: [B, S, d_model]; mask: [B, 1, 1, S] source padding (1 on tokens). Dropout when
  // `generator` is given.
  Var operator()(const Var& x, const graph::Tensor& mask, graph::RandomGenerator* generator) const;

 private:
  TransformerBlockOptions options_;
  MultiHeadAttention self_attention_;
  FeedForward feed_forward_;
  Residual attention_residual_, feed_forward_residual_;
};

class TransformerDecoderBlock {
 public:
  TransformerDecoderBlock(graph::Parameters& params, const std::string& name, const TransformerBlockOptions& options,
                          graph::RandomGenerator& generator);

  struct Output {
    Var output;         // [B, T, d_model]
    Var cross_weights;  // [B, H, T, S]: the encoder-decoder attention weights
  };
  // The encoder-decoder attention's keys and values of the encoder output [B, S, d_model].
  AttentionHeads project_memory(const Var& encoder_output) const;
  // All positions at once (training, scoring): y [B, T, d_model] under the causal mask [T, T];
  // memory_mask [B, 1, 1, S] masks source padding.
  Output operator()(const Var& y, const graph::Tensor& causal, const AttentionHeads& memory,
                    const graph::Tensor& memory_mask, graph::RandomGenerator* generator) const;
  // One new position y [R, 1, d_model], attending to the cached prefix (`cache`, extended by this
  // position) instead of recomputing it; no dropout (search). The rows' queries of
  // encoder-decoder attention in `groups`, `memory` and `memory_mask` one row per group; the
  // cross weights [R, H, 1, S] only `with_weights`.
  Output step(const Var& y, KeyValueCache& cache, const AttentionHeads& memory, const graph::Tensor& memory_mask,
              const QueryGroups& groups, bool with_weights) const;

 private:
  template <class SelfAttention, class CrossAttention>
  Output run(const Var& y, SelfAttention&& self, CrossAttention&& cross, graph::RandomGenerator* generator) const;

  TransformerBlockOptions options_;
  MultiHeadAttention self_attention_, cross_attention_;
  FeedForward feed_forward_;
  Residual self_residual_, cross_residual_, feed_forward_residual_;
};

}  // namespace nmt::layers
