// The interface every translation model implements (the RNN encoder-decoder, the Transformer):
// a training loss over a batch, and encode + step for search.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "nmt/data/batch.h"
#include "nmt/graph/parameters.h"
#include "nmt/graph/var.h"

namespace nmt::models {

struct LossOptions {
  float label_smoothing = 0.0f;
  graph::RandomGenerator* dropout = nullptr;  // training: dropout drawn from it; nullptr: none
};

struct LossResult {
  graph::Var loss;             // summed token cross-entropy over the batch
  std::int64_t target_tokens;  // tokens it sums over (EOS included, padding not)
};

// The encoder's output for a batch of sentences, kept for the whole search.
class EncodedSource {
 public:
  virtual ~EncodedSource() = default;
  virtual std::int64_t rows() const = 0;
  // The encodings of the given rows, in that order (beam search repeats each sentence).
  virtual std::unique_ptr<EncodedSource> select_rows(std::span<const std::int32_t> rows) const = 0;
};

// What the decoder carries from one step to the next; one row per hypothesis.
class DecoderState {
 public:
  virtual ~DecoderState() = default;
  virtual void select_rows(std::span<const std::int32_t> rows) = 0;
  // Whether step() must return its attention weights: a model whose weights cost work of their
  // own (the Transformer averages its heads) skips that work when no one reads them.
  bool return_attention = true;
};

struct StepResult {
  graph::Tensor log_probs;  // [B, V]
  // [B, S] weights over the source, or undefined (no attention, or not asked for:
  // DecoderState::return_attention).
  graph::Tensor attention;
};

class Seq2SeqModel {
 public:
  virtual ~Seq2SeqModel() = default;
  virtual graph::Parameters& parameters() = 0;
  virtual std::int64_t target_vocabulary_size() const = 0;
  // The model's attention as logs and tables name it: the mechanism of an RNN model
  // ("luong-general", "none"), "multi-head (4 heads)" for a Transformer.
  virtual std::string attention_description() const = 0;
  // Whether step() returns attention weights (heat-maps, alignments).
  virtual bool has_attention() const = 0;
  // The longest source (subwords, EOS included) the model was built to read: data.max_length + 1
  // of its recipe (luong-location has one score per position up to it; the others saw nothing
  // longer in training). Translation cuts longer inputs to it and says so.
  virtual std::int64_t max_source_length() const = 0;

  // Teacher-forced loss over all target positions of the batch.
  virtual LossResult loss(const data::Batch& batch, const LossOptions& options) const = 0;

  // Search (no gradients): encode the sources, then one step at a time from BOS.
  virtual std::unique_ptr<EncodedSource> encode(const data::Batch& sources) const = 0;
  virtual std::unique_ptr<DecoderState> start(const EncodedSource& source) const = 0;
  // previous: the last token of each row (BOS at the first step) -> log-probabilities of the next.
  virtual StepResult step(const EncodedSource& source, DecoderState& state,
                          std::span<const std::int32_t> previous) const = 0;
};

}  // namespace nmt::models
