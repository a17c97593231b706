#include "nmt/layers/multi_head_attention.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace nmt::layers {

using graph::Tensor;

namespace {

// Glorot-uniform for each of `blocks` stacked [d, d] projections (as if they were separate
// layers), zero bias: the fused weight [blocks * d, d].
Linear stacked_projection(graph::Parameters& params, const std::string& name, std::int64_t d, std::int64_t blocks,
                          graph::RandomGenerator& generator) {
  Tensor weight = Tensor::empty({blocks * d, d});
  for (std::int64_t b = 0; b < blocks; ++b) {
    const Tensor block = graph::xavier_uniform({d, d}, d, d, generator);
    std::copy(block.data(), block.data() + d * d, weight.data() + b * d * d);
  }
  Linear l;
  l.weight = params.add(name + ".weight", weight);
  l.bias = params.add(name + ".bias", Tensor::zeros({blocks * d}));
  return l;
}

Var gather_sentences(const Var& heads, std::span<const std::int32_t> rows, std::int64_t h) {
  const graph::Shape& s = heads.shape();  // [B*H, S, d_k]
  const std::int64_t b = s[0] / h;
  const Var per_sentence = graph::reshape(heads, {b, h * s[1] * s[2]});
  return graph::reshape(graph::gather_rows(per_sentence, rows),
                        {static_cast<std::int64_t>(rows.size()) * h, s[1], s[2]});
}

// Whether writing into v's storage changes nothing but v: no other Var (a copy of a cache
// shares its Vars) and no other tensor holds it.
bool exclusively_held(const Var& v) { return v.identity().use_count() == 1 && v.value().is_sole_owner(); }

}  // namespace

AttentionHeads AttentionHeads::select_rows(std::span<const std::int32_t> rows, std::int64_t heads) const {
  if (empty()) return {};
  return {gather_sentences(keys, rows, heads), gather_sentences(values, rows, heads), keys_transposed};
}

AttentionHeads AttentionHeads::with_keys_transposed() const {
  if (empty() || keys_transposed) return *this;
  if (graph::grad_enabled())
    throw std::logic_error("AttentionHeads::with_keys_transposed needs a NoGradGuard (decoding only)");
  return {graph::transpose(keys, {0, 2, 1}), values, true};
}

void KeyValueCache::append(const Var& new_keys, const Var& new_values) {
  if (graph::grad_enabled()) throw std::logic_error("KeyValueCache::append needs a NoGradGuard (decoding only)");
  const graph::Shape& s = new_keys.shape();  // [B*H, 1, d_k]
  if (s.size() != 3 || s[1] != 1 || new_values.shape() != s)
    throw graph::ShapeError("KeyValueCache::append: keys " + graph::to_string(s) + " and values " +
                            graph::to_string(new_values.shape()) + " must be the same [B*H, 1, d_k]");
  const std::int64_t bh = s[0], dk = s[2];
  if (!heads.empty() && (heads.values.shape()[0] != bh || heads.values.shape()[2] != dk))
    throw graph::ShapeError("KeyValueCache::append: " + graph::to_string(s) + " for a cache of " +
                            graph::to_string(heads.values.shape()));
  // Grow by a block when full, and copy before writing when another tensor shares the storage.
  // Both are `lines` lines of positions (values: a line per head, of capacity x d_k floats;
  // transposed keys: a line per head and component, of capacity floats), each kept in place.
  const std::int64_t capacity = length < this->capacity() ? this->capacity() : this->capacity() + kBlock;
  const auto writable = [&](const Var& old, const graph::Shape& shape, std::int64_t lines, std::int64_t per_position) {
    if (!old.defined() || old.shape() != shape || !exclusively_held(old)) {
      Tensor grown = Tensor::zeros(shape);
      if (old.defined()) {
        const std::int64_t old_line = old.value().numel() / lines, line = capacity * per_position;
        const std::int64_t kept = std::min(old_line, line);
        for (std::int64_t r = 0; r < lines; ++r)
          std::memcpy(grown.data() + r * line, old.value().data() + r * old_line,
                      static_cast<std::size_t>(kept) * sizeof(float));
      }
      return Var::constant(grown);
    }
    return old;
  };
  heads.keys = writable(heads.keys, {bh, dk, capacity}, bh * dk, 1);
  heads.values = writable(heads.values, {bh, capacity, dk}, bh, dk);
  heads.keys_transposed = true;
  // Through mutable_value(): the write is a change of the Var's value (its version moves on, so
  // data derived from it, such as its bf16 rounding, is made again).
  const float* keys = new_keys.value().data();
  float* key_cache = heads.keys.mutable_value().data();
  for (std::int64_t i = 0; i < bh * dk; ++i) key_cache[i * capacity + length] = keys[i];
  const float* values = new_values.value().data();
  float* value_cache = heads.values.mutable_value().data();
  for (std::int64_t r = 0; r < bh; ++r)
    std::memcpy(value_cache + (r * capacity + length) * dk, values + r * dk,
                static_cast<std::size_t>(dk) * sizeof(float));
  ++length;
}

