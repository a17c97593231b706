// The position-wise feed-forward network of the Transformer (Vaswani et al. 2017, eq. 2):
//
//   FFN(x) = max(0, x W_1 + b_1) W_2 + b_2
//
// applied to every position alike, with dropout on the ReLU output during training.
#pragma once

#include <string>

#include "nmt/graph/parameters.h"
#include "nmt/layers/linear.h"

namespace nmt::layers {

struct FeedForward {
  Linear inner;  // d_model -> hidden (W_1, b_1)
  Linear outer;  // hidden -> d_model (W_2, b_2)

  static FeedForward create(graph::Parameters& params, const std::string& name, std::int64_t d_model,
                            std::int64_t hidden, graph::RandomGenerator& generator);
  // x: [..., d_model] -> [..., d_model]; dropout p after the ReLU when `generator` is given.
  Var operator()(const Var& x, float dropout, graph::RandomGenerator* generator) const;
};

}  // namespace nmt::layers
