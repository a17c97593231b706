// softmax and log-softmax over the last axis, with an optional mask; forward and backward.
#include <algorithm>

#include "nmt/graph/ops.h"
#include "nmt/graph/ops/common.h"

namespace nmt::graph {
namespace {

using dnnl::algorithm;

// Masked positions get -1e9 added: exp() of that underflows to exactly 0, and unlike -inf a
// fully masked row cannot produce NaN.
constexpr float kMaskedScore = -1e9f;

Tensor apply_mask(const char* op, const Tensor& x, const Tensor& mask) {
  if (!mask.defined()) return x;
  if (mask.rank() > x.rank())
    detail::throw_shape_error(op, "mask " + to_string(mask.shape()) + " has more axes than x " + to_string(x.shape()));
  for (int i = 1; i <= mask.rank(); ++i)
    if (mask.dim(-i) != 1 && mask.dim(-i) != x.dim(-i))
      detail::throw_shape_error(op,
                                "mask " + to_string(mask.shape()) + " does not broadcast to " + to_string(x.shape()));
  // mask 1 -> 0, mask 0 -> -1e9, then added to the scores.
  Tensor additive = detail::eltwise(algorithm::eltwise_linear, mask, -kMaskedScore, kMaskedScore);
  return detail::binary(algorithm::binary_add, x, additive);
}

template <class Forward, class Backward>
Var softmax_like(const char* name, const Var& x, const Tensor& mask) {
  if (x.value().rank() < 1) detail::throw_shape_error(name, "needs at least one axis");
  const Tensor scores = apply_mask(name, x.value(), mask);
  const auto md = scores.desc();
  const int axis = std::max(scores.rank(), 1) - 1;
  Tensor y = Tensor::empty(scores.shape());
  PrimitiveKey key(name);
  key.add(scores.shape());
  auto& forward = primitive_cache().get<Forward>(key, [&] {
    return typename Forward::primitive_desc(typename Forward::desc(dnnl::prop_kind::forward_training, md, axis),
                                            cpu_engine());
  });
  detail::execute(forward.primitive, {{DNNL_ARG_SRC, scores.memory()}, {DNNL_ARG_DST, y.memory()}});
  auto forward_pd = forward.pd;
  return Var::make_result(name, y, {x}, [x, y, md, axis, forward_pd, name](const Tensor& dy) {
    detail::write_grad(x, [&](Tensor& dx) {
      PrimitiveKey k(std::string(name) + "_backward");
      k.add(y.shape());
      auto& backward = primitive_cache().get<Backward>(k, [&] {
        return typename Backward::primitive_desc(typename Backward::desc(md, md, axis), cpu_engine(), forward_pd);
      });
      detail::execute(backward.primitive,
                      {{DNNL_ARG_DST, y.memory()}, {DNNL_ARG_DIFF_DST, dy.memory()}, {DNNL_ARG_DIFF_SRC, dx.memory()}});
    });
  });
}

}  // namespace

Var softmax(const Var& x, const Tensor& mask) {
  return softmax_like<dnnl::softmax_forward, dnnl::softmax_backward>("softmax", x, mask);
}

Var log_softmax(const Var& x, const Tensor& mask) {
  return softmax_like<dnnl::logsoftmax_forward, dnnl::logsoftmax_backward>("log_softmax", x, mask);
}

}  // namespace nmt::graph
