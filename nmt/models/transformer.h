// The Transformer (Vaswani et al. 2017): token embeddings scaled by sqrt(d_model) plus sinusoidal
// positional encodings, a stack of encoder blocks (self-attention under the source padding mask,
// feed-forward), a stack of decoder blocks (causal self-attention, encoder-decoder attention,
// feed-forward), and an output projection over the target vocabulary, optionally tied to the
// embeddings (section 3.4). Residual connections with layer normalization, pre-norm by default
// (with a final layer normalization on the encoder and decoder outputs) or post-norm as in the
// paper.
//
// Training runs every position of the batch at once (the causal mask keeps each target position
// from seeing later ones); the output projection and the loss run once over all target
// positions. Search encodes each source once, projects the encoder-decoder keys and values once,
// and then decodes incrementally: each step computes the new position's queries, keys and values
// only and attends over per-layer caches of the earlier positions' keys and values.
#pragma once

#include <memory>
#include <vector>

#include "nmt/layers/layer_norm.h"
#include "nmt/layers/linear.h"
#include "nmt/layers/transformer_block.h"
#include "nmt/models/model.h"

namespace nmt::models {

// Every field maps onto a recipe key model.<field>. Defaults: a small Transformer for CPUs
// (the paper's base model is d_model 512, feed_forward 2048, heads 8, 6 + 6 layers).
struct TransformerConfig {
  std::int64_t source_vocabulary = 0;  // from the vocabularies; required
  std::int64_t target_vocabulary = 0;  // from the vocabularies; required
  std::int64_t d_model = 256;          // embedding and hidden size
  std::int64_t feed_forward = 1024;    // inner size of the feed-forward blocks (d_ff)
  std::int64_t heads = 4;              // attention heads; must divide d_model
  int encoder_layers = 3;
  int decoder_layers = 3;
  float dropout = 0.1f;                  // on embeddings + positions and on every sublayer's output
                                         // (P_drop, section 5.4: the paper's only dropout)
  float attention_dropout = 0.0f;        // on the attention weights
  float feed_forward_dropout = 0.0f;     // on the ReLU output of the feed-forward blocks
  bool pre_norm = true;                  // false: post-norm, as in the paper
  bool tie_embeddings = false;           // one table for source and target embeddings and the output
                                         // projection (joint vocabulary: the sizes must agree)
  bool tie_output_embeddings = false;    // output projection = target embeddings
  std::int64_t max_source_length = 201;  // the longest source it reads (EOS included); see model.h
  int alignment_layer = -1;              // decoder layer whose encoder-decoder attention step() reports
                                         // (averaged over heads); -1: the last

  void validate() const;  // throws std::invalid_argument naming the offending setting
  layers::TransformerBlockOptions block_options() const;
};

class Transformer final : public Seq2SeqModel {
 public:
  Transformer(const TransformerConfig& config, std::uint64_t seed);

  graph::Parameters& parameters() override { return params_; }
  std::int64_t target_vocabulary_size() const override { return config_.target_vocabulary; }
  std::string attention_description() const override {
    return "multi-head (" + std::to_string(config_.heads) + (config_.heads == 1 ? " head)" : " heads)");
  }
  bool has_attention() const override { return true; }
  std::int64_t max_source_length() const override { return config_.max_source_length; }
  const TransformerConfig& config() const { return config_; }

  LossResult loss(const data::Batch& batch, const LossOptions& options) const override;
  // The teacher-forced logits of every target position: [rows * target_width, V], row
  // r * target_width + t for sentence r, position t (what loss() scores).
  graph::Var logits(const data::Batch& batch, graph::RandomGenerator* dropout) const;

  std::unique_ptr<EncodedSource> encode(const data::Batch& sources) const override;
  std::unique_ptr<DecoderState> start(const EncodedSource& source) const override;
  StepResult step(const EncodedSource& source, DecoderState& state,
                  std::span<const std::int32_t> previous) const override;

 private:
  struct Memory;
  struct Encoded;
  struct State;
  Memory encode_batch(const data::Batch& batch, graph::RandomGenerator* dropout) const;

  TransformerConfig config_;
  graph::Parameters params_;
  graph::Var source_embedding_, target_embedding_;
  std::vector<layers::TransformerEncoderBlock> encoder_;
  std::vector<layers::TransformerDecoderBlock> decoder_;
  layers::LayerNorm encoder_norm_, decoder_norm_;  // pre-norm only
  layers::Linear output_;                          // weight may be an embedding table (tied)
};

}  // namespace nmt::models
