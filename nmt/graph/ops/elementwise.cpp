// Element-wise ops: broadcasting add / sub / mul (oneDNN binary), tanh, sigmoid, relu, exp and
// alpha*x+beta (oneDNN eltwise); forward and backward.
#include <algorithm>

#include "nmt/graph/ops.h"
#include "nmt/graph/ops/common.h"

namespace nmt::graph {
namespace {

using dnnl::algorithm;

Shape broadcast_shape(const char* op, const Shape& a, const Shape& b) {
  const std::size_t r = std::max(a.size(), b.size());
  Shape out(r);
  for (std::size_t i = 0; i < r; ++i) {
    const std::int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    const std::int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (da != db && da != 1 && db != 1)
      detail::throw_shape_error(op, "shapes " + to_string(a) + " and " + to_string(b) + " do not broadcast");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

// `t` stretched to `shape` (for a first operand that itself broadcasts).
Tensor broadcast_to(const Tensor& t, const Shape& shape) {
  if (t.shape() == shape) return t;
  return detail::binary(algorithm::binary_add, Tensor::zeros(shape), t);
}

Var binary_op(const char* name, algorithm alg, const Var& a, const Var& b) {
  const Shape out = broadcast_shape(name, a.shape(), b.shape());
  Tensor y;
  if (a.shape() == out) {
    y = detail::binary(alg, a.value(), b.value());
  } else if (b.shape() == out && alg != algorithm::binary_sub) {
    y = detail::binary(alg, b.value(), a.value());  // add and mul commute
  } else {
    y = detail::binary(alg, broadcast_to(a.value(), out), b.value());
  }
  return Var::make_result(name, y, {a, b}, [a, b, alg](const Tensor& dy) {
    if (alg == algorithm::binary_mul) {
      // d(a*b) = b da + a db, each summed over the axes it was broadcast along.
      if (a.requires_grad()) a.accumulate_grad(detail::reduce_to_shape(detail::binary(alg, dy, b.value()), a.shape()));
      if (b.requires_grad()) b.accumulate_grad(detail::reduce_to_shape(detail::binary(alg, dy, a.value()), b.shape()));
      return;
    }
    if (a.requires_grad()) a.accumulate_grad(detail::reduce_to_shape(dy, a.shape()));
    if (b.requires_grad()) {
      Tensor db = detail::reduce_to_shape(dy, b.shape());
      if (alg == algorithm::binary_sub) db = detail::eltwise(algorithm::eltwise_linear, db, -1.f);
      b.accumulate_grad(db);
    }
  });
}

// An eltwise op whose backward runs on oneDNN's eltwise backward primitive. For the
// *_use_dst_for_bwd algorithms the backward reads the result, so the input can be freed.
Var eltwise_op(const char* name, algorithm alg, bool uses_dst, const Var& x, float alpha = 0, float beta = 0) {
  Tensor y = detail::eltwise(alg, x.value(), alpha, beta);
  return Var::make_result(name, y, {x}, [x, y, alg, uses_dst, alpha, beta](const Tensor& dy) {
    detail::write_grad(
        x, [&](Tensor& dx) { detail::eltwise_backward(alg, uses_dst ? y : x.value(), dy, dx, alpha, beta); });
  });
}

}  // namespace

Var add(const Var& a, const Var& b) { return binary_op("add", algorithm::binary_add, a, b); }
Var sub(const Var& a, const Var& b) { return binary_op("sub", algorithm::binary_sub, a, b); }
Var mul(const Var& a, const Var& b) { return binary_op("mul", algorithm::binary_mul, a, b); }

Var tanh(const Var& x) { return eltwise_op("tanh", algorithm::eltwise_tanh_use_dst_for_bwd, true, x); }
Var sigmoid(const Var& x) { return eltwise_op("sigmoid", algorithm::eltwise_logistic_use_dst_for_bwd, true, x); }
Var relu(const Var& x) { return eltwise_op("relu", algorithm::eltwise_relu, false, x); }
Var exp(const Var& x) { return eltwise_op("exp", algorithm::eltwise_exp_use_dst_for_bwd, true, x); }

Var scale(const Var& x, float alpha, float beta) {
  return eltwise_op("scale", algorithm::eltwise_linear, false, x, alpha, beta);
}

}  // namespace nmt::graph
