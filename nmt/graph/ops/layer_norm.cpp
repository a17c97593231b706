// Layer normalization over the last axis (Ba, Kiros, Hinton 2016); forward and backward on
// oneDNN's layer_normalization primitives.
#include <bit>

#include "nmt/graph/ops.h"
#include "nmt/graph/ops/common.h"

namespace nmt::graph {

Var layer_norm(const Var& x, const Var& gain, const Var& bias, float epsilon) {
  const Shape& xs = x.shape();
  if (xs.empty() || gain.shape() != Shape{xs.back()} || bias.shape() != Shape{xs.back()})
    detail::throw_shape_error("layer_norm", "x " + to_string(xs) + " needs gain and bias of [" +
                                                (xs.empty() ? "?" : std::to_string(xs.back())) + "], got " +
                                                to_string(gain.shape()) + " and " + to_string(bias.shape()));
  const std::int64_t c = xs.back(), rows = x.value().numel() / c;
  const Tensor x2 = x.value().reshaped({rows, c});
  const auto data_md = x2.desc();
  const auto stat_md = plain_desc({rows});
  const auto flags = dnnl::normalization_flags::use_scale | dnnl::normalization_flags::use_shift;
  PrimitiveKey key("layer_norm");
  key.add(rows).add(c).add(std::bit_cast<std::int32_t>(epsilon));
  auto& forward = primitive_cache().get<dnnl::layer_normalization_forward>(key, [&] {
    return dnnl::layer_normalization_forward::primitive_desc(
        dnnl::layer_normalization_forward::desc(dnnl::prop_kind::forward_training, data_md, stat_md, epsilon, flags),
        cpu_engine());
  });
  Tensor y = Tensor::empty({rows, c});
  Tensor mean = Tensor::empty({rows}), variance = Tensor::empty({rows});
  detail::execute(forward.primitive, {{DNNL_ARG_SRC, x2.memory()},
                                      {DNNL_ARG_SCALE, gain.value().memory()},
                                      {DNNL_ARG_SHIFT, bias.value().memory()},
                                      {DNNL_ARG_DST, y.memory()},
                                      {DNNL_ARG_MEAN, mean.memory()},
                                      {DNNL_ARG_VARIANCE, variance.memory()}});
  auto forward_pd = forward.pd;
  return Var::make_result(
      "layer_norm", y.reshaped(xs), {x, gain, bias},
      [x, gain, bias, x2, mean, variance, rows, c, epsilon, data_md, stat_md, flags, forward_pd](const Tensor& dy) {
        PrimitiveKey k("layer_norm_backward");
        k.add(rows).add(c).add(std::bit_cast<std::int32_t>(epsilon));
        auto& backward = primitive_cache().get<dnnl::layer_normalization_backward>(k, [&] {
          return dnnl::layer_normalization_backward::primitive_desc(
              dnnl::layer_normalization_backward::desc(dnnl::prop_kind::backward, data_md, data_md, stat_md, epsilon,
                                                       flags),
              cpu_engine(), forward_pd);
        });
        Tensor dx = Tensor::empty({rows, c});
        Tensor dgain = Tensor::empty({c}), dbias = Tensor::empty({c});
        detail::execute(backward.primitive, {{DNNL_ARG_SRC, x2.memory()},
                                             {DNNL_ARG_DIFF_DST, dy.reshaped({rows, c}).memory()},
                                             {DNNL_ARG_MEAN, mean.memory()},
                                             {DNNL_ARG_VARIANCE, variance.memory()},
                                             {DNNL_ARG_SCALE, gain.value().memory()},
                                             {DNNL_ARG_SHIFT, bias.value().memory()},
                                             {DNNL_ARG_DIFF_SRC, dx.memory()},
                                             {DNNL_ARG_DIFF_SCALE, dgain.memory()},
                                             {DNNL_ARG_DIFF_SHIFT, dbias.memory()}});
        x.accumulate_grad(dx.reshaped(x.shape()));
        gain.accumulate_grad(dgain);
        bias.accumulate_grad(dbias);
      });
}

}  // namespace nmt::graph
