// The three score functions of Luong et al. (2015, eq. 8), shared by the global and the local
// mechanisms; the additive one is also Bahdanau et al.'s (2015, appendix A.1.2).
//
//   dot      score(h_t, h_s) = h_t . h_s
//   general  score(h_t, h_s) = h_t . (W_a h_s)
//   concat   score(h_t, h_s) = v_a . tanh(W_1 h_t + W_2 h_s)   (= v_a tanh(W_a [h_t; h_s]))
//
// The part that depends only on h_s (W_a h_s, W_2 h_s) is the memory's keys, computed once.
#pragma once

#include <memory>

#include "nmt/layers/attention/attention.h"
#include "nmt/layers/attention/registry.h"
#include "nmt/layers/linear.h"

namespace nmt::layers {

class Score {
 public:
  Score(ScoreFunction function, graph::Parameters& params, const std::string& name, std::int64_t query_size,
        std::int64_t value_size, std::int64_t hidden_size, graph::RandomGenerator& generator);
  // values [B, S, K] -> keys
  Var keys(const Var& values) const;
  // query [B, Q], keys -> scores [B, 1, S]
  Var scores(const Var& query, const Var& keys) const;

 private:
  ScoreFunction function_;
  Linear key_projection_;    // general: W_a; concat: W_2
  Linear query_projection_;  // concat: W_1
  Linear vector_;            // concat: v_a, as a [1, hidden] weight
};

// softmax(scores) under `mask` ([B, 1, S]) and the context sum_s a_s h_s.
AttentionResult attend_with_scores(const AttentionMemory& memory, const Var& scores, const graph::Tensor& mask);

// Forward FLOPs of the scores (keys included) and of the context, for the registry entries.
double score_flops(ScoreFunction function, const AttentionSizes& sizes, double hidden_size);
double context_flops(const AttentionSizes& sizes);

}  // namespace nmt::layers
