// Multi-head scaled dot-product attention (Vaswani et al. 2017, section 3.2):
//
//   Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k)) V                                 (eq. 1)
//   MultiHead(Q, K, V) = Concat(head_1, ..., head_h) W^O,
//                        head_i = Attention(Q W_i^Q, K W_i^K, V W_i^V)
//
// The projections of all heads are one linear layer: Q, K and V fused into one [3 d_model,
// d_model] weight for self-attention; K and V fused for encoder-decoder attention, where they
// are computed once per source sentence (project_memory). The heads of a batch are B*H
// matrices [T, d_k] for the batched matmul; the scores [B*H, T, S] are viewed as [B, H, T, S]
// so that a padding mask [B, 1, 1, S] or a causal mask [T, T] (1 = attend, 0 = masked)
// broadcasts to them. Dropout applies to the attention weights during training.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "nmt/graph/ops.h"
#include "nmt/graph/parameters.h"
#include "nmt/layers/linear.h"

namespace nmt::layers {

// Keys and values of every head: of a source (encoder-decoder attention), or of the target
// prefix decoded so far (the self-attention cache of incremental decoding).
struct AttentionHeads {
  Var keys;    // [B*H, S, d_k], or [B*H, d_k, S] when keys_transposed
  Var values;  // [B*H, S, d_k]
  // Decoding keeps the keys transposed, in the layout Q K^T reads them in: given [S, d_k] keys,
  // oneDNN's kernel transposes them at every call (128 heads x 32 positions, Zen 5, one thread:
  // 30 us against 15 us), and a decoding step's products are that small (issue 24).
  bool keys_transposed = false;

  bool empty() const { return !values.defined(); }
  std::int64_t length() const { return empty() ? 0 : values.shape()[1]; }
  // The heads of the given sentences (rows of B), in that order: beam search reorders them.
  AttentionHeads select_rows(std::span<const std::int32_t> rows, std::int64_t heads) const;
  // The same heads with the keys transposed (no gradients: decoding only).
  AttentionHeads with_keys_transposed() const;
};

// The self-attention cache of incremental decoding: the keys and values of the target prefix,
// stored in blocks of kBlock positions, so that the shapes of a decoding step (and with them the
// oneDNN primitives it needs) change every kBlock positions instead of every position (issue 15).
// Positions from `length` on are zeros or stale rows of a reordered hypothesis; mask() hides them.
// The keys are stored transposed (AttentionHeads::keys_transposed).
struct KeyValueCache {
  static constexpr std::int64_t kBlock = 8;
  AttentionHeads heads;     // keys [B*H, d_k, capacity], values [B*H, capacity, d_k]
  std::int64_t length = 0;  // positions filled

  std::int64_t capacity() const { return heads.length(); }
  // Writes one position's keys and values [B*H, 1, d_k] at `length` (growing by a block when
  // full). Decoding only: the cache is not part of a gradient graph.
  void append(const Var& keys, const Var& values);
  // [1, 1, 1, capacity]: 1 for the filled positions, broadcast over the scores [B, H, 1, capacity].
  graph::Tensor mask() const;
  KeyValueCache select_rows(std::span<const std::int32_t> rows, std::int64_t heads_per_row) const;
  // The same in place, copying only the rows that change, when that is safe: as many rows as
  // now, and every row copied from keeps its place (beam search puts a hypothesis in its
  // parent's row when it can). Returns false, changing nothing, when it is not.
  bool select_rows_in_place(std::span<const std::int32_t> rows, std::int64_t heads_per_row);
};

// The rows of a decoding step grouped by the source sentence they translate. Beam search keeps
// the hypotheses of a sentence in consecutive rows, and their queries attend to the same keys
// and values: encoder-decoder attention multiplies each sentence's keys and values once by up
// to G queries ([groups * H, G, d_k] against [groups * H, S, d_k]) instead of gathering a copy
// of them for every row and multiplying each by one query (issue 24).
struct QueryGroups {
  std::int64_t size = 1;                  // G, the query slots of a group: the first sentence's row count
  std::vector<std::int32_t> sentences;    // per group, the sentence (memory row) it attends to
  std::vector<std::int32_t> slot_of_row;  // per row: group * G + slot
  std::vector<std::int32_t> row_of_slot;  // per slot: its row (an unused slot repeats its group's first row)
  // Runs of consecutive rows of one sentence, cut into groups of at most G rows. With G = 1 the
  // groups are the rows themselves (greedy search).
  static QueryGroups of(std::span<const std::int32_t> row_sentences);
};

struct AttentionOutput {
  Var output;   // [B, T, d_model]: after the output projection W^O
  Var weights;  // [B, H, T, S]: the softmax of each head, before dropout
};

// The causal mask of decoder self-attention: [T, T], 1 where key position <= query position.
graph::Tensor causal_mask(std::int64_t length);
// [B, 1, 1, S] from a batch-major 0/1 source mask [B x S].
graph::Tensor padding_mask(std::span<const float> mask, std::int64_t rows, std::int64_t width);

class MultiHeadAttention {
 public:
  enum class Kind { self, encoder_decoder };

