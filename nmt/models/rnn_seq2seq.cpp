#include "nmt/models/rnn_seq2seq.h"

#include <optional>
#include <stdexcept>

#include "nmt/data/special_ids.h"
#include "nmt/graph/profiler.h"
#include "nmt/models/model_parts.h"

namespace nmt::models {

using graph::Tensor;
using graph::Var;

using parts::maybe_dropout;
using parts::require;
using parts::time_major;

namespace {

Var select(const Var& v, std::span<const std::int32_t> rows) { return graph::gather_rows(v, rows); }

}  // namespace

void RnnConfig::validate() const {
  require(source_vocabulary > data::kEosId && target_vocabulary > data::kEosId,
          "model: the vocabularies must hold more than the special ids (pad, unk, bos, eos)");
  require(embedding_size > 0, "model.embedding_size must be positive");
  require(encoder_hidden > 0 && decoder_hidden > 0, "model.encoder_hidden and model.decoder_hidden must be positive");
  require(encoder_layers >= 1 && decoder_layers >= 1, "model.encoder_layers and model.decoder_layers must be >= 1");
  require(dropout >= 0 && dropout < 1, "model.dropout must be in [0, 1)");
  require(!tie_output_embeddings || decoder_hidden == embedding_size,
          "model.tie_output_embeddings needs model.decoder_hidden (" + std::to_string(decoder_hidden) +
              ") equal to model.embedding_size (" + std::to_string(embedding_size) + ")");
  require(attention.window >= 0, "model.attention_window must be >= 0");
  require(attention.hidden_size > 0, "model.attention_hidden must be positive");
  const layers::AttentionMechanism& mechanism = layers::attention_mechanism(attention.mechanism);
  require(!mechanism.uses_dot_score(attention) || decoder_hidden == 2 * encoder_hidden,
          "the dot score needs model.decoder_hidden (" + std::to_string(decoder_hidden) +
              ") equal to twice model.encoder_hidden (" + std::to_string(2 * encoder_hidden) + ")");
}

struct RnnSeq2Seq::Encoded : EncodedSource {
  layers::AttentionMemory memory;
  Var initial_hidden;  // [B, L * H_dec]
  std::int64_t rows() const override { return initial_hidden.shape()[0]; }
  std::unique_ptr<EncodedSource> select_rows(std::span<const std::int32_t> rows) const override {
    auto e = std::make_unique<Encoded>();
    e->memory = memory.select_rows(rows);
    e->initial_hidden = select(initial_hidden, rows);
    return e;
  }
};

struct RnnSeq2Seq::State : DecoderState {
  std::vector<Var> hidden, cell;  // per decoder layer, [B, H]
  Var output;                     // o_{t-1} [B, H] (input feeding)
  std::int64_t step = 0;
  void select_rows(std::span<const std::int32_t> rows) override {
    for (auto& h : hidden) h = select(h, rows);
    for (auto& c : cell) c = select(c, rows);
    output = select(output, rows);
  }
};

RnnSeq2Seq::RnnSeq2Seq(const RnnConfig& config, std::uint64_t seed)
    : config_(config), mechanism_(&layers::attention_mechanism(config.attention.mechanism)) {
  config_.validate();
  graph::RandomGenerator gen(seed);
  const auto& c = config_;
  source_embedding_ =
      params_.add("source_embedding", graph::uniform_tensor({c.source_vocabulary, c.embedding_size}, 0.1f, gen));
  target_embedding_ =
      params_.add("target_embedding", graph::uniform_tensor({c.target_vocabulary, c.embedding_size}, 0.1f, gen));
  encoder_ = std::make_unique<layers::LstmEncoder>(params_, "encoder", c.embedding_size, c.encoder_hidden,
                                                   c.encoder_layers, gen);
  const std::int64_t memory_size = 2 * c.encoder_hidden;
  initial_state_ =
      layers::Linear::create(params_, "decoder.initial_state", memory_size, c.decoder_layers * c.decoder_hidden, gen);
  // The decoder LSTM's input: the embedding, and Bahdanau's context c_t or (input feeding)
  // Luong's attentional state h~_{t-1}.
  std::int64_t decoder_input = c.embedding_size;
  if (mechanism_->scores_previous_state)
    decoder_input += memory_size;
  else if (!mechanism_->is_none() && c.input_feeding)
    decoder_input += c.decoder_hidden;
  for (int l = 0; l < c.decoder_layers; ++l)
    decoder_.push_back(layers::make_lstm_weights(params_, "decoder.layer" + std::to_string(l),
                                                 l == 0 ? decoder_input : c.decoder_hidden, c.decoder_hidden, gen));
  attention_ = layers::make_attention(c.attention, params_, "attention", c.decoder_hidden, memory_size, gen);
  if (attention_)
    attentional_ = layers::Linear::create(params_, "decoder.attentional", memory_size + c.decoder_hidden,
                                          c.decoder_hidden, gen, layers::Bias::without);
  output_ = parts::output_layer(params_, c.tie_output_embeddings, target_embedding_, c.decoder_hidden,
                                c.target_vocabulary, gen);
}

RnnSeq2Seq::Encoded RnnSeq2Seq::encode_batch(const data::Batch& batch, graph::RandomGenerator* dropout) const {
  const auto rows = static_cast<std::int64_t>(batch.rows), width = static_cast<std::int64_t>(batch.source_width);
  const Var embedded = maybe_dropout(
      graph::embedding(source_embedding_, time_major(batch.source_ids, batch.rows, batch.source_width), {width, rows}),
      config_.dropout, dropout);
  const layers::EncoderOutput out = encoder_->encode(embedded, batch.source_lengths, config_.dropout, dropout);
  Encoded e;
  const Var values = graph::transpose(out.states, {1, 0, 2});  // [B, S, 2H]
  Tensor mask = Tensor::from_values({rows, 1, width}, batch.source_mask);
  std::vector<std::int32_t> lengths(batch.source_lengths.begin(), batch.source_lengths.end());
  if (attention_)
    e.memory = attention_->prepare(values, std::move(mask), std::move(lengths));
  else
    e.memory = {values, values, std::move(mask), std::move(lengths)};
  e.initial_hidden = graph::tanh(initial_state_(graph::concat({out.last_forward, out.last_backward}, 1)));
  return e;
}

RnnSeq2Seq::State RnnSeq2Seq::initial_state(const Encoded& e) const {
  State s;
  const std::int64_t rows = e.rows(), h = config_.decoder_hidden;
  for (int l = 0; l < config_.decoder_layers; ++l) {
    s.hidden.push_back(graph::slice(e.initial_hidden, 1, l * h, h));
    s.cell.push_back(Var::constant(Tensor::zeros({rows, h})));
  }
  s.output = Var::constant(Tensor::zeros({rows, h}));
  return s;
}

RnnSeq2Seq::StepOutput RnnSeq2Seq::decode_step(const Encoded& e, State& s, const Var& embedded,
                                               graph::RandomGenerator* dropout) const {
  const std::int64_t rows = e.rows(), h = config_.decoder_hidden;
  const bool scores_previous_state = attention_ && mechanism_->scores_previous_state;
  std::vector<Var> inputs{embedded};
  layers::AttentionResult attended;
  if (scores_previous_state) {
    const graph::ProfileSection section("attention");
    attended = attention_->attend(e.memory, s.hidden.back(), s.step);  // scores s_{t-1}
    inputs.push_back(attended.context);
  } else if (attention_ && config_.input_feeding) {
    inputs.push_back(s.output);
  }
  Var x = graph::reshape(inputs.size() == 1 ? inputs[0] : graph::concat(inputs, 1), {1, rows, -1});
  std::optional<graph::ProfileSection> lstm_section(std::in_place, "decoder LSTM");
  for (std::size_t l = 0; l < decoder_.size(); ++l) {
    if (l > 0) x = maybe_dropout(x, config_.dropout, dropout);
    const graph::LstmResult r =
        graph::lstm(x, decoder_[l], graph::RnnDirection::left_to_right, graph::reshape(s.hidden[l], {1, rows, h}),
                    graph::reshape(s.cell[l], {1, rows, h}));
    s.hidden[l] = graph::reshape(r.last_hidden, {rows, h});
    s.cell[l] = graph::reshape(r.last_cell, {rows, h});
    x = r.output;
  }
  lstm_section.reset();
  const Var top = s.hidden.back();
  StepOutput out;
  if (!attention_) {
    out.output = top;
  } else {
    if (!scores_previous_state) {
      const graph::ProfileSection section("attention");
      attended = attention_->attend(e.memory, top, s.step);  // scores h_t
    }
    const graph::ProfileSection section("attentional layer");
    out.output = graph::tanh(attentional_(graph::concat({attended.context, top}, 1)));
    out.weights = attended.weights;
  }
  s.output = out.output;
  s.step++;
  return out;
}

Var RnnSeq2Seq::output_logits(const Var& outputs) const { return output_(outputs); }

LossResult RnnSeq2Seq::loss(const data::Batch& batch, const LossOptions& options) const {
  const Encoded e = encode_batch(batch, options.dropout);
  State s = initial_state(e);
  const auto rows = static_cast<std::int64_t>(batch.rows), width = static_cast<std::int64_t>(batch.target_width);
  const Var embedded =
      maybe_dropout(graph::embedding(target_embedding_, time_major(batch.target_input, batch.rows, batch.target_width),
                                     {width, rows}),
                    config_.dropout, options.dropout);
  std::vector<Var> outputs;
  for (std::int64_t t = 0; t < width; ++t) {
    const Var input = graph::reshape(graph::slice(embedded, 0, t, 1), {rows, -1});
    outputs.push_back(decode_step(e, s, input, options.dropout).output);
  }
  // All target positions of the batch through the output layer and the loss at once.
  const Var all = maybe_dropout(graph::concat(outputs, 0), config_.dropout, options.dropout);  // [T*B, H]
  const std::vector<std::int32_t> targets = time_major(batch.target_output, batch.rows, batch.target_width);
  return {graph::cross_entropy(output_logits(all), targets, data::kPadId, options.label_smoothing),
          static_cast<std::int64_t>(batch.target_tokens())};
}

std::unique_ptr<EncodedSource> RnnSeq2Seq::encode(const data::Batch& sources) const {
  graph::NoGradGuard no_grad;
  return std::make_unique<Encoded>(encode_batch(sources, nullptr));
}

std::unique_ptr<DecoderState> RnnSeq2Seq::start(const EncodedSource& source) const {
  graph::NoGradGuard no_grad;
  return std::make_unique<State>(initial_state(dynamic_cast<const Encoded&>(source)));
}

StepResult RnnSeq2Seq::step(const EncodedSource& source, DecoderState& state,
                            std::span<const std::int32_t> previous) const {
  graph::NoGradGuard no_grad;
  const auto& e = dynamic_cast<const Encoded&>(source);
  auto& s = dynamic_cast<State&>(state);
  parts::check_step_rows(previous, e.rows());
  const Var embedded = [&] {
    const graph::ProfileSection section("embedding");
    return graph::embedding(target_embedding_, previous, {e.rows()});
  }();
  const StepOutput out = decode_step(e, s, embedded, nullptr);
  return {parts::profiled_log_softmax(output_, out.output), out.weights.defined() ? out.weights.value() : Tensor()};
}

}  // namespace nmt::models
