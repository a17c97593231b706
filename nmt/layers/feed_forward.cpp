#include "nmt/layers/feed_forward.h"

namespace nmt::layers {

FeedForward FeedForward::create(graph::Parameters& params, const std::string& name, std::int64_t d_model,
                                std::int64_t hidden, graph::RandomGenerator& generator) {
  return {Linear::create(params, name + ".inner", d_model, hidden, generator),
          Linear::create(params, name + ".outer", hidden, d_model, generator)};
}

Var FeedForward::operator()(const Var& x, float dropout, graph::RandomGenerator* generator) const {
  Var h = graph::linear_relu(x, inner.weight, inner.bias);  // max(0, x W_1 + b_1)
  if (generator && dropout > 0) h = graph::dropout(h, dropout, *generator);
  return outer(h);
}

}  // namespace nmt::layers
