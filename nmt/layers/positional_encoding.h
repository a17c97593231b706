// Sinusoidal positional encoding (Vaswani et al. 2017, section 3.5):
//
//   PE(pos, 2i)   = sin(pos / 10000^(2i / d_model))
//   PE(pos, 2i+1) = cos(pos / 10000^(2i / d_model))
//
// added to the token embeddings, which are scaled by sqrt(d_model) first (section 3.4).
// Positions count from 0 at the first token (BOS on the decoder side).
#pragma once

#include <cstdint>
#include <span>

#include "nmt/graph/ops.h"

namespace nmt::layers {

// Rows first .. first+count-1 of the encoding table: [count, dim].
graph::Tensor sinusoidal_positions(std::int64_t first, std::int64_t count, std::int64_t dim);

// embedding(table, ids) * sqrt(d_model) + PE: ids batch-major [rows, width] (ids_shape), the
// positions first .. first+width-1 for every row. Returns [rows, width, d_model].
graph::Var embed_with_positions(const graph::Var& table, std::span<const std::int32_t> ids,
                                const graph::Shape& ids_shape, std::int64_t first);

}  // namespace nmt::layers
