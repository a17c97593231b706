// One LSTM layer over a whole sequence on oneDNN's LSTM primitives (forward training and
// backward), uni- or bidirectional.
//
// oneDNN picks its own weight layouts for the forward and the backward primitive (format
// `any`; they differ, and a plain layout for backward is rejected), so the parameters, kept in
// the plain ldigo layout, are reordered into each before use, and the weight gradients are
// reordered back. The backward needs the forward's workspace (the gates of every step).
//
// With bf16 products (precision.h) the layer runs on oneDNN's bf16 LSTM (brgemm kernels; the
// f32 LSTM is its reference driver around gemm): the input, the hidden states and the weights
// are read as bf16, the gates accumulate in f32, the cell state stays f32 and every gradient is
// f32. oneDNN writes the outputs in bf16 (it accepts no f32 destination with bf16 sources), so
// they are widened to f32 for the rest of the graph. On Zen 5 (avx512_core_bf16), a decoder step
// of 64 rows [64, 768] -> 4 x 256 ran 2.0x faster forward and 1.5x backward than in f32, the
// bidirectional encoder over 30 steps 1.6x and 1.5x. Below kBf16MinimumRows rows per step the
// layer stays f32: the four conversions around the primitive (~5 us each) and the rounding of
// its input then cost what the kernel saves (translating one sentence with beam 5, 5 rows: the
// decoder's LSTM took 0.106 ms per step in bf16 against 0.077 in f32).
#include <cstring>

#include "nmt/graph/memory_pool.h"
#include "nmt/graph/ops.h"
#include "nmt/graph/ops/common.h"
#include "nmt/graph/ops/derived_cache.h"
#include "nmt/graph/precision.h"

