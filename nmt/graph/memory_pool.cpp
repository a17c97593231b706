#include "nmt/graph/memory_pool.h"

#include <bit>
#include <deque>
#include <stdexcept>
#include <string>
#include <cstdint>
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

// Free buffers per size class, oldest first, each stamped with the order it was given back
// in: take() reuses a class's most recent buffer, eviction frees the oldest buffer of all (the
// class front with the smallest stamp). Releasing a buffer allocates nothing in steady state
// (a deque grows in blocks); eviction scans the classes, and happens only past the capacity.
class MemoryPool {
 public:
  MemoryPool() { stats_.capacity = configured_memory_pool_capacity(); }

  void* take(std::size_t cls) {
    {
      std::lock_guard lock(mutex_);
      stats_.bytes_in_use += cls;
      auto it = free_.find(cls);
      if (it != free_.end() && !it->second.empty()) {
        void* p = it->second.back().buffer;
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
    std::vector<void*> evicted;
    {
      std::lock_guard lock(mutex_);
      stats_.bytes_in_use -= cls;
      free_[cls].push_back({p, next_stamp_++});
      stats_.bytes_cached += cls;
      if (stats_.bytes_cached > stats_.capacity) evict_beyond(stats_.capacity, evicted);
    }
    for (void* q : evicted) std::free(q);  // outside the lock
  }

  MemoryPoolStats stats() {
    std::lock_guard lock(mutex_);
    return stats_;
  }

  void set_capacity(std::size_t bytes) {
    std::vector<void*> evicted;
    {
      std::lock_guard lock(mutex_);
      stats_.capacity = bytes;
      evict_beyond(bytes, evicted);
    }
    for (void* q : evicted) std::free(q);
  }

  void release() {
    std::lock_guard lock(mutex_);
    for (auto& [cls, list] : free_)
      for (const FreeBuffer& f : list) std::free(f.buffer);
    free_.clear();
    stats_.bytes_cached = 0;
  }

 private:
  struct FreeBuffer {
    void* buffer;
    std::uint64_t stamp;  // when it was given back
  };

  // Called with the mutex held; the buffers to free are returned, not freed here.
  void evict_beyond(std::size_t capacity, std::vector<void*>& evicted) {
    while (stats_.bytes_cached > capacity) {
      std::deque<FreeBuffer>* oldest = nullptr;
      std::size_t oldest_class = 0;
      for (auto& [cls, list] : free_)
        if (!list.empty() && (!oldest || list.front().stamp < oldest->front().stamp)) {
          oldest = &list;
          oldest_class = cls;
        }
      evicted.push_back(oldest->front().buffer);
      oldest->pop_front();
      stats_.bytes_cached -= oldest_class;
      stats_.evictions++;
    }
  }

  std::mutex mutex_;
  std::unordered_map<std::size_t, std::deque<FreeBuffer>> free_;
  std::uint64_t next_stamp_ = 0;
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

std::size_t configured_memory_pool_capacity() {
  const char* text = std::getenv("NMT_MEMORY_POOL_CAPACITY_MB");
  if (text == nullptr || *text == '\0') return kDefaultMemoryPoolCapacity;
  char* end = nullptr;
  const unsigned long long megabytes = std::strtoull(text, &end, 10);
  if (*end != '\0' || text[0] == '-' || megabytes > (1ull << 24))
    throw std::invalid_argument("NMT_MEMORY_POOL_CAPACITY_MB=" + std::string(text) +
                                ": expected a number of MiB from 0 to 16777216");
  return static_cast<std::size_t>(megabytes) << 20;
}

void set_memory_pool_capacity(std::size_t bytes) { pool().set_capacity(bytes); }

void release_cached_buffers() { pool().release(); }

}  // namespace nmt::graph
