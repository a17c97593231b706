#include "nmt/graph/ops/common.h"

#include <algorithm>
#include <bit>
#include <chrono>

#include "nmt/graph/memory_pool.h"
#include "nmt/graph/profiler.h"

namespace nmt::graph::detail {

using dnnl::memory;

void throw_shape_error(const char* op, const std::string& detail) { throw ShapeError(std::string(op) + ": " + detail); }

void add_desc(PrimitiveKey& key, const memory::desc& md) {
  const auto& d = md.data;
  key.add(d.ndims).add(static_cast<std::int64_t>(d.data_type)).add(d.offset0);
  key.add(static_cast<std::int64_t>(d.format_kind));
  for (int i = 0; i < d.ndims; ++i) key.add(d.dims[i]);
  if (d.format_kind == dnnl_blocked)
    for (int i = 0; i < d.ndims; ++i) key.add(d.format_desc.blocking.strides[i]);
}

void execute(const dnnl::primitive& primitive, const std::unordered_map<int, memory>& args) {
  if (!profiling()) {
    primitive.execute(cpu_stream(), args);
    cpu_stream().wait();
    return;
  }
  const auto start = std::chrono::steady_clock::now();
  primitive.execute(cpu_stream(), args);
  cpu_stream().wait();
  record_execution(primitive, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

OpaqueMemory opaque(const memory::desc& md) {
  auto storage = allocate_buffer(md.get_size());
  memory mem(md, cpu_engine(), storage.get());
  return {std::move(storage), std::move(mem)};
}

void add_in_place(Tensor& dst, const Tensor& src) {
  if (dst.shape() != src.shape())
    throw_shape_error("accumulate", to_string(dst.shape()) + " += " + to_string(src.shape()));
  const auto md = dst.desc();
  auto& entry = primitive_cache().get<dnnl::binary>(PrimitiveKey("accumulate").add(dst.shape()), [&] {
    return dnnl::binary::primitive_desc(dnnl::binary::desc(dnnl::algorithm::binary_add, md, md, md), cpu_engine());
  });
  auto dst_mem = dst.memory();
  execute(entry.primitive, {{DNNL_ARG_SRC_0, dst_mem}, {DNNL_ARG_SRC_1, src.memory()}, {DNNL_ARG_DST, dst_mem}});
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
        dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_training, algorithm, flat, alpha, beta), cpu_engine());
  });
  execute(entry.primitive, {{DNNL_ARG_SRC, x.memory(flat)}, {DNNL_ARG_DST, y.memory(flat)}});
  return y;
}