Tensor KeyValueCache::mask() const {
  Tensor m = Tensor::zeros({1, 1, 1, capacity()});
  std::fill(m.data(), m.data() + length, 1.0f);
  return m;
}

KeyValueCache KeyValueCache::select_rows(std::span<const std::int32_t> rows, std::int64_t heads_per_row) const {
  return {heads.select_rows(rows, heads_per_row), length};
}

bool KeyValueCache::select_rows_in_place(std::span<const std::int32_t> rows, std::int64_t heads_per_row) {
  if (heads.empty()) return false;
  const graph::Shape& s = heads.values.shape();  // [B*H, capacity, d_k]; the keys as many floats per row
  const std::int64_t b = s[0] / heads_per_row;
  if (static_cast<std::int64_t>(rows.size()) != b || !exclusively_held(heads.keys) || !exclusively_held(heads.values))
    return false;
  // Safe in place only if no row is overwritten before it is read: every row copied from stays.
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const std::int32_t from = rows[r];
    if (from < 0 || from >= b) return false;
    if (from != static_cast<std::int32_t>(r) && rows[static_cast<std::size_t>(from)] != from) return false;
  }
  const std::size_t row_floats = static_cast<std::size_t>(heads_per_row * s[1] * s[2]);
  for (Var* part : {&heads.keys, &heads.values}) {
    Tensor& storage = part->mutable_value();  // a change of the Var's value, as in append()
    float* data = storage.data();
    for (std::size_t r = 0; r < rows.size(); ++r)
      if (rows[r] != static_cast<std::int32_t>(r))
        std::memcpy(data + r * row_floats, data + static_cast<std::size_t>(rows[r]) * row_floats,
                    row_floats * sizeof(float));
  }
  return true;
}

QueryGroups QueryGroups::of(std::span<const std::int32_t> row_sentences) {
  QueryGroups groups;
  const std::size_t rows = row_sentences.size();
  std::size_t g = 1;
  while (g < rows && row_sentences[g] == row_sentences[0]) ++g;
  groups.size = static_cast<std::int64_t>(g);
  groups.slot_of_row.resize(rows);
  std::size_t used = 0;        // slots of the current group holding a row
  std::int32_t group_row = 0;  // the current group's first row
  const auto close_group = [&] {
    for (; used < g; ++used) groups.row_of_slot.push_back(group_row);
  };
  for (std::size_t r = 0; r < rows; ++r) {
    if (r == 0 || row_sentences[r] != row_sentences[r - 1] || used == g) {
      if (r > 0) close_group();
      groups.sentences.push_back(row_sentences[r]);
      used = 0;
      group_row = static_cast<std::int32_t>(r);
    }
    groups.slot_of_row[r] = static_cast<std::int32_t>(groups.row_of_slot.size());
    groups.row_of_slot.push_back(static_cast<std::int32_t>(r));
    ++used;
  }
  if (rows > 0) close_group();
  return groups;
}

