// A cache of oneDNN primitives keyed by operation and shapes.
//
// Creating a primitive (and JIT-compiling its kernel) costs far more than running it on the
// small shapes of a decoder step; every op asks this cache instead of creating its own.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include <oneapi/dnnl/dnnl.hpp>

#include "nmt/graph/tensor.h"

namespace nmt::graph {

// Builds the cache key: an operation name followed by any number of shapes and integers.
class PrimitiveKey {
 public:
  explicit PrimitiveKey(std::string op) : key_(std::move(op)) {}
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

class PrimitiveCache {
 public:
  // Returns the primitive stored under `key`, creating it from `make_pd()` on first use.
  template <class Primitive, class MakePd>
  const CachedPrimitive<Primitive>& get(const PrimitiveKey& key, MakePd&& make_pd) {
    auto& slot = entries_[key.str()];
    if (!slot) {
      auto pd = make_pd();
      slot = std::make_shared<CachedPrimitive<Primitive>>(CachedPrimitive<Primitive>{pd, Primitive(pd)});
      misses_++;
    } else {
      hits_++;
    }
    return *std::static_pointer_cast<CachedPrimitive<Primitive>>(slot);
  }

  std::size_t size() const { return entries_.size(); }
  std::size_t hits() const { return hits_; }
  std::size_t misses() const { return misses_; }
  void clear() { entries_.clear(); }

 private:
  std::unordered_map<std::string, std::shared_ptr<void>> entries_;
  std::size_t hits_ = 0, misses_ = 0;
};

// The cache of the calling thread (ops run on one thread; oneDNN parallelises inside).
PrimitiveCache& primitive_cache();

}  // namespace nmt::graph
