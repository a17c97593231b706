// A cache of oneDNN primitives keyed by operation and shapes, bounded (least recently used
// primitives are dropped past its capacity).
//
// Creating a primitive (and JIT-compiling its kernel) costs far more than running it on the
// small shapes of a decoder step; every op asks this cache instead of creating its own.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <oneapi/dnnl/dnnl.hpp>
#include <string>
#include <unordered_map>

#include "nmt/graph/engine.h"
#include "nmt/graph/profiler.h"
#include "nmt/graph/tensor.h"

namespace nmt::graph {

// Builds the cache key: an operation name followed by any number of shapes and integers, and the
// calling thread's compute thread count: oneDNN splits a primitive's work between the threads it
// was created for, and must run it with as many (decoding runs batches on one thread each inside
// a parallel region, and the same thread outside it with all of them: decode/translator.h).
class PrimitiveKey {
 public:
  explicit PrimitiveKey(std::string op) : key_(std::move(op)) { add(compute_threads()); }
  PrimitiveKey& add(std::int64_t v) {
    key_ += ':';
    key_ += std::to_string(v);
    return *this;
  }
  PrimitiveKey& add(const Shape& s) {
    key_ += '[';
    for (auto d : s) add(d);
    key_ += ']';
    return *this;
  }
  const std::string& str() const { return key_; }

 private:
  std::string key_;
};

template <class Primitive>
struct CachedPrimitive {
  typename Primitive::primitive_desc pd;
  Primitive primitive;
};

struct PrimitiveCacheStats {
  std::size_t hits = 0, misses = 0;  // misses: primitives created (and JIT-compiled)
  double creation_seconds = 0;       // spent creating them (descriptor, kernel compilation)
  std::size_t evictions = 0;         // primitives dropped to stay within the capacity
  std::size_t size = 0, capacity = 0;
};

// A bounded cache: past `capacity` primitives, the least recently used one is dropped (every
// new batch shape creates primitives, and a cache that never forgets grows with the run). A
// reference returned by get() stays valid until `capacity` other primitives have been asked
// for, far more than one op holds at once (capacity is at least kMinimumCapacity).
class PrimitiveCache {
 public:
  static constexpr std::size_t kMinimumCapacity = 16;
  // The capacity of each thread's cache: NMT_PRIMITIVE_CACHE_CAPACITY from the environment
  // (a number of primitives, at least kMinimumCapacity), else kDefaultCapacity. A primitive
  // holds 4-83 KiB by kind (its JIT-compiled kernels; docs/recipes.md has the sizes measured on
  // Zen 5). The default recipe's 157 batch shapes need some 7,800 (about 50 each):
  // 8192 kept them all but trained no faster in 12 minutes (1,089 updates against 1,076) and
  // peaked at 2.5 GB instead of 1.7 GB. A bad value is an error naming the variable.
  static constexpr std::size_t kDefaultCapacity = 2048;
  static std::size_t configured_capacity();

  explicit PrimitiveCache(std::size_t capacity = configured_capacity());

  // Returns the primitive stored under `key`, creating it from `make_pd()` on first use.
  template <class Primitive, class MakePd>
  const CachedPrimitive<Primitive>& get(const PrimitiveKey& key, MakePd&& make_pd) {
    const auto found = index_.find(key.str());
    if (found != index_.end()) {
      lru_.splice(lru_.begin(), lru_, found->second);  // now the most recently used
      ++stats_.hits;
      return *std::static_pointer_cast<CachedPrimitive<Primitive>>(found->second->primitive);
    }
    const ProfileSection section("primitive creation");
    const auto start = std::chrono::steady_clock::now();
    auto pd = make_pd();
    auto entry = std::make_shared<CachedPrimitive<Primitive>>(CachedPrimitive<Primitive>{pd, Primitive(pd)});
    stats_.creation_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    lru_.push_front({key.str(), entry});
    index_.emplace(key.str(), lru_.begin());
    ++stats_.misses;
    evict_beyond_capacity();
    return *entry;
  }

  std::size_t size() const { return lru_.size(); }
  std::size_t hits() const { return stats_.hits; }
  std::size_t misses() const { return stats_.misses; }
  PrimitiveCacheStats stats() const;
  void set_capacity(std::size_t capacity);  // at least kMinimumCapacity (else std::invalid_argument)
  void clear();

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<void> primitive;
  };
  void evict_beyond_capacity();

  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  std::size_t capacity_;
  PrimitiveCacheStats stats_;
};

// The cache of the calling thread (ops run on one thread; oneDNN parallelises inside).
PrimitiveCache& primitive_cache();
// Every compute thread's cache at once (the calling thread's and those of its OpenMP team, which
// decode batches of their own: decode/translator.h): the sum of their statistics, or all cleared.
// Call them outside parallel regions.
PrimitiveCacheStats all_primitive_cache_stats();
void clear_primitive_caches();

}  // namespace nmt::graph
