// Attention over the encoder states: the mechanisms compared by Bahdanau et al. (2015) and
// Luong et al. (2015), behind one interface; registry.h lists them and builds them by name.
//
// prepare() runs once per batch (the key projections of every source position); attend() runs
// once per decoder step with a query (the decoder state the mechanism scores against) and
// returns the context vector and the attention weights. Source padding never gets weight.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nmt/graph/ops.h"
#include "nmt/graph/parameters.h"

namespace nmt::layers {

using graph::Var;

enum class ScoreFunction { dot, general, concat };

std::string_view score_function_name(ScoreFunction score);
// Throws std::invalid_argument naming the valid choices.
ScoreFunction parse_score_function(std::string_view name);

struct AttentionOptions {
  std::string mechanism = "luong-general";             // a name in the registry (registry.h)
  ScoreFunction local_score = ScoreFunction::general;  // score of local-m / local-p
  std::int64_t window = 10;                            // D: local windows are [p_t - D, p_t + D]
  std::int64_t hidden_size = 256;                      // of the additive (concat / bahdanau) score
  std::int64_t max_source_length = 256;                // luong-location scores this many positions
};

// The encoder side of one batch, computed once.
struct AttentionMemory {
  Var values;                         // [B, S, K] encoder states
  Var keys;                           // [B, S, *] their projection for the score (values for dot)
  graph::Tensor mask;                 // [B, 1, S]: 1 on source tokens, 0 on padding
  std::vector<std::int32_t> lengths;  // source tokens per row (EOS included)

  std::int64_t rows() const { return values.shape()[0]; }
  std::int64_t source_length() const { return values.shape()[1]; }
  // The memory of the given rows (beam search: each hypothesis needs its sentence's memory).
  AttentionMemory select_rows(std::span<const std::int32_t> rows) const;
};

struct AttentionResult {
  Var context;  // [B, K]
  Var weights;  // [B, S]: non-negative, summing to 1 over the source (over the window)
};

class Attention {
 public:
  virtual ~Attention() = default;
  virtual AttentionMemory prepare(const Var& values, graph::Tensor mask, std::vector<std::int32_t> lengths) const = 0;
  // query: [B, Q]; step: the 0-based target position (local-m's p_t).
  virtual AttentionResult attend(const AttentionMemory& memory, const Var& query, std::int64_t step) const = 0;
};

}  // namespace nmt::layers
