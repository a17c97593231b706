// Greedy decoding, written as plainly as possible: at every step each row's most probable
// token, until EOS or a length limit. The specs' reference: beam search with a beam of one must
// find the same, and the memorisation specs check what a model learnt with it.
#pragma once

#include <cstdint>
#include <vector>

#include "nmt/data/batch.h"
#include "nmt/data/special_ids.h"
#include "nmt/models/model.h"

namespace nmt::decode::testing {

// One token sequence per row of `sources` (EOS not included), in row order.
inline std::vector<std::vector<std::int32_t>> greedy_decode(const models::Seq2SeqModel& model,
                                                            const data::Batch& sources, std::int64_t max_length) {
  const auto encoded = model.encode(sources);
  auto state = model.start(*encoded);
  const std::size_t rows = sources.rows;
  std::vector<std::vector<std::int32_t>> out(rows);
  std::vector<std::int32_t> previous(rows, data::kBosId);
  std::vector<bool> finished(rows, false);
  std::size_t open = rows;
  for (std::int64_t t = 0; t < max_length && open > 0; ++t) {
    const models::StepResult r = model.step(*encoded, *state, previous);
    const std::int64_t vocab = r.log_probs.dim(1);
    for (std::size_t b = 0; b < rows; ++b) {
      const float* row = r.log_probs.data() + b * vocab;
      std::int32_t best = 0;
      for (std::int64_t v = 1; v < vocab; ++v)
        if (row[v] > row[best]) best = static_cast<std::int32_t>(v);
      previous[b] = best;
      if (finished[b]) continue;
      if (best == data::kEosId) {
        finished[b] = true;
        --open;
      } else {
        out[b].push_back(best);
      }
    }
  }
  return out;
}

}  // namespace nmt::decode::testing
