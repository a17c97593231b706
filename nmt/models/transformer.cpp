#include "nmt/models/transformer.h"

#include <cmath>
#include <numeric>
#include <stdexcept>

#include "nmt/data/special_ids.h"
#include "nmt/graph/profiler.h"
#include "nmt/layers/positional_encoding.h"
#include "nmt/models/model_parts.h"

namespace nmt::models {

using graph::Tensor;
using graph::Var;

using parts::maybe_dropout;
using parts::require;

void TransformerConfig::validate() const {
  require(source_vocabulary > data::kEosId && target_vocabulary > data::kEosId,
          "model: the vocabularies must hold more than the special ids (pad, unk, bos, eos)");
  require(d_model > 0, "model.d_model must be positive");
  require(heads > 0, "model.heads must be positive");
  require(d_model % heads == 0, "model.heads must divide model.d_model (" + std::to_string(heads) + " heads, d_model " +
                                    std::to_string(d_model) + ")");
  require(feed_forward > 0, "model.feed_forward must be positive");
  require(max_source_length >= 2, "model: the longest source must hold a subword and EOS (data.max_length >= 1)");
  require(encoder_layers >= 1 && decoder_layers >= 1, "model.encoder_layers and model.decoder_layers must be >= 1");
  require(dropout >= 0 && dropout < 1, "model.dropout must be in [0, 1)");
  require(attention_dropout >= 0 && attention_dropout < 1, "model.attention_dropout must be in [0, 1)");
  require(feed_forward_dropout >= 0 && feed_forward_dropout < 1, "model.feed_forward_dropout must be in [0, 1)");
  require(!tie_embeddings || source_vocabulary == target_vocabulary,
          "model.tie_embeddings needs a joint vocabulary, but the source vocabulary has " +
              std::to_string(source_vocabulary) + " pieces and the target vocabulary " +
              std::to_string(target_vocabulary));
  require(alignment_layer >= -1 && alignment_layer < decoder_layers,
          "model.alignment_layer must be -1 (the last) or a decoder layer in [0, " + std::to_string(decoder_layers) +
              "), got " + std::to_string(alignment_layer));
}

layers::TransformerBlockOptions TransformerConfig::block_options() const {
  layers::TransformerBlockOptions o;
  o.d_model = d_model;
  o.heads = heads;
  o.feed_forward = feed_forward;
  o.dropout = dropout;
  o.attention_dropout = attention_dropout;
  o.feed_forward_dropout = feed_forward_dropout;
  o.pre_norm = pre_norm;
  return o;
}

// The encoder side of a batch: the encoder-decoder keys and values of every decoder layer and
// the source padding mask, one row per sentence.
struct Transformer::Memory {
  std::vector<layers::AttentionHeads> heads;  // per decoder layer, [B*H, S, d_k]
  Tensor mask;                                // [B, 1, 1, S]

  Memory select_rows(std::span<const std::int32_t> rows, std::int64_t heads_per_row) const {
    Memory m;
    for (const auto& h : heads) m.heads.push_back(h.select_rows(rows, heads_per_row));
    m.mask = graph::gather_rows(Var::constant(mask), rows).value();
    return m;
  }
};

// What search decodes from: the memory of the sentences, and for the decoder's rows (hypotheses)
// the sentence each translates. Encoder-decoder attention groups the rows by sentence
// (layers::QueryGroups) and reads the memory of each group once, so reordering hypotheses copies
// no keys and values; only a change of the groups' sentences (a sentence finished, the first
// step's one row per sentence becoming k) gathers the memory anew.
struct Transformer::Encoded : EncodedSource {
  std::shared_ptr<const Memory> sentences;
  std::int64_t heads = 1;
  std::vector<std::int32_t> row_sentences;  // per decoder row, its row of `sentences`
  layers::QueryGroups groups;               // of row_sentences
  std::shared_ptr<const Memory> grouped;    // one row per group

