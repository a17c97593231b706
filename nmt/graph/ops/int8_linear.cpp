// int8 inference of a linear layer (precision.h): y = act(x W^T + b) computed as
//   y[r, o] = act( s_w[o] * s_x * sum_i q_x[r, i] q_w[o, i] + b[o] )
// with symmetric quantisation q = round(v / s), s = max |v| / 127: of the weights per output
// channel (once per value of the weights), of the input over the whole call (one s_x per call:
// a scale per row is a post-op oneDNN 2.6 runs only on its reference kernel, ref_int8, which
// made translating 200 sentences take minutes instead of seconds). One int8 matmul
// (brg:avx512_core_vnni on VNNI CPUs) does the product, with s_w, s_x and the bias as binary
// post-ops and the ReLU as an eltwise post-op; the scales and the quantised input come from an
// abs, a max reduction and a division that writes s8.
#include "nmt/graph/ops.h"
#include "nmt/graph/ops/common.h"
#include "nmt/graph/ops/derived_cache.h"
#include "nmt/graph/precision.h"

namespace nmt::graph {
namespace {

using dnnl::memory;
using tag = memory::format_tag;

constexpr float kLevels = 127.0f;
// Added to every scale so that an all-zero row gets 1e-30 rather than 0 (and 0 / 0 no NaN); far
// below any scale a nonzero row of these models has.
constexpr float kTinyScale = 1e-30f;

// s = max |t| / 127 + tiny over each row (scale_shape [rows, 1]) or over all of t ([1, 1]).
Tensor scales_of(const Tensor& t, const Shape& scale_shape) {
  const Tensor magnitude = detail::eltwise(dnnl::algorithm::eltwise_abs, t);
  Tensor scales = Tensor::empty(scale_shape);
  PrimitiveKey key("int8_scales");
  key.add(t.shape()).add(scale_shape);
  auto& entry = primitive_cache().get<dnnl::reduction>(key, [&] {
    dnnl::post_ops ops;
    ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_linear, 1.0f / kLevels, kTinyScale);
    dnnl::primitive_attr attr;
    attr.set_post_ops(ops);
    return dnnl::reduction::primitive_desc(
        dnnl::reduction::desc(dnnl::algorithm::reduction_max, magnitude.desc(), scales.desc(), 0.0f, 0.0f), attr,
        cpu_engine());
  });
  detail::execute(entry.primitive, {{DNNL_ARG_SRC, magnitude.memory()}, {DNNL_ARG_DST, scales.memory()}});
  return scales;
}

// round(t / s) as s8, s per row ([rows, 1]) or one ([1, 1]); |t| / s <= 127, so nothing
// saturates. [rows, cols], row-major.
detail::OpaqueMemory quantise(const Tensor& t, const Tensor& scales) {
  const memory::desc q_md({t.dim(0), t.dim(1)}, memory::data_type::s8, tag::ab);
  detail::OpaqueMemory q = detail::opaque(q_md);
  auto& entry = primitive_cache().get<dnnl::binary>(PrimitiveKey("quantise").add(t.shape()).add(scales.shape()), [&] {
    return dnnl::binary::primitive_desc(dnnl::binary::desc(dnnl::algorithm::binary_div, t.desc(), scales.desc(), q_md),
                                        cpu_engine());
  });
  detail::execute(entry.primitive,
                  {{DNNL_ARG_SRC_0, t.memory()}, {DNNL_ARG_SRC_1, scales.memory()}, {DNNL_ARG_DST, q.mem}});
  return q;
}

// The weights quantised per output channel and laid out for the matmul (`layout`, oneDNN's
// choice for format `any`), with their scales [1, out]. Cached per weight variable and layout until
// the variable's value changes, so translating quantises each weight matrix once.
struct QuantisedWeights {
  detail::OpaqueMemory values;
  Tensor scales;
};
const QuantisedWeights& quantised_weights(const Var& weight, const memory::desc& layout) {
  static detail::DerivedCache<QuantisedWeights> cache;
  return cache.get(weight, layout, [&] {
    const Tensor& w = weight.value();  // [out, in]
    const std::int64_t out = w.dim(0), in = w.dim(1);
    const Tensor scales = scales_of(w, {out, 1});
    const detail::OpaqueMemory plain = quantise(w, scales);
    // The matmul reads W^T [in, out]: the [out, in] rows seen through swapped strides.
    const memory::desc transposed({in, out}, memory::data_type::s8, memory::dims{1, in});
    QuantisedWeights quantised{detail::opaque(layout), scales.reshaped({1, out})};
    detail::reorder(memory(transposed, cpu_engine(), plain.storage.get()), quantised.values.mem);
    return quantised;
  });
}

dnnl::matmul::primitive_desc int8_matmul_desc(std::int64_t rows, std::int64_t in, std::int64_t out, bool bias,
                                              bool relu) {
  dnnl::post_ops ops;
  ops.append_binary(dnnl::algorithm::binary_mul, plain_desc({1, out}));  // s_w, one per output column
  ops.append_binary(dnnl::algorithm::binary_mul, plain_desc({1, 1}));    // s_x
  if (bias) ops.append_binary(dnnl::algorithm::binary_add, plain_desc({1, out}));
  if (relu) ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
  dnnl::primitive_attr attr;
  attr.set_post_ops(ops);
  const memory::desc src({rows, in}, memory::data_type::s8, tag::ab);
  const memory::desc weights({in, out}, memory::data_type::s8, tag::any);
  return dnnl::matmul::primitive_desc(dnnl::matmul::desc(src, weights, plain_desc({rows, out})), attr, cpu_engine());
}

}  // namespace

