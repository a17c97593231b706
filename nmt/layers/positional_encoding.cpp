#include "nmt/layers/positional_encoding.h"

#include <cmath>

namespace nmt::layers {

graph::Tensor sinusoidal_positions(std::int64_t first, std::int64_t count, std::int64_t dim) {
  if (first < 0 || count < 0 || dim <= 0)
    throw graph::ShapeError("sinusoidal_positions: positions [" + std::to_string(first) + ", +" +
                            std::to_string(count) + ") of dimension " + std::to_string(dim));
  graph::Tensor table = graph::Tensor::empty({count, dim});
  float* out = table.data();
  for (std::int64_t i = 0; i < dim; i += 2) {
    // 1 / 10000^(2i/d), with 2i the even index of the pair (section 3.5).
    const double inverse_wavelength = std::pow(10000.0, -static_cast<double>(i) / static_cast<double>(dim));
    for (std::int64_t p = 0; p < count; ++p) {
      const double angle = static_cast<double>(first + p) * inverse_wavelength;
      out[p * dim + i] = static_cast<float>(std::sin(angle));
      if (i + 1 < dim) out[p * dim + i + 1] = static_cast<float>(std::cos(angle));
    }
  }
  return table;
}

graph::Var embed_with_positions(const graph::Var& table, std::span<const std::int32_t> ids,
                                const graph::Shape& ids_shape, std::int64_t first) {
  if (ids_shape.size() != 2)
    throw graph::ShapeError("embed_with_positions: ids must be [rows, width], got " + graph::to_string(ids_shape));
  const std::int64_t dim = table.shape().at(1);
  const graph::Var embedded = graph::embedding(table, ids, ids_shape);  // [rows, width, dim]
  const graph::Var positions = graph::Var::constant(sinusoidal_positions(first, ids_shape[1], dim));
  return graph::add(graph::scale(embedded, std::sqrt(static_cast<float>(dim))), positions);
}

}  // namespace nmt::layers