  MultiHeadAttention() = default;
  // Registers name.qkv (self) or name.query and name.key_value (encoder-decoder), and name.output.
  // Glorot-uniform weights per d_model x d_model block, zero biases.
  MultiHeadAttention(graph::Parameters& params, const std::string& name, Kind kind, std::int64_t d_model,
                     std::int64_t heads, graph::RandomGenerator& generator);

  // Self-attention over x [B, T, d_model]; `mask` broadcasts to [B, H, T, T] (undefined: none).
  AttentionOutput self_attention(const Var& x, const graph::Tensor& mask, float dropout,
                                 graph::RandomGenerator* generator) const;
  // One new position x [B, 1, d_model] of incremental decoding: its keys and values are appended
  // to `cache` (the earlier positions' heads) and it attends to the whole prefix and itself.
  AttentionOutput self_attention_step(const Var& x, KeyValueCache& cache) const;

  // Encoder-decoder attention: the keys and values of memory [B, S, d_model], once per source.
  AttentionHeads project_memory(const Var& memory) const;
  // Queries x [B, T, d_model] over `memory`; `mask` broadcasts to [B, H, T, S].
  AttentionOutput attend(const Var& x, const AttentionHeads& memory, const graph::Tensor& mask, float dropout,
                         graph::RandomGenerator* generator) const;
  // One position x [R, 1, d_model] of incremental decoding, its rows in `groups`; `memory`
  // [groups * H, S, d_k] and `mask` [groups, 1, 1, S] hold one row per group. The weights
  // [R, H, 1, S] only when asked for (gathering them back to rows costs a copy).
  AttentionOutput attend_step(const Var& x, const AttentionHeads& memory, const graph::Tensor& mask,
                              const QueryGroups& groups, bool with_weights) const;

  std::int64_t heads() const { return heads_; }
  std::int64_t d_model() const { return d_model_; }

 private:
  struct Heads {
    Var context;  // [B*H, T, d_k]
    Var weights;  // [B, H, T, S]
  };
  // Eq. 1 for queries [B*H, T, d_k] over `kv`, each head apart.
  Heads scaled_dot_product(const Var& queries, const AttentionHeads& kv, const graph::Tensor& mask, float dropout,
                           graph::RandomGenerator* generator) const;
  // Concat(heads) W^O.
  AttentionOutput project_output(const Heads& heads) const;

  Kind kind_ = Kind::self;
  std::int64_t d_model_ = 0, heads_ = 1;
  Linear qkv_;        // self: [3 d_model, d_model]
  Linear query_;      // encoder-decoder: [d_model, d_model]
  Linear key_value_;  // encoder-decoder: [2 d_model, d_model]
  Linear output_;     // W^O: [d_model, d_model]
};

// (Splitting is the graph op graph::split_heads.)
// [B*H, T, d_k] -> [B, T, H d_k]: the heads concatenated per position.
Var merge_heads(const Var& x, std::int64_t rows);

}  // namespace nmt::layers
