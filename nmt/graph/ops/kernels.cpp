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
  if (t.numel() <= 1) return t.numel() == 0 ? 0.0 : double(t.data()[0]) * t.data()[0];
  const auto src = plain_desc({t.numel()});
  const auto dst = plain_desc({1});
  PrimitiveKey key("sum_of_squares");
  key.add(t.numel());
  auto& entry = primitive_cache().get<dnnl::reduction>(key, [&] {
    return dnnl::reduction::primitive_desc(
        dnnl::reduction::desc(dnnl::algorithm::reduction_norm_lp_power_p_sum, src, dst, 2.f, 0.f),
        cpu_engine());
  });
  Tensor out = Tensor::empty({1});
  detail::execute(entry.primitive, {{DNNL_ARG_SRC, t.memory(src)}, {DNNL_ARG_DST, out.memory()}});
  return out.item();
}

}  // namespace nmt::graph
