// What the gradient specs of the Transformer's layers share (multi_head_attention_test.cpp,
// transformer_block_test.cpp), part of it with the whole model's (tests/models/
// transformer_test.cpp): small sizes, a padded source batch, finite-difference options, and
// feed-forward biases that keep ReLU's kink out of the finite differences.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "../graph/gradient_check.h"
#include "nmt/graph/parameters.h"
#include "nmt/layers/multi_head_attention.h"

namespace nmt::layers::testing {

inline constexpr std::int64_t kRows = 2, kLength = 4, kSource = 5, kModel = 8, kHeads = 2;

inline graph::Tensor source_mask() {  // row 0: 5 tokens, row 1: 2 tokens
  std::vector<float> m{1, 1, 1, 1, 1, 1, 1, 0, 0, 0};
  return padding_mask(m, kRows, kSource);
}

inline graph::testing::GradCheckOptions grad_options() {
  graph::testing::GradCheckOptions o;
  o.max_elements_per_input = 24;
  o.step = 3e-3f;
  return o;
}

// ReLU has a kink at 0: a finite-difference step that moves a pre-activation across it measures
// a jump, not the derivative. Biases of +-5 keep every feed-forward unit clearly on or clearly
// off (|x W_1| stays far below 5 at these sizes), so both branches are exercised and the check
// stays valid.
inline void keep_relu_units_away_from_the_kink(graph::Parameters& params) {
  const std::string suffix = "feed_forward.inner.bias";
  for (const auto& [name, var] : params.entries()) {
    if (name.size() < suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    graph::Tensor& bias = const_cast<graph::Var&>(var).mutable_value();
    for (std::int64_t i = 0; i < bias.numel(); ++i) bias.data()[i] = i % 2 ? -5.0f : 5.0f;
  }
}

inline std::vector<graph::Var> with_inputs(const graph::Parameters& params, std::vector<graph::Var> inputs) {
  for (const graph::Var& v : params.vars()) inputs.push_back(v);
  return inputs;
}

}  // namespace nmt::layers::testing
