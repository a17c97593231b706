// Dropout (Srivastava et al. 2014), "inverted": kept units are scaled by 1/(1-p) in training so
// that inference needs no rescaling. The mask is drawn from the counter-based generator, so it
// depends only on the generator's state; it is applied with oneDNN's binary multiply.
#include "nmt/graph/ops.h"
#include "nmt/graph/ops/common.h"

namespace nmt::graph {

Var dropout(const Var& x, float p, RandomGenerator& generator) {
  if (!(p >= 0.0f && p < 1.0f))
    detail::throw_shape_error("dropout", "probability must be in [0, 1), got " + std::to_string(p));
  if (p == 0.0f) return x;
  const std::int64_t n = x.value().numel();
  Tensor mask = Tensor::empty(x.shape());
  float* m = mask.data();
  const float keep_scale = 1.0f / (1.0f - p);
  const std::uint64_t first = generator.advance(static_cast<std::uint64_t>(n));
#pragma omp parallel for if (n > 65536)
  for (std::int64_t i = 0; i < n; ++i)
    m[i] = RandomGenerator::to_unit_float(generator.at(first + i)) < p ? 0.0f : keep_scale;
  Tensor y = detail::binary(dnnl::algorithm::binary_mul, x.value(), mask);
  return Var::make_result("dropout", y, {x}, [x, mask](const Tensor& dy) {
    x.accumulate_grad(detail::binary(dnnl::algorithm::binary_mul, dy, mask));
  });
}

}  // namespace nmt::graph