namespace detail {

Tensor int8_linear(const Tensor& x2, const Var& weight, const Tensor& bias, bool relu) {
  const std::int64_t rows = x2.dim(0), in = x2.dim(1), out = weight.shape()[0];
  PrimitiveKey key("int8_linear");
  key.add(rows).add(in).add(out).add(bias.defined()).add(relu);
  auto& product =
      primitive_cache().get<dnnl::matmul>(key, [&] { return int8_matmul_desc(rows, in, out, bias.defined(), relu); });
  const QuantisedWeights& w = quantised_weights(weight, product.pd.weights_desc());
  const Tensor x_scale = scales_of(x2, {1, 1});
  const OpaqueMemory x_values = quantise(x2, x_scale);
  Tensor y = Tensor::empty({rows, out});
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, x_values.mem},
                                       {DNNL_ARG_WEIGHTS, w.values.mem},
                                       {DNNL_ARG_DST, y.memory()},
                                       {DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1, w.scales.memory()},
                                       {DNNL_ARG_ATTR_MULTIPLE_POST_OP(1) | DNNL_ARG_SRC_1, x_scale.memory()}};
  if (bias.defined()) args[DNNL_ARG_ATTR_MULTIPLE_POST_OP(2) | DNNL_ARG_SRC_1] = bias.memory(plain_desc({1, out}));
  execute(product.primitive, args);
  return y;
}

}  // namespace detail

std::string linear_kernel_name(Precision precision) {
  constexpr std::int64_t rows = 64, in = 256, out = 256;  // a decoder step's shape
  if (precision == Precision::int8) return int8_matmul_desc(rows, in, out, true, false).impl_info_str();
  // As translation runs them: weights in the kernel's layout, bias and result f32.
  const auto type = precision == Precision::bf16 ? memory::data_type::bf16 : memory::data_type::f32;
  const dnnl::matmul::primitive_desc pd(
      dnnl::matmul::desc(memory::desc({rows, in}, type, tag::ab), memory::desc({in, out}, type, tag::any),
                         plain_desc({1, out}), plain_desc({rows, out})),
      cpu_engine());
  return pd.impl_info_str();
}

}  // namespace nmt::graph
