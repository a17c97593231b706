// The RNN encoder-decoder with attention (Bahdanau et al. 2015; Luong et al. 2015):
// embeddings, a bidirectional LSTM encoder (exact under padding), an LSTM decoder initialised
// from the encoder, one attention mechanism of layers/attention, and an output projection
// over the target vocabulary, optionally tied to the target embeddings.
//
// Per target step t, with y the previous target token:
//   none:      h_t = LSTM([E y], h_{t-1});                          output o_t = h_t
//   bahdanau:  c_t = attend(s_{t-1}); s_t = LSTM([E y; c_t], s_{t-1}); o_t = tanh(W_c [c_t; s_t])
//   luong-*, local-*: h_t = LSTM([E y; o_{t-1}], h_{t-1})  (input feeding, switchable)
//              c_t = attend(h_t);                              o_t = tanh(W_c [c_t; h_t])
// logits = W_out o_t + b_out for all t of the batch at once (one large product), then the
// token cross-entropy. The decoder's initial hidden state is tanh(W_init [->h_last; <-h_first]).
#pragma once

#include <memory>
#include <vector>

#include "nmt/layers/attention/registry.h"
#include "nmt/layers/linear.h"
#include "nmt/layers/lstm_encoder.h"
#include "nmt/models/model.h"

namespace nmt::models {

struct RnnConfig {
  std::int64_t source_vocabulary = 0;
  std::int64_t target_vocabulary = 0;
  std::int64_t embedding_size = 256;
  std::int64_t encoder_hidden = 256;  // per direction
  int encoder_layers = 1;
  std::int64_t decoder_hidden = 256;
  int decoder_layers = 1;
  float dropout = 0.2f;                // embeddings, between LSTM layers, before the output layer
  bool input_feeding = true;           // Luong's input feeding (luong-* and local-* only)
  bool tie_output_embeddings = false;  // output weights = target embeddings (decoder_hidden == embedding_size)
  layers::AttentionOptions attention;

  void validate() const;  // throws std::invalid_argument naming the offending setting
};

class RnnSeq2Seq final : public Seq2SeqModel {
 public:
  RnnSeq2Seq(const RnnConfig& config, std::uint64_t seed);

  graph::Parameters& parameters() override { return params_; }
  std::int64_t target_vocabulary_size() const override { return config_.target_vocabulary; }
  std::string attention_description() const override { return std::string(mechanism_->name); }
  bool has_attention() const override { return !mechanism_->is_none(); }
  std::int64_t max_source_length() const override { return config_.attention.max_source_length; }
  const RnnConfig& config() const { return config_; }

  LossResult loss(const data::Batch& batch, const LossOptions& options) const override;
  std::unique_ptr<EncodedSource> encode(const data::Batch& sources) const override;
  std::unique_ptr<DecoderState> start(const EncodedSource& source) const override;
  StepResult step(const EncodedSource& source, DecoderState& state,
                  std::span<const std::int32_t> previous) const override;

 private:
  struct Encoded;
  struct State;
  struct StepOutput {
    graph::Var output;   // o_t [B, H_dec]
    graph::Var weights;  // [B, S] or undefined
  };
  Encoded encode_batch(const data::Batch& batch, graph::RandomGenerator* dropout) const;
  State initial_state(const Encoded& encoded) const;
  StepOutput decode_step(const Encoded& encoded, State& state, const graph::Var& embedded,
                         graph::RandomGenerator* dropout) const;
  graph::Var output_logits(const graph::Var& outputs) const;

  RnnConfig config_;
  graph::Parameters params_;
  graph::Var source_embedding_, target_embedding_;
  std::unique_ptr<layers::LstmEncoder> encoder_;
  layers::Linear initial_state_;
  std::vector<graph::LstmWeights> decoder_;
  const layers::AttentionMechanism* mechanism_;  // config_.attention.mechanism's registry entry
  std::unique_ptr<layers::Attention> attention_;
  layers::Linear attentional_;  // W_c
  layers::Linear output_;       // weight may be the target embedding table (tied)
};

}  // namespace nmt::models