  std::int64_t rows() const override { return static_cast<std::int64_t>(row_sentences.size()); }
  std::unique_ptr<EncodedSource> select_rows(std::span<const std::int32_t> rows) const override {
    auto e = std::make_unique<Encoded>();
    e->sentences = sentences;
    e->heads = heads;
    for (const std::int32_t r : rows) {
      if (r < 0 || r >= this->rows())
        throw graph::ShapeError("select_rows: row " + std::to_string(r) + " of " + std::to_string(this->rows()));
      e->row_sentences.push_back(row_sentences[static_cast<std::size_t>(r)]);
    }
    e->set_groups(this);
    return e;
  }
  // Groups the rows; gathers the memory of the groups unless `previous` has it.
  void set_groups(const Encoded* previous) {
    groups = layers::QueryGroups::of(row_sentences);
    if (previous != nullptr && previous->groups.sentences == groups.sentences) {
      grouped = previous->grouped;
      return;
    }
    bool all_in_order = static_cast<std::int64_t>(groups.sentences.size()) == sentences->mask.dim(0);
    for (std::size_t g = 0; all_in_order && g < groups.sentences.size(); ++g)
      all_in_order = groups.sentences[g] == static_cast<std::int32_t>(g);
    grouped = all_in_order ? sentences : std::make_shared<Memory>(sentences->select_rows(groups.sentences, heads));
  }
};

// The self-attention keys and values of every target position decoded so far, per layer.
struct Transformer::State : DecoderState {
  std::vector<layers::KeyValueCache> cache;  // per decoder layer, [B*H, t rounded up to 8, d_k]
  std::int64_t heads = 1;
  std::int64_t position = 0;  // of the next target token
  void select_rows(std::span<const std::int32_t> rows) override {
    for (auto& c : cache)
      if (!c.select_rows_in_place(rows, heads)) c = c.select_rows(rows, heads);
  }
};

Transformer::Transformer(const TransformerConfig& config, std::uint64_t seed) : config_(config) {
  config_.validate();
  graph::RandomGenerator gen(seed);
  const auto& c = config_;
  // N(0, d^-1/2): after the sqrt(d_model) scaling (section 3.4) the embeddings have unit scale,
  // and as a tied output projection they give logits of unit scale.
  const float stddev = 1.0f / std::sqrt(static_cast<float>(c.d_model));
  if (c.tie_embeddings) {
    source_embedding_ = target_embedding_ =
        params_.add("embedding", graph::normal_tensor({c.target_vocabulary, c.d_model}, stddev, gen));
  } else {
    source_embedding_ =
        params_.add("source_embedding", graph::normal_tensor({c.source_vocabulary, c.d_model}, stddev, gen));
    target_embedding_ =
        params_.add("target_embedding", graph::normal_tensor({c.target_vocabulary, c.d_model}, stddev, gen));
  }
  const layers::TransformerBlockOptions block = c.block_options();
  for (int l = 0; l < c.encoder_layers; ++l)
    encoder_.emplace_back(params_, "encoder.layer" + std::to_string(l), block, gen);
  for (int l = 0; l < c.decoder_layers; ++l)
    decoder_.emplace_back(params_, "decoder.layer" + std::to_string(l), block, gen);
  if (c.pre_norm) {
    encoder_norm_ = layers::LayerNorm::create(params_, "encoder.norm", c.d_model);
    decoder_norm_ = layers::LayerNorm::create(params_, "decoder.norm", c.d_model);
  }
  output_ = parts::output_layer(params_, c.tie_embeddings || c.tie_output_embeddings, target_embedding_, c.d_model,
                                c.target_vocabulary, gen);
}

Transformer::Memory Transformer::encode_batch(const data::Batch& batch, graph::RandomGenerator* dropout) const {
  const auto rows = static_cast<std::int64_t>(batch.rows), width = static_cast<std::int64_t>(batch.source_width);
  Var x = maybe_dropout(layers::embed_with_positions(source_embedding_, batch.source_ids, {rows, width}, 0),
                        config_.dropout, dropout);
  Memory m;
  m.mask = layers::padding_mask(batch.source_mask, rows, width);
  for (const auto& block : encoder_) x = block(x, m.mask, dropout);
  if (config_.pre_norm) x = encoder_norm_(x);
  for (const auto& block : decoder_) m.heads.push_back(block.project_memory(x));
  return m;
}

Var Transformer::logits(const data::Batch& batch, graph::RandomGenerator* dropout) const {
  const Memory m = encode_batch(batch, dropout);
  const auto rows = static_cast<std::int64_t>(batch.rows), width = static_cast<std::int64_t>(batch.target_width);
  Var y = maybe_dropout(layers::embed_with_positions(target_embedding_, batch.target_input, {rows, width}, 0),
                        config_.dropout, dropout);
  const Tensor causal = layers::causal_mask(width);
  for (std::size_t l = 0; l < decoder_.size(); ++l) y = decoder_[l](y, causal, m.heads[l], m.mask, dropout).output;
  if (config_.pre_norm) y = decoder_norm_(y);
  // All target positions of the batch through the output projection at once.
  return output_(graph::reshape(y, {rows * width, config_.d_model}));
}

LossResult Transformer::loss(const data::Batch& batch, const LossOptions& options) const {
  return {
      graph::cross_entropy(logits(batch, options.dropout), batch.target_output, data::kPadId, options.label_smoothing),
      static_cast<std::int64_t>(batch.target_tokens())};
}

std::unique_ptr<EncodedSource> Transformer::encode(const data::Batch& sources) const {
  graph::NoGradGuard no_grad;
  auto e = std::make_unique<Encoded>();
  Memory memory = encode_batch(sources, nullptr);
  for (auto& heads : memory.heads) heads = heads.with_keys_transposed();  // what Q K^T reads fastest
  e->sentences = std::make_shared<const Memory>(std::move(memory));
  e->heads = config_.heads;
  e->row_sentences.resize(sources.rows);
  std::iota(e->row_sentences.begin(), e->row_sentences.end(), 0);
  e->set_groups(nullptr);
  return e;
}

std::unique_ptr<DecoderState> Transformer::start(const EncodedSource& source) const {
  (void)dynamic_cast<const Encoded&>(source);
  auto s = std::make_unique<State>();
  s->cache.resize(decoder_.size());
  s->heads = config_.heads;
  return s;
}

StepResult Transformer::step(const EncodedSource& source, DecoderState& state,
                             std::span<const std::int32_t> previous) const {
  graph::NoGradGuard no_grad;
  const auto& e = dynamic_cast<const Encoded&>(source);
  auto& s = dynamic_cast<State&>(state);
  const std::int64_t rows = e.rows();
  parts::check_step_rows(previous, rows);
  Var y = [&] {
    const graph::ProfileSection section("embedding");
    return layers::embed_with_positions(target_embedding_, previous, {rows, 1}, s.position);
  }();
  const std::size_t alignment =
      config_.alignment_layer < 0 ? decoder_.size() - 1 : static_cast<std::size_t>(config_.alignment_layer);
  Var weights;
  for (std::size_t l = 0; l < decoder_.size(); ++l) {
    const layers::TransformerDecoderBlock::Output out = decoder_[l].step(
        y, s.cache[l], e.grouped->heads[l], e.grouped->mask, e.groups, s.return_attention && l == alignment);
    y = out.output;
    if (l == alignment) weights = out.cross_weights;  // [B, H, 1, S]
  }
  if (config_.pre_norm) y = decoder_norm_(y);
  s.position++;
  graph::Tensor log_probs = parts::profiled_log_softmax(output_, graph::reshape(y, {rows, config_.d_model}));
  if (!s.return_attention) return {log_probs, graph::Tensor()};
  const std::int64_t width = weights.shape()[3];
  return {log_probs, parts::profiled("attention average", [&] {
            return graph::mean(graph::reshape(weights, {rows, config_.heads, width}), {1});
          })};
}

}  // namespace nmt::models
