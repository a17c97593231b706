// Weights packed into a kernel's layout, cached per variable (derived_cache.h).
#include "nmt/graph/ops.h"
#include "nmt/graph/ops/derived_cache.h"

namespace nmt::graph {
namespace {

detail::DerivedCache<detail::OpaqueMemory>& packed_weights() {
  static detail::DerivedCache<detail::OpaqueMemory> cache;
  return cache;
}

}  // namespace

namespace detail {

OpaqueMemory weights_in_layout(const Var& weights, const dnnl::memory::desc& plain_md, const dnnl::memory::desc& md) {
  const Tensor& plain = weights.value();
  if (md == plain_md) return {nullptr, plain.memory(plain_md)};
  return packed_weights().get(weights, md, [&] {
    OpaqueMemory copy = opaque(md);
    reorder(plain.memory(plain_md), copy.mem);
    return copy;
  });
}

}  // namespace detail

void release_packed_weights() { packed_weights().clear(); }

std::size_t packed_weight_copies() { return packed_weights().size(); }

}  // namespace nmt::graph
