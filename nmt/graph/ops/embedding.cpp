// Embedding lookup and row gathers: copies of table rows, and their gradient, a scatter-add.
// oneDNN 2.6 has no gather primitive; these are row copies and row additions.
#include <cstring>

#include "nmt/graph/ops.h"
#include "nmt/graph/ops/common.h"

namespace nmt::graph {

namespace {

// out[i] = table[ids[i]] for rows of `width` floats.
Tensor gather(const Tensor& table, std::span<const std::int32_t> ids, std::int64_t width, Shape out_shape) {
  Tensor y = Tensor::empty(std::move(out_shape));
  const float* rows = table.data();
  float* out = y.data();
  const auto n = static_cast<std::int64_t>(ids.size());
#pragma omp parallel for if (n * width > 65536)
  for (std::int64_t i = 0; i < n; ++i)
    std::memcpy(out + i * width, rows + static_cast<std::int64_t>(ids[i]) * width, width * sizeof(float));
  return y;
}

// grad[ids[i]] += dy[i]; sequential over i, since ids may repeat.
void scatter_add(const Var& target, const std::vector<std::int32_t>& ids, std::int64_t width, const Tensor& dy) {
  auto slot = target.grad_slot();
  if (!slot.accumulate) slot.tensor.fill(0.0f);
  float* grad = slot.tensor.data();
  const float* g = dy.data();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    float* row = grad + static_cast<std::int64_t>(ids[i]) * width;
    const float* src = g + static_cast<std::int64_t>(i) * width;
#pragma omp simd
    for (std::int64_t j = 0; j < width; ++j) row[j] += src[j];
  }
}

void check_ids(const char* op, std::span<const std::int32_t> ids, std::int64_t limit, const char* what) {
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (ids[i] < 0 || ids[i] >= limit)
      detail::throw_shape_error(op, "id " + std::to_string(ids[i]) + " at position " + std::to_string(i) +
                                        " outside the " + what + " of " + std::to_string(limit));
}

}  // namespace

Var embedding(const Var& table, std::span<const std::int32_t> ids, const Shape& ids_shape) {
  if (table.shape().size() != 2)
    detail::throw_shape_error("embedding", "table must be [V, D], got " + to_string(table.shape()));
  if (element_count(ids_shape) != static_cast<std::int64_t>(ids.size()))
    detail::throw_shape_error("embedding", std::to_string(ids.size()) + " ids for shape " + to_string(ids_shape));
  check_ids("embedding", ids, table.shape()[0], "vocabulary");
  const std::int64_t width = table.shape()[1];
  Shape out_shape = ids_shape;
  out_shape.push_back(width);
  std::vector<std::int32_t> saved(ids.begin(), ids.end());
  return Var::make_result(
      "embedding", gather(table.value(), ids, width, out_shape), {table},
      [table, saved = std::move(saved), width](const Tensor& dy) { scatter_add(table, saved, width, dy); });
}

Var gather_rows(const Var& x, std::span<const std::int32_t> rows) {
  if (x.shape().empty()) detail::throw_shape_error("gather_rows", "needs at least one axis");
  check_ids("gather_rows", rows, x.shape()[0], "rows");
  const std::int64_t width = x.shape()[0] == 0 ? 0 : x.value().numel() / x.shape()[0];
  Shape out_shape = x.shape();
  out_shape[0] = static_cast<std::int64_t>(rows.size());
  std::vector<std::int32_t> saved(rows.begin(), rows.end());
  return Var::make_result("gather_rows", gather(x.value(), rows, width, out_shape), {x},
                          [x, saved = std::move(saved), width](const Tensor& dy) { scatter_add(x, saved, width, dy); });
}

}  // namespace nmt::graph