Tensor causal_mask(std::int64_t length) {
  Tensor m = Tensor::empty({length, length});
  for (std::int64_t i = 0; i < length; ++i)
    for (std::int64_t j = 0; j < length; ++j) m.data()[i * length + j] = j <= i ? 1.0f : 0.0f;
  return m;
}

Tensor padding_mask(std::span<const float> mask, std::int64_t rows, std::int64_t width) {
  if (static_cast<std::int64_t>(mask.size()) != rows * width)
    throw graph::ShapeError("padding_mask: " + std::to_string(mask.size()) + " values for " + std::to_string(rows) +
                            " x " + std::to_string(width));
  return Tensor::from_values({rows, 1, 1, width}, mask);
}

Var merge_heads(const Var& x, std::int64_t rows) {
  const graph::Shape& s = x.shape();
  if (s.size() != 3 || rows <= 0 || s[0] % rows != 0)
    throw graph::ShapeError("merge_heads: " + graph::to_string(s) + " for " + std::to_string(rows) + " rows");
  const std::int64_t h = s[0] / rows, t = s[1], dk = s[2];
  if (t == 1) return graph::reshape(x, {rows, 1, h * dk});
  return graph::reshape(graph::transpose(graph::reshape(x, {rows, h, t, dk}), {0, 2, 1, 3}), {rows, t, h * dk});
}

MultiHeadAttention::MultiHeadAttention(graph::Parameters& params, const std::string& name, Kind kind,
                                       std::int64_t d_model, std::int64_t heads, graph::RandomGenerator& generator)
    : kind_(kind), d_model_(d_model), heads_(heads) {
  if (heads <= 0 || d_model <= 0 || d_model % heads != 0)
    throw std::invalid_argument(name + ": " + std::to_string(heads) + " heads do not divide d_model " +
                                std::to_string(d_model));
  if (kind == Kind::self) {
    qkv_ = stacked_projection(params, name + ".qkv", d_model, 3, generator);
  } else {
    query_ = stacked_projection(params, name + ".query", d_model, 1, generator);
    key_value_ = stacked_projection(params, name + ".key_value", d_model, 2, generator);
  }
  output_ = stacked_projection(params, name + ".output", d_model, 1, generator);
}

MultiHeadAttention::Heads MultiHeadAttention::scaled_dot_product(const Var& queries, const AttentionHeads& kv,
                                                                 const Tensor& mask, float dropout,
                                                                 graph::RandomGenerator* generator) const {
  const std::int64_t bh = queries.shape()[0], t = queries.shape()[1], dk = queries.shape()[2];
  const std::int64_t rows = bh / heads_, s = kv.length();
  // Q K^T / sqrt(d_k) (eq. 1), the scaling applied to the smaller operand.
  const Var q = graph::scale(queries, 1.0f / std::sqrt(static_cast<float>(dk)));
  const Var scores = graph::reshape(graph::matmul(q, kv.keys, false, !kv.keys_transposed), {rows, heads_, t, s});
  const Var weights = graph::softmax(scores, mask);
  Var dropped = weights;
  if (generator && dropout > 0) dropped = graph::dropout(weights, dropout, *generator);
  return {graph::matmul(graph::reshape(dropped, {bh, t, s}), kv.values), weights};
}

AttentionOutput MultiHeadAttention::project_output(const Heads& heads) const {
  return {output_(merge_heads(heads.context, heads.context.shape()[0] / heads_)), heads.weights};
}

