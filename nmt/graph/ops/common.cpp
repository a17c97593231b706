#include "nmt/graph/ops/common.h"

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace nmt::graph::detail {

using dnnl::memory;

void throw_shape_error(const char* op, const std::string& detail) {
  throw ShapeError(std::string(op) + ": " + detail);
}

void add_desc(PrimitiveKey& key, const memory::desc& md) {
  const auto& d = md.data;
  key.add(d.ndims).add(static_cast<std::int64_t>(d.data_type)).add(d.offset0);
  key.add(static_cast<std::int64_t>(d.format_kind));
  for (int i = 0; i < d.ndims; ++i) key.add(d.dims[i]);
  if (d.format_kind == dnnl_blocked)
    for (int i = 0; i < d.ndims; ++i) key.add(d.format_desc.blocking.strides[i]);
}

void execute(const dnnl::primitive& primitive, const std::unordered_map<int, memory>& args) {
  primitive.execute(cpu_stream(), args);
  cpu_stream().wait();
}

void add_in_place(Tensor& dst, const Tensor& src) {
  if (dst.shape() != src.shape())
    throw_shape_error("accumulate", to_string(dst.shape()) + " += " + to_string(src.shape()));
  const auto md = dst.desc();
  auto& entry = primitive_cache().get<dnnl::binary>(
      PrimitiveKey("accumulate").add(dst.shape()), [&] {
        return dnnl::binary::primitive_desc(
            dnnl::binary::desc(dnnl::algorithm::binary_add, md, md, md), cpu_engine());
      });
  auto dst_mem = dst.memory();
  execute(entry.primitive,
          {{DNNL_ARG_SRC_0, dst_mem}, {DNNL_ARG_SRC_1, src.memory()}, {DNNL_ARG_DST, dst_mem}});
}

void reorder(const memory& src, const memory& dst, bool accumulate) {
  const auto src_md = src.get_desc(), dst_md = dst.get_desc();
  PrimitiveKey key("reorder");
  add_desc(key, src_md);
  add_desc(key, dst_md);
  key.add(accumulate);
  auto& entry = primitive_cache().get<dnnl::reorder>(key, [&] {
    dnnl::primitive_attr attr;
    if (accumulate) {
      dnnl::post_ops ops;
      ops.append_sum(1.0f);
      attr.set_post_ops(ops);
    }
    return dnnl::reorder::primitive_desc(cpu_engine(), src_md, cpu_engine(), dst_md, attr);
  });
  execute(entry.primitive, {{DNNL_ARG_FROM, src}, {DNNL_ARG_TO, dst}});
}

Tensor eltwise(dnnl::algorithm algorithm, const Tensor& x, float alpha, float beta) {
  Tensor y = Tensor::empty(x.shape());
  PrimitiveKey key("eltwise");
  key.add(static_cast<std::int64_t>(algorithm)).add(x.numel());
  key.add(std::bit_cast<std::int32_t>(alpha)).add(std::bit_cast<std::int32_t>(beta));
  // Element-wise ops do not care about the shape: run them on a flat view.
  const auto flat = plain_desc({x.numel()});
  auto& entry = primitive_cache().get<dnnl::eltwise_forward>(key, [&] {
    return dnnl::eltwise_forward::primitive_desc(
        dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_training, algorithm, flat, alpha,
                                    beta),
        cpu_engine());
  });
  execute(entry.primitive, {{DNNL_ARG_SRC, x.memory(flat)}, {DNNL_ARG_DST, y.memory(flat)}});
  return y;
}

void eltwise_backward(dnnl::algorithm algorithm, const Tensor& data, const Tensor& grad_output,
                      Tensor& grad_input, float alpha, float beta) {
  const auto flat = plain_desc({data.numel()});
  PrimitiveKey key("eltwise");
  key.add(static_cast<std::int64_t>(algorithm)).add(data.numel());
  key.add(std::bit_cast<std::int32_t>(alpha)).add(std::bit_cast<std::int32_t>(beta));
  auto& forward = primitive_cache().get<dnnl::eltwise_forward>(key, [&] {
    return dnnl::eltwise_forward::primitive_desc(
        dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_training, algorithm, flat, alpha,
                                    beta),
        cpu_engine());
  });
  PrimitiveKey bkey("eltwise_backward");
  bkey.add(static_cast<std::int64_t>(algorithm)).add(data.numel());
  bkey.add(std::bit_cast<std::int32_t>(alpha)).add(std::bit_cast<std::int32_t>(beta));
  auto& entry = primitive_cache().get<dnnl::eltwise_backward>(bkey, [&] {
    return dnnl::eltwise_backward::primitive_desc(
        dnnl::eltwise_backward::desc(algorithm, flat, flat, alpha, beta), cpu_engine(),
        forward.pd);
  });
  const bool uses_dst = algorithm == dnnl::algorithm::eltwise_tanh_use_dst_for_bwd ||
                        algorithm == dnnl::algorithm::eltwise_logistic_use_dst_for_bwd ||
                        algorithm == dnnl::algorithm::eltwise_exp_use_dst_for_bwd ||
                        algorithm == dnnl::algorithm::eltwise_relu_use_dst_for_bwd;
  execute(entry.primitive, {{uses_dst ? DNNL_ARG_DST : DNNL_ARG_SRC, data.memory(flat)},
                            {DNNL_ARG_DIFF_DST, grad_output.memory(flat)},
                            {DNNL_ARG_DIFF_SRC, grad_input.memory(flat)}});
}

