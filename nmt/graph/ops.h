// Every differentiable operation of the graph. Each runs on oneDNN primitives wherever oneDNN
// has one (the exceptions, index gathers and scatters, say so where they are defined), and
// each has its forward and backward written next to each other in ops/<family>.cpp.
// Shape mismatches throw ShapeError naming the operation and the shapes.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "nmt/graph/random.h"
#include "nmt/graph/var.h"

namespace nmt::graph {

// ---- products (ops/matmul.cpp) ----
// a: [M,K] or [B,M,K]; b: [K,N] or [B,K,N] (a [B,M,K] times a 2-D b shares b over the batch).
// transpose_a / transpose_b: the operand is stored transposed ([K,M] for a, [N,K] for b).
Var matmul(const Var& a, const Var& b, bool transpose_a = false, bool transpose_b = false);
// x: [..., in], weight: [out, in], bias: [out] or undefined -> [..., out] (oneDNN matmul).
// Without gradients the weights are read from a copy packed in the kernel's layout, made once
// per value of the weights.
Var linear(const Var& x, const Var& weight, const Var& bias = {});
// Both run in int8 without gradients under an int8 PrecisionGuard (precision.h).
// relu(linear(x, weight, bias)) in one pass: the ReLU is a post-op of the product, and the
// backward reads the result, not the pre-activation (which is never stored).
Var linear_relu(const Var& x, const Var& weight, const Var& bias = {});
// Drops the packed copies of weights (linear layers and LSTMs without
// gradients): the trainer, after a validation, so that they do not stay beside training.
void release_packed_weights();
// The packed copies held (one per weight and layout, shared by every thread).
std::size_t packed_weight_copies();

// ---- element-wise (ops/elementwise.cpp) ----
// NumPy broadcasting: shapes are aligned at the last axis and size-1 axes stretch.
Var add(const Var& a, const Var& b);
Var sub(const Var& a, const Var& b);
Var mul(const Var& a, const Var& b);
Var tanh(const Var& x);
Var sigmoid(const Var& x);
Var relu(const Var& x);
Var exp(const Var& x);
Var scale(const Var& x, float alpha, float beta = 0.0f);  // alpha * x + beta

// ---- normalisation (ops/softmax.cpp, ops/layer_norm.cpp) ----
// Over the last axis. `mask` (1 = keep, 0 = masked) broadcasts to x; masked positions get
// probability 0 (log-probability -1e9) and no gradient.
Var softmax(const Var& x, const Tensor& mask = {});
Var log_softmax(const Var& x, const Tensor& mask = {});
// Over the last axis: (x - mean) / sqrt(var + epsilon) * gain + bias; gain, bias: [last].
Var layer_norm(const Var& x, const Var& gain, const Var& bias, float epsilon = 1e-5f);

// ---- shape (ops/shape.cpp) ----
Var concat(const std::vector<Var>& parts, int axis);
Var slice(const Var& x, int axis, std::int64_t start, std::int64_t length);
Var reshape(const Var& x, Shape shape);  // shares storage; one dimension may be -1
Var transpose(const Var& x, const std::vector<int>& permutation);
// The attention heads of a fused projection: x [B, T, parts * heads * d] -> `parts` tensors
// [B * heads, T, d], where head h of part p is the columns [(p * heads + h) d, (p * heads + h + 1) d)
// of every position. One reorder per part (no transpose of the whole plus slices); the backward
// writes each part's gradient back into its columns.
std::vector<Var> split_heads(const Var& x, std::int64_t parts, std::int64_t heads);

// ---- lookups, noise, losses, reductions ----
// table: [V, D]; ids (row-major, shape `ids_shape`) -> ids_shape + [D]. (ops/embedding.cpp)
Var embedding(const Var& table, std::span<const std::int32_t> ids, const Shape& ids_shape);
// Rows of x along axis 0: out[i] = x[rows[i]] (rows may repeat or be left out); the gradient
// is a scatter-add. Reverses sentences within their lengths, picks last states, reorders beams.
// (ops/embedding.cpp: the same gather as an embedding lookup)
Var gather_rows(const Var& x, std::span<const std::int32_t> rows);
// Zeroes each element with probability p and scales the rest by 1/(1-p); the identity when
// p == 0. Reproducible: the mask depends only on the generator's state. (ops/dropout.cpp)
Var dropout(const Var& x, float p, RandomGenerator& generator);
// logits: [N, V]; targets: N ids. Returns the summed token loss over targets != ignore_id:
// -(1-eps) log p(target) - (eps/V) sum_v log p(v)  (label smoothing, Szegedy et al. 2016).
// (ops/cross_entropy.cpp)
Var cross_entropy(const Var& logits, std::span<const std::int32_t> targets, std::int32_t ignore_id = -1,
                  float label_smoothing = 0.0f);
// Over the given axes (all when empty); reduced axes are dropped unless keep_dims.
// (ops/reduce.cpp)
Var sum(const Var& x, const std::vector<int>& axes = {}, bool keep_dims = false);
Var mean(const Var& x, const std::vector<int>& axes = {}, bool keep_dims = false);
// The largest element over the axes; the gradient goes to the position(s) holding it.
Var max(const Var& x, const std::vector<int>& axes = {}, bool keep_dims = false);

// ---- recurrent (ops/lstm.cpp) ----
enum class RnnDirection { left_to_right, right_to_left, bidirectional_concat };
int direction_count(RnnDirection direction);
// One LSTM layer over a whole sequence on the oneDNN LSTM primitive. With D directions:
// weights_input [D, C, 4, H], weights_hidden [D, H, 4, H], bias [D, 4, H]; gates in oneDNN's
// order (input, forget, candidate, output). input: [T, N, C]; initial_hidden/cell:
// [D, N, H] or undefined (zeros).
struct LstmWeights {
  Var weights_input, weights_hidden, bias;
};
struct LstmResult {
  Var output;       // [T, N, D*H]: both directions concatenated on the feature axis
  Var last_hidden;  // [D, N, H]: after the last step of each direction
  Var last_cell;    // [D, N, H]
};
LstmResult lstm(const Var& input, const LstmWeights& weights, RnnDirection direction, const Var& initial_hidden = {},
                const Var& initial_cell = {});

}  // namespace nmt::graph