AttentionOutput MultiHeadAttention::self_attention(const Var& x, const Tensor& mask, float dropout,
                                                   graph::RandomGenerator* generator) const {
  if (kind_ != Kind::self) throw std::logic_error("self_attention on an encoder-decoder attention layer");
  const std::vector<Var> qkv = graph::split_heads(qkv_(x), 3, heads_);
  return project_output(scaled_dot_product(qkv[0], {qkv[1], qkv[2]}, mask, dropout, generator));
}

AttentionOutput MultiHeadAttention::self_attention_step(const Var& x, KeyValueCache& cache) const {
  if (kind_ != Kind::self) throw std::logic_error("self_attention_step on an encoder-decoder attention layer");
  if (x.shape().size() != 3 || x.shape()[1] != 1)
    throw graph::ShapeError("self_attention_step: x must be [B, 1, d_model], got " + graph::to_string(x.shape()));
  const std::vector<Var> qkv = graph::split_heads(qkv_(x), 3, heads_);
  cache.append(qkv[1], qkv[2]);
  return project_output(scaled_dot_product(qkv[0], cache.heads, cache.mask(), 0.0f, nullptr));
}

AttentionHeads MultiHeadAttention::project_memory(const Var& memory) const {
  if (kind_ != Kind::encoder_decoder) throw std::logic_error("project_memory on a self-attention layer");
  const std::vector<Var> kv = graph::split_heads(key_value_(memory), 2, heads_);
  return {kv[0], kv[1]};
}

AttentionOutput MultiHeadAttention::attend(const Var& x, const AttentionHeads& memory, const Tensor& mask,
                                           float dropout, graph::RandomGenerator* generator) const {
  if (kind_ != Kind::encoder_decoder) throw std::logic_error("attend on a self-attention layer");
  return project_output(
      scaled_dot_product(graph::split_heads(query_(x), 1, heads_)[0], memory, mask, dropout, generator));
}

AttentionOutput MultiHeadAttention::attend_step(const Var& x, const AttentionHeads& memory, const Tensor& mask,
                                                const QueryGroups& groups, bool with_weights) const {
  if (kind_ != Kind::encoder_decoder) throw std::logic_error("attend_step on a self-attention layer");
  const std::int64_t rows = x.shape().size() == 3 ? x.shape()[0] : -1;
  if (rows < 0 || x.shape()[1] != 1 || static_cast<std::int64_t>(groups.slot_of_row.size()) != rows)
    throw graph::ShapeError("attend_step: x " + graph::to_string(x.shape()) + " for " +
                            std::to_string(groups.slot_of_row.size()) + " grouped rows");
  // One row per group: the queries are the rows, as in attend().
  if (groups.size == 1) return attend(x, memory, mask, 0.0f, nullptr);
  const std::int64_t g = groups.size, n = static_cast<std::int64_t>(groups.sentences.size()), dk = d_model_ / heads_;
  // The queries [R, d_model] into the slots of the groups [n, G, H, d_k], then per head [n H, G, d_k].
  const Var slots = graph::gather_rows(graph::reshape(query_(x), {rows, d_model_}), groups.row_of_slot);
  const Var queries =
      graph::reshape(graph::transpose(graph::reshape(slots, {n, g, heads_, dk}), {0, 2, 1, 3}), {n * heads_, g, dk});
  const Heads heads = scaled_dot_product(queries, memory, mask, 0.0f, nullptr);
  // Concat(heads) per slot [n G, d_model], back to the rows, then W^O.
  const Var context =
      graph::gather_rows(graph::reshape(merge_heads(heads.context, n), {n * g, d_model_}), groups.slot_of_row);
  AttentionOutput out{output_(graph::reshape(context, {rows, 1, d_model_})), Var()};
  if (with_weights) {
    const std::int64_t s = memory.length();
    const Var per_slot = graph::reshape(graph::transpose(heads.weights, {0, 2, 1, 3}), {n * g, heads_ * s});
    out.weights = graph::reshape(graph::gather_rows(per_slot, groups.slot_of_row), {rows, heads_, 1, s});
  }
  return out;
}

}  // namespace nmt::layers