namespace nmt::graph {
namespace {

using dnnl::memory;
using tag = memory::format_tag;

dnnl::rnn_direction to_dnnl(RnnDirection d) {
  switch (d) {
    case RnnDirection::left_to_right:
      return dnnl::rnn_direction::unidirectional_left2right;
    case RnnDirection::right_to_left:
      return dnnl::rnn_direction::unidirectional_right2left;
    case RnnDirection::bidirectional_concat:
      return dnnl::rnn_direction::bidirectional_concat;
  }
  return dnnl::rnn_direction::unidirectional_left2right;
}

using detail::opaque;
using detail::OpaqueMemory;

// Weights in the kernel's layout come from a cache (derived_cache.h): the step-by-step decoder
// reorders them once per update instead of twice per step and direction (bench-train-rnn
// measured 11% of a step in those reorders).
using detail::weights_in_layout;

constexpr std::int64_t kBf16MinimumRows = 16;

struct LstmDescs {
  // In bf16: src_layer, src_iter (the hidden state), the weights and dst_layer/dst_iter bf16;
  // cell (src_iter_c, dst_iter_c), bias and every diff_* f32.
  memory::desc src_layer, src_iter, src_iter_c, bias, dst_layer, dst_iter;
  memory::desc weights_layer_plain, weights_iter_plain;
  memory::desc any_weights_layer, any_weights_iter;
  memory::desc diff_src_layer, diff_iter, diff_dst_layer, any_diff_weights_layer, any_diff_weights_iter;  // f32
};

// `t` in data type `type` (a copy when it differs).
Tensor converted(const Tensor& t, DataType type) {
  if (t.type() == type) return t;
  Tensor out = Tensor::empty(t.shape(), type);
  detail::reorder(t.memory(), out.memory());
  return out;
}

}  // namespace

int direction_count(RnnDirection direction) { return direction == RnnDirection::bidirectional_concat ? 2 : 1; }

LstmResult lstm(const Var& input, const LstmWeights& w, RnnDirection direction, const Var& initial_hidden,
                const Var& initial_cell) {
  const Shape& xs = input.shape();
  const std::int64_t dirs = direction_count(direction);
  const auto describe = [&] {
    return "input " + to_string(xs) + ", weights_input " + to_string(w.weights_input.shape()) + ", weights_hidden " +
           to_string(w.weights_hidden.shape()) + ", bias " + to_string(w.bias.shape()) + ", directions " +
           std::to_string(dirs);
  };
  if (xs.size() != 3 || w.weights_hidden.shape().size() != 4)
    detail::throw_shape_error("lstm", "expected input [T, N, C] and weights_hidden [D, H, 4, H]: " + describe());
  const std::int64_t steps = xs[0], batch = xs[1], channels = xs[2];
  const std::int64_t hidden = w.weights_hidden.shape()[3];
  if (w.weights_input.shape() != Shape{dirs, channels, 4, hidden} ||
      w.weights_hidden.shape() != Shape{dirs, hidden, 4, hidden} || w.bias.shape() != Shape{dirs, 4, hidden} ||
      steps == 0 || batch == 0)
    detail::throw_shape_error(
        "lstm",
        "expected weights_input [D, C, 4, H], weights_hidden [D, H, 4, H], bias [D, 4, H] and a non-empty input: " +
            describe());
  const Shape state_shape{dirs, batch, hidden};
  for (const Var* s : {&initial_hidden, &initial_cell})
    if (s->defined() && s->shape() != state_shape)
      detail::throw_shape_error(
          "lstm", "initial state " + to_string(s->shape()) + " must be " + to_string(state_shape) + ": " + describe());

  const bool bf16 = products_precision() == Precision::bf16 && batch >= kBf16MinimumRows;
  const auto f32 = memory::data_type::f32;
  const auto value_type = bf16 ? memory::data_type::bf16 : f32;
  LstmDescs d;
  d.src_layer = memory::desc({steps, batch, channels}, value_type, tag::tnc);
  d.src_iter = memory::desc({1, dirs, batch, hidden}, value_type, tag::ldnc);
  d.src_iter_c = memory::desc({1, dirs, batch, hidden}, f32, tag::ldnc);
  d.weights_layer_plain = memory::desc({1, dirs, channels, 4, hidden}, f32, tag::ldigo);
  d.weights_iter_plain = memory::desc({1, dirs, hidden, 4, hidden}, f32, tag::ldigo);
  d.any_weights_layer = memory::desc({1, dirs, channels, 4, hidden}, value_type, tag::any);
  d.any_weights_iter = memory::desc({1, dirs, hidden, 4, hidden}, value_type, tag::any);
  d.bias = memory::desc({1, dirs, 4, hidden}, f32, tag::ldgo);
  d.dst_layer = memory::desc({steps, batch, dirs * hidden}, value_type, tag::tnc);
  d.dst_iter = d.src_iter;
  d.diff_src_layer = memory::desc({steps, batch, channels}, f32, tag::tnc);
  d.diff_iter = d.src_iter_c;
  d.diff_dst_layer = memory::desc({steps, batch, dirs * hidden}, f32, tag::tnc);
  d.any_diff_weights_layer = memory::desc({1, dirs, channels, 4, hidden}, f32, tag::any);
  d.any_diff_weights_iter = memory::desc({1, dirs, hidden, 4, hidden}, f32, tag::any);

  PrimitiveKey key("lstm");
  key.add(steps).add(batch).add(channels).add(hidden).add(static_cast<std::int64_t>(direction)).add(bf16);
  auto& forward = primitive_cache().get<dnnl::lstm_forward>(key, [&] {
    return dnnl::lstm_forward::primitive_desc(
        dnnl::lstm_forward::desc(dnnl::prop_kind::forward_training, to_dnnl(direction), d.src_layer, d.src_iter,
                                 d.src_iter_c, d.any_weights_layer, d.any_weights_iter, d.bias, d.dst_layer, d.dst_iter,
                                 d.src_iter_c),
        cpu_engine());
  });
  const DataType type = bf16 ? DataType::bf16 : DataType::f32;
  const Tensor x = bf16 ? input.bf16_value() : input.value();
  const Tensor h0 = initial_hidden.defined() ? (bf16 ? initial_hidden.bf16_value() : initial_hidden.value())
                                             : converted(Tensor::zeros(state_shape), type);
  const Tensor c0 = initial_cell.defined() ? initial_cell.value() : Tensor::zeros(state_shape);
  const Tensor output = Tensor::empty({steps, batch, dirs * hidden}, type);
  const Tensor h_last = Tensor::empty(state_shape, type);
  Tensor c_last = Tensor::empty(state_shape);
  auto workspace = std::make_shared<OpaqueMemory>(opaque(forward.pd.workspace_desc()));
  {
    const OpaqueMemory wl = weights_in_layout(w.weights_input, d.weights_layer_plain, forward.pd.weights_layer_desc());
    const OpaqueMemory wi = weights_in_layout(w.weights_hidden, d.weights_iter_plain, forward.pd.weights_iter_desc());
    detail::execute(forward.primitive, {{DNNL_ARG_SRC_LAYER, x.memory(d.src_layer)},
                                        {DNNL_ARG_SRC_ITER, h0.memory(d.src_iter)},
                                        {DNNL_ARG_SRC_ITER_C, c0.memory(d.src_iter_c)},
                                        {DNNL_ARG_WEIGHTS_LAYER, wl.mem},
                                        {DNNL_ARG_WEIGHTS_ITER, wi.mem},
                                        {DNNL_ARG_BIAS, w.bias.value().memory(d.bias)},
                                        {DNNL_ARG_DST_LAYER, output.memory(d.dst_layer)},
                                        {DNNL_ARG_DST_ITER, h_last.memory(d.dst_iter)},
                                        {DNNL_ARG_DST_ITER_C, c_last.memory(d.src_iter_c)},
                                        {DNNL_ARG_WORKSPACE, workspace->mem}});
  }
  auto forward_pd = forward.pd;
  auto outputs = Var::make_results(
      "lstm", {converted(output, DataType::f32), converted(h_last, DataType::f32), c_last},
      {input, w.weights_input, w.weights_hidden, w.bias, initial_hidden, initial_cell},
      [=](std::span<const Tensor> grads) {
        PrimitiveKey k("lstm_backward");
        k.add(steps).add(batch).add(channels).add(hidden).add(static_cast<std::int64_t>(direction)).add(bf16);
        auto& backward = primitive_cache().get<dnnl::lstm_backward>(k, [&] {
          return dnnl::lstm_backward::primitive_desc(
              dnnl::lstm_backward::desc(dnnl::prop_kind::backward, to_dnnl(direction), d.src_layer, d.src_iter,
                                        d.src_iter_c, d.any_weights_layer, d.any_weights_iter, d.bias, d.dst_layer,
                                        d.dst_iter, d.src_iter_c, d.diff_src_layer, d.diff_iter, d.diff_iter,
                                        d.any_diff_weights_layer, d.any_diff_weights_iter, d.bias, d.diff_dst_layer,
                                        d.diff_iter, d.diff_iter),
              cpu_engine(), forward_pd);
        });
        const auto& pd = backward.pd;
        const OpaqueMemory wl = weights_in_layout(w.weights_input, d.weights_layer_plain, pd.weights_layer_desc());
        const OpaqueMemory wi = weights_in_layout(w.weights_hidden, d.weights_iter_plain, pd.weights_iter_desc());
        // oneDNN adds into the weight gradients, so they start from zero.
        OpaqueMemory dwl = opaque(pd.diff_weights_layer_desc());
        OpaqueMemory dwi = opaque(pd.diff_weights_iter_desc());
        std::memset(dwl.storage.get(), 0, pd.diff_weights_layer_desc().get_size());
        std::memset(dwi.storage.get(), 0, pd.diff_weights_iter_desc().get_size());
        Tensor dbias = Tensor::zeros(w.bias.shape());
        Tensor dx = Tensor::empty(xs);
        Tensor dh0 = Tensor::empty(state_shape), dc0 = Tensor::empty(state_shape);
        const Tensor dy = grads[0].defined() ? grads[0] : Tensor::zeros(output.shape());  // f32
        const Tensor dh = grads[1].defined() ? grads[1] : Tensor::zeros(state_shape);
        const Tensor dc = grads[2].defined() ? grads[2] : Tensor::zeros(state_shape);
        detail::execute(backward.primitive, {{DNNL_ARG_SRC_LAYER, x.memory(d.src_layer)},
                                             {DNNL_ARG_SRC_ITER, h0.memory(d.src_iter)},
                                             {DNNL_ARG_SRC_ITER_C, c0.memory(d.src_iter_c)},
                                             {DNNL_ARG_WEIGHTS_LAYER, wl.mem},
                                             {DNNL_ARG_WEIGHTS_ITER, wi.mem},
                                             {DNNL_ARG_BIAS, w.bias.value().memory(d.bias)},
                                             {DNNL_ARG_DST_LAYER, output.memory(d.dst_layer)},
                                             {DNNL_ARG_DST_ITER, h_last.memory(d.dst_iter)},
                                             {DNNL_ARG_DST_ITER_C, c_last.memory(d.src_iter_c)},
                                             {DNNL_ARG_WORKSPACE, workspace->mem},
                                             {DNNL_ARG_DIFF_DST_LAYER, dy.memory(d.diff_dst_layer)},
                                             {DNNL_ARG_DIFF_DST_ITER, dh.memory(d.diff_iter)},
                                             {DNNL_ARG_DIFF_DST_ITER_C, dc.memory(d.diff_iter)},
                                             {DNNL_ARG_DIFF_SRC_LAYER, dx.memory(d.diff_src_layer)},
                                             {DNNL_ARG_DIFF_SRC_ITER, dh0.memory(d.diff_iter)},
                                             {DNNL_ARG_DIFF_SRC_ITER_C, dc0.memory(d.diff_iter)},
                                             {DNNL_ARG_DIFF_WEIGHTS_LAYER, dwl.mem},
                                             {DNNL_ARG_DIFF_WEIGHTS_ITER, dwi.mem},
                                             {DNNL_ARG_DIFF_BIAS, dbias.memory(d.bias)}});
        if (input.requires_grad()) input.accumulate_grad(dx);
        if (initial_hidden.requires_grad()) initial_hidden.accumulate_grad(dh0);
        if (initial_cell.requires_grad()) initial_cell.accumulate_grad(dc0);
        if (w.weights_input.requires_grad()) {
          auto slot = w.weights_input.grad_slot();
          detail::reorder(dwl.mem, slot.tensor.memory(d.weights_layer_plain), slot.accumulate);
        }
        if (w.weights_hidden.requires_grad()) {
          auto slot = w.weights_hidden.grad_slot();
          detail::reorder(dwi.mem, slot.tensor.memory(d.weights_iter_plain), slot.accumulate);
        }
        if (w.bias.requires_grad()) w.bias.accumulate_grad(dbias);
      });
  return {outputs[0], outputs[1], outputs[2]};
}

}  // namespace nmt::graph
