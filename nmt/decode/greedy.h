// Greedy decoding: at every step the most probable token, until EOS or a length limit.
#pragma once

#include <cstdint>
#include <vector>

#include "nmt/data/batch.h"
#include "nmt/models/model.h"

namespace nmt::decode {

// One token sequence per row of `sources` (EOS not included), in row order.
std::vector<std::vector<std::int32_t>> greedy_decode(const models::Seq2SeqModel& model, const data::Batch& sources,
                                                     std::int64_t max_length);

}  // namespace nmt::decode
