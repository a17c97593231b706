#include "nmt/graph/kernels.h"

#include "nmt/graph/ops/common.h"

namespace nmt::graph {

void add_in_place(Tensor& dst, const Tensor& src) { detail::add_in_place(dst, src); }

void scale_in_place(Tensor& t, float factor) {
  // The factor changes every call (clipping), so it is a run-time operand of a broadcast
  // multiply rather than a constant baked into an eltwise primitive.
  const auto flat = plain_desc({t.numel()});
  const auto one = plain_desc({1});
  PrimitiveKey key("scale_in_place");
  key.add(t.numel());
  auto& entry = primitive_cache().get<dnnl::binary>(key, [&] {
    return dnnl::binary::primitive_desc(dnnl::binary::desc(dnnl::algorithm::binary_mul, flat, one, flat), cpu_engine());
  });
  Tensor f = Tensor::filled({1}, factor);
  auto mem = t.memory(flat);
  detail::execute(entry.primitive, {{DNNL_ARG_SRC_0, mem}, {DNNL_ARG_SRC_1, f.memory()}, {DNNL_ARG_DST, mem}});
}

double sum_of_squares(const Tensor& t) {
  // x . x as a [1,N] x [N,1] product: oneDNN's L2 reduction falls back to its reference
  // kernel, which bench-train-rnn measured at a fifth of a training step for clipping.
  const std::int64_t n = t.numel();
  if (n == 0) return 0.0;
  using dnnl::memory;
  const memory::desc row({1, n}, memory::data_type::f32, memory::format_tag::ab);
  const memory::desc column({n, 1}, memory::data_type::f32, memory::format_tag::ab);
  const memory::desc one({1, 1}, memory::data_type::f32, memory::format_tag::ab);
  PrimitiveKey key("sum_of_squares");
  key.add(n);
  auto& entry = primitive_cache().get<dnnl::matmul>(
      key, [&] { return dnnl::matmul::primitive_desc(dnnl::matmul::desc(row, column, one), cpu_engine()); });
  Tensor out = Tensor::empty({1});
  detail::execute(
      entry.primitive,
      {{DNNL_ARG_SRC, t.memory(row)}, {DNNL_ARG_WEIGHTS, t.memory(column)}, {DNNL_ARG_DST, out.memory(one)}});
  return out.item();
}

}  // namespace nmt::graph
