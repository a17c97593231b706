// sum, mean and max over axes (oneDNN reduction). The backward of sum and mean broadcasts the
// gradient back with oneDNN's binary add; that of max sends it to the positions that hold the
// maximum (oneDNN's binary eq against the broadcast result, times the gradient).
#include <algorithm>

#include "nmt/graph/ops.h"
#include "nmt/graph/ops/common.h"

namespace nmt::graph {
namespace {

Var reduce(const char* name, dnnl::algorithm alg, const Var& x, const std::vector<int>& axes, bool keep_dims) {
  const Shape& xs = x.shape();
  const int rank = static_cast<int>(xs.size());
  std::vector<bool> reduced(rank, axes.empty());
  for (int axis : axes) {
    const int a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank)
      detail::throw_shape_error(name, "axis " + std::to_string(axis) + " out of range for " + to_string(xs));
    reduced[a] = true;
  }
  Shape kept(xs), dropped;
  std::int64_t count = 1;
  for (int i = 0; i < rank; ++i) {
    if (reduced[i]) {
      kept[i] = 1;
      count *= xs[i];
    } else {
      dropped.push_back(xs[i]);
    }
  }
  Tensor y;
  if (kept == xs) {
    y = x.value().clone();
  } else {
    const auto src_md = x.value().desc(), dst_md = plain_desc(kept);
    y = Tensor::empty(kept);
    PrimitiveKey key(name);
    key.add(xs).add(kept);
    auto& entry = primitive_cache().get<dnnl::reduction>(key, [&] {
      return dnnl::reduction::primitive_desc(dnnl::reduction::desc(alg, src_md, dst_md, 0.f, 0.f), cpu_engine());
    });
    detail::execute(entry.primitive, {{DNNL_ARG_SRC, x.value().memory()}, {DNNL_ARG_DST, y.memory()}});
  }
  const bool is_mean = alg == dnnl::algorithm::reduction_mean;
  const bool is_max = alg == dnnl::algorithm::reduction_max;
  return Var::make_result(
      name, keep_dims ? y : y.reshaped(dropped), {x}, [x, kept, count, is_mean, is_max, y](const Tensor& dy) {
        Tensor g = dy.reshaped(kept);
        if (is_max) {
          // d max / d x_i = 1 where x_i is the maximum (every tied position: ties have measure
          // zero for real-valued states), 0 elsewhere.
          const Tensor at_maximum = detail::binary(dnnl::algorithm::binary_eq, x.value(), y);
          const Tensor contribution = detail::binary(dnnl::algorithm::binary_mul, at_maximum, g);
          x.accumulate_grad(contribution);
          return;
        }
        if (is_mean) g = detail::eltwise(dnnl::algorithm::eltwise_linear, g, 1.0f / static_cast<float>(count));
        auto slot = x.grad_slot();
        if (!slot.accumulate) slot.tensor.fill(0.0f);
        // grad += broadcast(g), in place.
        const auto md = slot.tensor.desc(), g_md = g.desc();
        PrimitiveKey key("broadcast_add");
        key.add(slot.tensor.shape()).add(kept);
        auto& entry = primitive_cache().get<dnnl::binary>(key, [&] {
          return dnnl::binary::primitive_desc(dnnl::binary::desc(dnnl::algorithm::binary_add, md, g_md, md),
                                              cpu_engine());
        });
        auto mem = slot.tensor.memory();
        detail::execute(entry.primitive, {{DNNL_ARG_SRC_0, mem}, {DNNL_ARG_SRC_1, g.memory()}, {DNNL_ARG_DST, mem}});
      });
}

}  // namespace

Var sum(const Var& x, const std::vector<int>& axes, bool keep_dims) {
  return reduce("sum", dnnl::algorithm::reduction_sum, x, axes, keep_dims);
}

Var mean(const Var& x, const std::vector<int>& axes, bool keep_dims) {
  return reduce("mean", dnnl::algorithm::reduction_mean, x, axes, keep_dims);
}

Var max(const Var& x, const std::vector<int>& axes, bool keep_dims) {
  return reduce("max", dnnl::algorithm::reduction_max, x, axes, keep_dims);
}

}  // namespace nmt::graph
