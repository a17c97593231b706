#include "nmt/graph/primitive_cache.h"

namespace nmt::graph {

PrimitiveCache& primitive_cache() {
  thread_local PrimitiveCache cache;
  return cache;
}

}  // namespace nmt::graph
