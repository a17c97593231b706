// Embedding lookup: a gather of table rows, and its gradient, a scatter-add into the table.
// oneDNN 2.6 has no gather primitive; these are row copies and row additions.
#include <cstring>

#include "nmt/graph/ops.h"
#include "nmt/graph/ops/common.h"

namespace nmt::graph {

Var embedding(const Var& table, std::span<const std::int32_t> ids, const Shape& ids_shape) {
  if (table.shape().size() != 2)
    detail::throw_shape_error("embedding", "table must be [V, D], got " + to_string(table.shape()));
  if (element_count(ids_shape) != static_cast<std::int64_t>(ids.size()))
    detail::throw_shape_error("embedding", std::to_string(ids.size()) + " ids for shape " +
                                               to_string(ids_shape));
  const std::int64_t vocab = table.shape()[0], width = table.shape()[1];
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (ids[i] < 0 || ids[i] >= vocab)
      detail::throw_shape_error("embedding", "id " + std::to_string(ids[i]) + " at position " +
                                                 std::to_string(i) + " outside the vocabulary of " +
                                                 std::to_string(vocab));
  Shape out_shape = ids_shape;
  out_shape.push_back(width);
  Tensor y = Tensor::empty(out_shape);
  const float* rows = table.value().data();
  float* out = y.data();
  const auto n = static_cast<std::int64_t>(ids.size());
#pragma omp parallel for if (n * width > 65536)
  for (std::int64_t i = 0; i < n; ++i)
    std::memcpy(out + i * width, rows + ids[i] * width, width * sizeof(float));

  std::vector<std::int32_t> saved(ids.begin(), ids.end());
  return Var::make_result("embedding", y, {table}, [table, saved = std::move(saved), width](const Tensor& dy) {
    auto slot = table.grad_slot();
    if (!slot.accumulate) slot.tensor.fill(0.0f);
    float* grad = slot.tensor.data();
    const float* g = dy.data();
    // Sequential over tokens: a repeated id adds into the same row.
    for (std::size_t i = 0; i < saved.size(); ++i) {
      float* row = grad + saved[i] * width;
      const float* src = g + static_cast<std::int64_t>(i) * width;
#pragma omp simd
      for (std::int64_t j = 0; j < width; ++j) row[j] += src[j];
    }
  });
}

}  // namespace nmt::graph
