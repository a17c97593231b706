#include "nmt/graph/memory_pool.h"

#include <bit>
#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

namespace nmt::graph {
namespace {

constexpr std::size_t kAlignment = 64;

// Size classes: multiples of 64 bytes up to 4 KiB, then sizes whose binary form has at most
// three significant bits (so at most 12.5% of a buffer is slack), so that sequences of
// slightly different lengths still share buffers.
std::size_t size_class(std::size_t bytes) {
  if (bytes <= 4096) return (bytes + kAlignment - 1) / kAlignment * kAlignment;
  const int top = std::bit_width(bytes) - 1;
  const std::size_t step = std::size_t{1} << (top - 2);
  return (bytes + step - 1) / step * step;
}

void* system_allocate(std::size_t bytes) {
  void* p = std::aligned_alloc(kAlignment, bytes);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

class MemoryPool {
 public:
  void* take(std::size_t cls) {
    {
      std::lock_guard lock(mutex_);
      auto it = free_.find(cls);
      if (it != free_.end() && !it->second.empty()) {
        void* p = it->second.back();
        it->second.pop_back();
        stats_.reuses++;
        stats_.bytes_cached -= cls;
        return p;
      }
      stats_.system_allocations++;
    }
    return system_allocate(cls);
  }

  void give_back(void* p, std::size_t cls) {
    std::lock_guard lock(mutex_);
    free_[cls].push_back(p);
    stats_.bytes_cached += cls;
  }

  MemoryPoolStats stats() {
    std::lock_guard lock(mutex_);
    return stats_;
  }

  void release() {
    std::lock_guard lock(mutex_);
    for (auto& [cls, list] : free_)
      for (void* p : list) std::free(p);
    free_.clear();
    stats_.bytes_cached = 0;
  }

 private:
  std::mutex mutex_;
  std::unordered_map<std::size_t, std::vector<void*>> free_;
  MemoryPoolStats stats_;
};

// Never destroyed: buffers held by static objects may be released after main() returns.
MemoryPool& pool() {
  static MemoryPool* instance = new MemoryPool();
  return *instance;
}

}  // namespace

std::shared_ptr<void> allocate_buffer(std::size_t bytes) {
  const std::size_t cls = size_class(bytes == 0 ? 1 : bytes);
#ifdef NMT_NO_MEMORY_POOL
  return std::shared_ptr<void>(system_allocate(cls), [](void* p) { std::free(p); });
#else
  return std::shared_ptr<void>(pool().take(cls), [cls](void* p) { pool().give_back(p, cls); });
#endif
}

MemoryPoolStats memory_pool_stats() { return pool().stats(); }

void release_cached_buffers() { pool().release(); }

}  // namespace nmt::graph
