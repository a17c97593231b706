// An affine layer y = x W^T + b with its parameters registered under a name.
#pragma once

#include <string>

#include "nmt/graph/ops.h"
#include "nmt/graph/parameters.h"

namespace nmt::layers {

using graph::Var;

enum class Bias { with, without };

struct Linear {
  Var weight;  // [out, in]
  Var bias;    // [out], or undefined

  // Glorot-uniform weights, zero bias.
  static Linear create(graph::Parameters& params, const std::string& name, std::int64_t in, std::int64_t out,
                       graph::RandomGenerator& generator, Bias bias = Bias::with) {
    Linear l;
    l.weight = params.add(name + ".weight", graph::xavier_uniform({out, in}, in, out, generator));
    if (bias == Bias::with) l.bias = params.add(name + ".bias", graph::Tensor::zeros({out}));
    return l;
  }
  Var operator()(const Var& x) const { return graph::linear(x, weight, bias); }
  std::int64_t in_features() const { return weight.shape()[1]; }
  std::int64_t out_features() const { return weight.shape()[0]; }
};

}  // namespace nmt::layers