void eltwise_backward(dnnl::algorithm algorithm, const Tensor& data, const Tensor& grad_output, Tensor& grad_input,
                      float alpha, float beta) {
  const auto flat = plain_desc({data.numel()});
  PrimitiveKey key("eltwise");
  key.add(static_cast<std::int64_t>(algorithm)).add(data.numel());
  key.add(std::bit_cast<std::int32_t>(alpha)).add(std::bit_cast<std::int32_t>(beta));
  auto& forward = primitive_cache().get<dnnl::eltwise_forward>(key, [&] {
    return dnnl::eltwise_forward::primitive_desc(
        dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_training, algorithm, flat, alpha, beta), cpu_engine());
  });
  PrimitiveKey bkey("eltwise_backward");
  bkey.add(static_cast<std::int64_t>(algorithm)).add(data.numel());
  bkey.add(std::bit_cast<std::int32_t>(alpha)).add(std::bit_cast<std::int32_t>(beta));
  auto& entry = primitive_cache().get<dnnl::eltwise_backward>(bkey, [&] {
    return dnnl::eltwise_backward::primitive_desc(dnnl::eltwise_backward::desc(algorithm, flat, flat, alpha, beta),
                                                  cpu_engine(), forward.pd);
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
  auto& entry = primitive_cache().get<dnnl::binary>(
      key, [&] { return dnnl::binary::primitive_desc(dnnl::binary::desc(algorithm, a_md, b_md, a_md), cpu_engine()); });
  execute(entry.primitive,
          {{DNNL_ARG_SRC_0, a.memory()}, {DNNL_ARG_SRC_1, b.memory(b_md)}, {DNNL_ARG_DST, y.memory()}});
  return y;
}

namespace {

// A cached vector of ones of length n, for sums as products.
const Tensor& ones(std::int64_t n) {
  thread_local std::unordered_map<std::int64_t, Tensor> cache;
  Tensor& t = cache[n];
  if (!t.defined()) t = Tensor::filled({n}, 1.0f);
  return t;
}

// g viewed as [P, R, Q] summed over R -> [P, Q], as a product with a ones vector: oneDNN's
// reduction primitive falls back to its reference kernel for these shapes, which bench-train-rnn
// measured at 40% of a training step; the matmul kernel does the same sums in a few percent.
Tensor sum_middle(const Tensor& g, std::int64_t p, std::int64_t r, std::int64_t q) {
  Tensor out = Tensor::empty({p, q});
  using dnnl::memory;
  const auto f32 = memory::data_type::f32;
  memory::desc a_md, b_md, c_md;
  Tensor const* a;
  Tensor const* b;
  if (p == 1) {  // [1,R] x [R,Q]
    a = &ones(r);
    b = &g;
    a_md = memory::desc({1, r}, f32, memory::format_tag::ab);
    b_md = memory::desc({r, q}, f32, memory::format_tag::ab);
    c_md = memory::desc({1, q}, f32, memory::format_tag::ab);
  } else if (q == 1) {  // [P,R] x [R,1]
    a = &g;
    b = &ones(r);
    a_md = memory::desc({p, r}, f32, memory::format_tag::ab);
    b_md = memory::desc({r, 1}, f32, memory::format_tag::ab);
    c_md = memory::desc({p, 1}, f32, memory::format_tag::ab);
  } else {  // [1,1,R] (shared over the batch) x [P,R,Q]
    a = &ones(r);
    b = &g;
    a_md = memory::desc({1, 1, r}, f32, memory::format_tag::abc);
    b_md = memory::desc({p, r, q}, f32, memory::format_tag::abc);
    c_md = memory::desc({p, 1, q}, f32, memory::format_tag::abc);
  }
  // A bias gradient (P = 1) sums over the tokens of a training batch: from 1,024 of them, the
  // token count is left to execution time, so that one primitive serves every batch shape
  // (each one created anew at every step cost 0.4 ms; issue 15). The ones row [1, R] is then
  // described as a transposed column (strides 1, 1), whose strides do not depend on R.
  const bool runtime_sum = p == 1 && r >= 1024;
  PrimitiveKey key(runtime_sum ? "sum_middle_runtime" : "sum_middle");
  key.add(p).add(runtime_sum ? std::int64_t{-1} : r).add(q);
  if (runtime_sum) a_md = memory::desc({1, r}, f32, memory::dims{1, 1});
  auto& entry = primitive_cache().get<dnnl::matmul>(key, [&] {
    if (runtime_sum)
      return dnnl::matmul::primitive_desc(
          dnnl::matmul::desc(memory::desc({1, DNNL_RUNTIME_DIM_VAL}, f32, memory::dims{1, 1}),
                             memory::desc({DNNL_RUNTIME_DIM_VAL, q}, f32, memory::dims{q, 1}), c_md),
          cpu_engine());
    return dnnl::matmul::primitive_desc(dnnl::matmul::desc(a_md, b_md, c_md), cpu_engine());
  });
  execute(entry.primitive,
          {{DNNL_ARG_SRC, a->memory(a_md)}, {DNNL_ARG_WEIGHTS, b->memory(b_md)}, {DNNL_ARG_DST, out.memory(c_md)}});
  return out;
}

}  // namespace

Tensor reduce_to_shape(const Tensor& g, const Shape& target) {
  if (g.shape() == target) return g;
  const Shape padded = padded_to_rank(target, g.shape().size());
  if (padded == g.shape()) return g.reshaped(target);  // only leading 1s were added
  // The axes summed over; when they form one block (size-1 axes may sit anywhere), the sum is
  // a product with a ones vector.
  const int rank = g.rank();
  int lo = rank, hi = 0;
  for (int i = 0; i < rank; ++i)
    if (padded[i] == 1 && g.shape()[i] != 1) {
      lo = std::min(lo, i);
      hi = i + 1;
    }
  bool block = true;
  for (int i = lo; i < hi; ++i) block = block && (padded[i] == 1 || g.shape()[i] == 1);
  if (block) {
    std::int64_t p = 1, r = 1, q = 1;
    for (int i = 0; i < rank; ++i) (i < lo ? p : i < hi ? r : q) *= g.shape()[i];
    return sum_middle(g, p, r, q).reshaped(target);
  }
  const auto src_md = g.desc();
  const auto dst_md = plain_desc(padded);
  Tensor out = Tensor::empty(padded);
  PrimitiveKey key("reduce_sum");
  key.add(g.shape()).add(padded);
  auto& entry = primitive_cache().get<dnnl::reduction>(key, [&] {
    return dnnl::reduction::primitive_desc(
        dnnl::reduction::desc(dnnl::algorithm::reduction_sum, src_md, dst_md, 0.f, 0.f), cpu_engine());
  });
  execute(entry.primitive, {{DNNL_ARG_SRC, g.memory()}, {DNNL_ARG_DST, out.memory()}});
  return out.reshaped(target);
}

}  // namespace nmt::graph::detail
