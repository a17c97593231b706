// What the RNN and the Transformer build and check the same way (internal to nmt/models).
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "nmt/graph/ops.h"
#include "nmt/graph/parameters.h"
#include "nmt/graph/profiler.h"
#include "nmt/layers/linear.h"

namespace nmt::models::parts {

// A config check: throws std::invalid_argument with `message` (which names the recipe key).
inline void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}

// Batch-major ids [rows x width] -> time-major [width x rows], as the LSTM wants them.
inline std::vector<std::int32_t> time_major(const std::vector<std::int32_t>& ids, std::size_t rows, std::size_t width) {
  std::vector<std::int32_t> out(ids.size());
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t t = 0; t < width; ++t) out[t * rows + r] = ids[r * width + t];
  return out;
}

// The value of `compute()` timed as the profile section `name` (graph/profiler.h).
template <class Compute>
graph::Tensor profiled(const char* name, Compute&& compute) {
  const graph::ProfileSection section(name);
  return compute().value();
}

// A decoding step's last two parts, each its own profile section: the output projection of
// `outputs` [rows, hidden] to the vocabulary, and the log-softmax over it.
inline graph::Tensor profiled_log_softmax(const layers::Linear& output, const graph::Var& outputs) {
  const graph::Var logits = [&] {
    const graph::ProfileSection section("output projection");
    return output(outputs);
  }();
  return profiled("log-softmax", [&] { return graph::log_softmax(logits); });
}

// Dropout with probability p while training (a generator given), the identity otherwise.
inline graph::Var maybe_dropout(const graph::Var& x, float p, graph::RandomGenerator* generator) {
  return generator && p > 0 ? graph::dropout(x, p, *generator) : x;
}

// The output projection to the target vocabulary: sharing the target embedding table as its
// weight (Press & Wolf 2017) with a bias of its own, or a layer of its own.
inline layers::Linear output_layer(graph::Parameters& params, bool tied, const graph::Var& target_embedding,
                                   std::int64_t hidden, std::int64_t vocabulary, graph::RandomGenerator& generator) {
  if (!tied) return layers::Linear::create(params, "output", hidden, vocabulary, generator);
  layers::Linear output;
  output.weight = target_embedding;
  output.bias = params.add("output.bias", graph::Tensor::zeros({vocabulary}));
  return output;
}

// step() takes one previous token per row of the decoder state.
inline void check_step_rows(std::span<const std::int32_t> previous, std::int64_t rows) {
  if (static_cast<std::int64_t>(previous.size()) != rows)
    throw graph::ShapeError("step: " + std::to_string(previous.size()) + " previous tokens for " +
                            std::to_string(rows) + " rows");
}

}  // namespace nmt::models::parts
