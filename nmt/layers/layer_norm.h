// Layer normalization (Ba, Kiros, Hinton 2016) over the last axis, with its gain and bias
// registered under a name: gain 1, bias 0 at the start.
#pragma once
#include <string>

#include "nmt/graph/ops.h"
#include "nmt/graph/parameters.h"
#include "nmt/graph/profiler.h"

namespace nmt::layers {

struct LayerNorm {
  graph::Var gain;  // [dim]
  graph::Var bias;  // [dim]
  float epsilon = 1e-5f;

  static LayerNorm create(graph::Parameters& params, const std::string& name, std::int64_t dim, float epsilon = 1e-5f) {
    LayerNorm n;
    n.gain = params.add(name + ".gain", graph::Tensor::filled({dim}, 1.0f));
    n.bias = params.add(name + ".bias", graph::Tensor::zeros({dim}));
    n.epsilon = epsilon;
    return n;
  }
  graph::Var operator()(const graph::Var& x) const {
    const graph::ProfileSection section("layer norm");
    return graph::layer_norm(x, gain, bias, epsilon);
  }
};

}  // namespace nmt::layers
