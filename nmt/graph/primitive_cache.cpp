#include "nmt/graph/primitive_cache.h"

#include <omp.h>

#include <cstdlib>
#include <stdexcept>

namespace nmt::graph {

std::size_t PrimitiveCache::configured_capacity() {
  const char* text = std::getenv("NMT_PRIMITIVE_CACHE_CAPACITY");
  if (text == nullptr || *text == '\0') return kDefaultCapacity;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text, &end, 10);
  if (*end != '\0' || text[0] == '-' || value < kMinimumCapacity || value > (1ull << 30))
    throw std::invalid_argument("NMT_PRIMITIVE_CACHE_CAPACITY=" + std::string(text) +
                                ": expected a number of primitives from " + std::to_string(kMinimumCapacity) +
                                " to 1073741824");
  return static_cast<std::size_t>(value);
}

PrimitiveCache::PrimitiveCache(std::size_t capacity) : capacity_(0) { set_capacity(capacity); }

void PrimitiveCache::set_capacity(std::size_t capacity) {
  if (capacity < kMinimumCapacity)
    throw std::invalid_argument("a primitive cache holds at least " + std::to_string(kMinimumCapacity) +
                                " primitives, not " + std::to_string(capacity));
  capacity_ = capacity;
  evict_beyond_capacity();
}

void PrimitiveCache::evict_beyond_capacity() {
  while (lru_.size() > capacity_) {
    index_.erase(lru_.back().key);
    lru_.pop_back();
    ++stats_.evictions;
  }
}

PrimitiveCacheStats PrimitiveCache::stats() const {
  PrimitiveCacheStats s = stats_;
  s.size = lru_.size();
  s.capacity = capacity_;
  return s;
}

void PrimitiveCache::clear() {
  index_.clear();
  lru_.clear();
}

PrimitiveCache& primitive_cache() {
  thread_local PrimitiveCache cache;
  return cache;
}

PrimitiveCacheStats all_primitive_cache_stats() {
  PrimitiveCacheStats total;
#pragma omp parallel
  {
    const PrimitiveCacheStats s = primitive_cache().stats();
#pragma omp critical(nmt_primitive_cache_stats)
    {
      total.hits += s.hits;
      total.misses += s.misses;
      total.creation_seconds += s.creation_seconds;
      total.evictions += s.evictions;
      total.size += s.size;
      total.capacity += s.capacity;
    }
  }
  return total;
}

void clear_primitive_caches() {
#pragma omp parallel
  primitive_cache().clear();
}

}  // namespace nmt::graph