namespace {
// b's shape padded with leading 1s to rank r.
Shape padded_to_rank(const Shape& s, std::size_t r) {
  Shape p(r - s.size(), 1);
  p.insert(p.end(), s.begin(), s.end());
  return p;
}
}  // namespace

Tensor binary(dnnl::algorithm algorithm, const Tensor& a, const Tensor& b) {
  const Shape b_shape = padded_to_rank(b.shape(), std::max<std::size_t>(a.shape().size(), 1));
  const auto a_md = a.desc();
  const auto b_md = plain_desc(b_shape);
  Tensor y = Tensor::empty(a.shape());
  PrimitiveKey key("binary");
  key.add(static_cast<std::int64_t>(algorithm)).add(a.shape()).add(b_shape);
  auto& entry = primitive_cache().get<dnnl::binary>(key, [&] {
    return dnnl::binary::primitive_desc(dnnl::binary::desc(algorithm, a_md, b_md, a_md),
                                        cpu_engine());
  });
  execute(entry.primitive, {{DNNL_ARG_SRC_0, a.memory()},
                            {DNNL_ARG_SRC_1, b.memory(b_md)},
                            {DNNL_ARG_DST, y.memory()}});
  return y;
}

Tensor reduce_to_shape(const Tensor& g, const Shape& target) {
  if (g.shape() == target) return g;
  const Shape padded = padded_to_rank(target, g.shape().size());
  if (padded == g.shape()) return g.reshaped(target);  // only leading 1s were added
  // Summing over leading axes only (a bias gradient: dY [rows, C] -> [C]) is the product
  // ones[1, rows] x dY[rows, C]. oneDNN's reduction primitive has no optimised kernel for a
  // reduction over the outer axes (its reference kernel took 0.3 s for 2000 x 8000), while
  // its sgemm runs this as a memory-bound GEMV.
  std::size_t leading = 0;
  while (leading < padded.size() && padded[leading] == 1) ++leading;
  bool trailing_kept = leading > 0;
  for (std::size_t i = leading; trailing_kept && i < padded.size(); ++i) trailing_kept = padded[i] == g.shape()[i];
  if (trailing_kept) {
    std::int64_t rows = 1;
    for (std::size_t i = 0; i < leading; ++i) rows *= g.shape()[i];
    const std::int64_t columns = g.numel() / rows;
    Tensor r = Tensor::empty(target);
    if (rows == 0 || columns == 0) {
      r.fill(0.0f);
      return r;
    }
    const Tensor ones = Tensor::filled({rows}, 1.0f);
    const dnnl_status_t status = dnnl_sgemm('N', 'N', 1, columns, rows, 1.0f, ones.data(), rows, g.data(), columns,
                                            0.0f, r.data(), columns);
    if (status != dnnl_success) throw std::runtime_error("reduce_to_shape: dnnl_sgemm failed");
    return r;
  }
  const auto src_md = g.desc();
  const auto dst_md = plain_desc(padded);
  Tensor r = Tensor::empty(padded);
  PrimitiveKey key("reduce_sum");
  key.add(g.shape()).add(padded);
  auto& entry = primitive_cache().get<dnnl::reduction>(key, [&] {
    return dnnl::reduction::primitive_desc(
        dnnl::reduction::desc(dnnl::algorithm::reduction_sum, src_md, dst_md, 0.f, 0.f),
        cpu_engine());
  });
  execute(entry.primitive, {{DNNL_ARG_SRC, g.memory()}, {DNNL_ARG_DST, r.memory()}});
  return r.reshaped(target);
}

}  // namespace nmt::graph::detail
