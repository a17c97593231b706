// Helpers shared by the op implementations (not part of the public interface).
#pragma once

#include <oneapi/dnnl/dnnl.hpp>
#include <string>
#include <unordered_map>

#include "nmt/graph/engine.h"
#include "nmt/graph/primitive_cache.h"
#include "nmt/graph/var.h"

namespace nmt::graph::detail {

[[noreturn]] void throw_shape_error(const char* op, const std::string& detail);

// Appends a memory descriptor (dims, type, strides, offset) to a cache key.
void add_desc(PrimitiveKey& key, const dnnl::memory::desc& md);

void execute(const dnnl::primitive& primitive, const std::unordered_map<int, dnnl::memory>& args);
void record_execution(const dnnl::primitive& primitive, double seconds);  // profiler.cpp

// A pooled buffer in whatever layout oneDNN asked for (format `any`: blocked weights).
struct OpaqueMemory {
  std::shared_ptr<void> storage;
  dnnl::memory mem;
};
OpaqueMemory opaque(const dnnl::memory::desc& md);

// t rounded to bf16 (round to nearest even, oneDNN's reorder), the same shape; t itself when it
// is bf16 already. ops/matmul.cpp.
Tensor rounded_to_bf16(const Tensor& t);

// dst += src (same shapes), on the oneDNN binary primitive, in place.
void add_in_place(Tensor& dst, const Tensor& src);

// Copies src into dst through a oneDNN reorder; both may be strided or sub-memory views.
// With accumulate, dst += src (the reorder's sum post-op).
void reorder(const dnnl::memory& src, const dnnl::memory& dst, bool accumulate = false);

// y = algorithm(x) on the eltwise primitive; and its backward given `data` (the forward's
// source, or its result for the *_use_dst_for_bwd algorithms) and the output gradient.
Tensor eltwise(dnnl::algorithm algorithm, const Tensor& x, float alpha = 0, float beta = 0);
void eltwise_backward(dnnl::algorithm algorithm, const Tensor& data, const Tensor& grad_output, Tensor& grad_input,
                      float alpha = 0, float beta = 0);

// a (op) b where a has the output's shape and b broadcasts to it.
Tensor binary(dnnl::algorithm algorithm, const Tensor& a, const Tensor& b);

// Sums g over the axes where `target` (right-aligned) has size 1 or is missing.
Tensor reduce_to_shape(const Tensor& g, const Shape& target);

// Hands an op's gradient for `v` to `compute(Tensor& out)`: written straight into v's gradient
// on the first contribution, through a temporary and an add on later ones.
template <class Compute>
void write_grad(const Var& v, Compute&& compute) {
  if (!v.requires_grad()) return;
  auto slot = v.grad_slot();
  if (!slot.accumulate) {
    compute(slot.tensor);
    return;
  }
  Tensor temporary = Tensor::empty(v.shape());
  compute(temporary);
  detail::add_in_place(slot.tensor, temporary);
}

// The int8 inference path of linear and linear_relu (ops/int8_linear.cpp; see precision.h):
// x2 [rows, in], weight [out, in], bias [out] or undefined -> f32 [rows, out].
Tensor int8_linear(const Tensor& x2, const Var& weight, const Tensor& bias, bool relu);

}  // namespace nmt::graph::detail
