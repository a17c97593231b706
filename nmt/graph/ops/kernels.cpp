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
    return dnnl::binary::primitive_desc(
        dnnl::binary::desc(dnnl::algorithm::binary_mul, flat, one, flat), cpu_engine());
  });
  Tensor f = Tensor::filled({1}, factor);
  auto mem = t.memory(flat);
  detail::execute(entry.primitive,
                  {{DNNL_ARG_SRC_0, mem}, {DNNL_ARG_SRC_1, f.memory()}, {DNNL_ARG_DST, mem}});
}

double sum_of_squares(const Tensor& t) {
  // oneDNN rejects a reduction that reduces nothing.
  const std::int64_t n = t.numel();
  if (n <= 1) return n == 0 ? 0.0 : double(t.data()[0]) * t.data()[0];
  // oneDNN 2.6 runs the L2 power-sum reduction on its reference kernel only (6 ms for 256K
  // elements), but has JIT kernels for x^2 and for a plain sum over the innermost axis: square,
  // sum the rows of an [n / k, k] view, and add the row sums in double.
  std::int64_t k = 4096;
  while (k > 16 && n % k != 0) k /= 2;
  if (n % k != 0) k = n;
  const std::int64_t m = n / k;
  const auto flat = plain_desc({m, k});
  const auto partial_md = plain_desc({m, 1});
  PrimitiveKey key("sum_of_squares");
  key.add(m).add(k);
  auto& square = primitive_cache().get<dnnl::eltwise_forward>(key, [&] {
    return dnnl::eltwise_forward::primitive_desc(
        dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::eltwise_square, flat),
        cpu_engine());
  });
  PrimitiveKey rkey("sum_of_squares_rows");
  rkey.add(m).add(k);
  auto& rows = primitive_cache().get<dnnl::reduction>(rkey, [&] {
    return dnnl::reduction::primitive_desc(
        dnnl::reduction::desc(dnnl::algorithm::reduction_sum, flat, partial_md, 0.f, 0.f), cpu_engine());
  });
  Tensor squares = Tensor::empty({m, k});
  Tensor partial = Tensor::empty({m, 1});
  detail::execute(square.primitive, {{DNNL_ARG_SRC, t.memory(flat)}, {DNNL_ARG_DST, squares.memory()}});
  detail::execute(rows.primitive, {{DNNL_ARG_SRC, squares.memory()}, {DNNL_ARG_DST, partial.memory()}});
  double total = 0.0;
  for (std::int64_t i = 0; i < m; ++i) total += partial.data()[i];
  return total;
}

}  // namespace nmt::graph
