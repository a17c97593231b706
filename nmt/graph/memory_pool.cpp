#include "nmt/graph/memory_pool.h"

#include <malloc.h>
#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "nmt/graph/profiler.h"

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

// Buffers from this size up are mapped pages of their own, given back to the system (munmap)
// the moment the pool frees them. From the heap instead, glibc keeps freed blocks below its
// mmap threshold (which rises up to 32 MiB as large blocks are freed) and a run whose batch
// shapes vary fragments it: resident memory grew past 4 GiB with a 1 GiB pool (issue 15).
constexpr std::size_t kMappedFrom = std::size_t{256} << 10;

// Buffers from this size up start on a 2 MiB boundary and ask for transparent huge pages
// (madvise, which Debian's default THP mode honours): the first touch of a fresh mapping then
// faults 2 MiB at a time instead of 4 KiB. A pool at its capacity frees and maps some buffers
// every step (batch shapes vary), and on 4 KiB pages that cost 0.26 ms per MiB mapped and
// touched (Intel Xeon avx512_core_vnni VM, 2 threads: 16.6 ms for 64 MiB, 2.1 ms for 8 MiB),
// with huge pages 5.0 and 0.31 ms. bench-train-transformer --steps 40 took 523,000 page faults
// instead of 1,414,000 at the same peak resident memory (issue 15).
constexpr std::size_t kHugePage = std::size_t{2} << 20;

void* map_pages(std::size_t bytes) {
  if (bytes < kHugePage) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    return p;  // page-aligned, so 64-byte aligned
  }
  // Map a huge page more than asked, keep the 2 MiB-aligned part: unmapping the two unused ends
  // touches no page. The tail past the last whole huge page stays on 4 KiB pages.
  void* mapped = mmap(nullptr, bytes + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<std::uintptr_t>(mapped);
  const std::uintptr_t aligned = (start + kHugePage - 1) & ~(kHugePage - 1);
  if (aligned > start) munmap(mapped, aligned - start);
  const std::uintptr_t end = start + bytes + kHugePage, used_end = aligned + bytes;
  if (end > used_end) munmap(reinterpret_cast<void*>(used_end), end - used_end);
  void* p = reinterpret_cast<void*>(aligned);
  madvise(p, bytes, MADV_HUGEPAGE);  // a kernel without THP says EINVAL: 4 KiB pages, as before
  return p;
}

void* system_allocate(std::size_t bytes) {
  const ProfileSection section("memory allocation");
  if (bytes >= kMappedFrom) return map_pages(bytes);
  void* p = std::aligned_alloc(kAlignment, bytes);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

void system_free(void* p, std::size_t bytes) {
  if (bytes >= kMappedFrom)
    munmap(p, bytes);
  else
    std::free(p);
}

// The class after `cls` (classes above 4 KiB step by a quarter of their power of two).
std::size_t next_class(std::size_t cls) { return cls < 4096 ? cls + kAlignment : size_class(cls + 1); }

// Free buffers per size class, oldest first, each stamped with the order it was given back
// in: take() reuses a class's most recent buffer, eviction frees the oldest buffer of all (the
// class front with the smallest stamp). Releasing a buffer allocates nothing in steady state
// (a deque grows in blocks); eviction scans the classes, and happens only past the capacity.
class MemoryPool {
 public:
  MemoryPool() { stats_.capacity = configured_memory_pool_capacity(); }

  // A buffer of class `cls`, or of one of the next kLargerClasses classes when the pool holds
  // one and none of `cls` (batch shapes vary a little from step to step: reusing a slightly
  // larger buffer beats asking the system); `cls` becomes the class actually handed out.
  static constexpr int kLargerClasses = 2;
  void* take(std::size_t& cls) {
    std::vector<FreeBuffer> evicted;
    {
      std::lock_guard lock(mutex_);
      std::size_t candidate = cls;
      for (int k = 0; k <= kLargerClasses; ++k, candidate = next_class(candidate)) {
        auto it = free_.find(candidate);
        if (it == free_.end() || it->second.empty()) continue;
        void* p = it->second.back().buffer;
        it->second.pop_back();
        cls = candidate;
        stats_.reuses++;
        stats_.bytes_cached -= cls;
        count_in_use(cls);
        return p;
      }
      stats_.system_allocations++;
      count_in_use(cls);
      // Room under the capacity first: the oldest cached buffers go before new pages come.
      evict_beyond(stats_.capacity, evicted);
    }
    for (const FreeBuffer& f : evicted) system_free(f.buffer, f.bytes);
    return system_allocate(cls);
  }

  void give_back(void* p, std::size_t cls) {
    std::vector<FreeBuffer> evicted;
    {
      std::lock_guard lock(mutex_);
      stats_.bytes_in_use -= cls;
      free_[cls].push_back({p, next_stamp_++});
      stats_.bytes_cached += cls;
      evict_beyond(stats_.capacity, evicted);
    }
    for (const FreeBuffer& f : evicted) system_free(f.buffer, f.bytes);  // outside the lock
  }

  MemoryPoolStats stats() {
    std::lock_guard lock(mutex_);
    return stats_;
  }

  void set_capacity(std::size_t bytes) {
    std::vector<FreeBuffer> evicted;
    {
      std::lock_guard lock(mutex_);
      stats_.capacity = bytes;
      evict_beyond(bytes, evicted);
    }
    for (const FreeBuffer& f : evicted) system_free(f.buffer, f.bytes);
  }

  void release() {
    std::lock_guard lock(mutex_);
    for (auto& [cls, list] : free_)
      for (const FreeBuffer& f : list) system_free(f.buffer, cls);
    free_.clear();
    stats_.bytes_cached = 0;
  }

 private:
  struct FreeBuffer {
    void* buffer;
    std::uint64_t stamp;    // when it was given back
    std::size_t bytes = 0;  // its class, once evicted
  };

  void count_in_use(std::size_t cls) {
    stats_.bytes_in_use += cls;
    stats_.peak_bytes_in_use = std::max(stats_.peak_bytes_in_use, stats_.bytes_in_use);
  }

  // Frees cached buffers, oldest first, until the pool holds (in use and cached) at most
  // `capacity` bytes or caches nothing. Called with the mutex held; the buffers to free are
  // returned, not freed here.
  void evict_beyond(std::size_t capacity, std::vector<FreeBuffer>& evicted) {
    while (stats_.bytes_cached > 0 && stats_.bytes_in_use + stats_.bytes_cached > capacity) {
      std::deque<FreeBuffer>* oldest = nullptr;
      std::size_t oldest_class = 0;
      for (auto& [cls, list] : free_)
        if (!list.empty() && (!oldest || list.front().stamp < oldest->front().stamp)) {
          oldest = &list;
          oldest_class = cls;
        }
      evicted.push_back({oldest->front().buffer, 0, oldest_class});
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
  // Heap blocks only, so that AddressSanitizer guards every buffer.
  void* p = std::aligned_alloc(kAlignment, cls);
  if (p == nullptr) throw std::bad_alloc();
  return std::shared_ptr<void>(p, [](void* q) { std::free(q); });
#else
  std::size_t taken = cls;
  void* buffer = pool().take(taken);
  return std::shared_ptr<void>(buffer, [taken](void* p) { pool().give_back(p, taken); });
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

void set_default_memory_pool_capacity(std::size_t bytes) {
  const char* text = std::getenv("NMT_MEMORY_POOL_CAPACITY_MB");
  if (text == nullptr || *text == '\0') set_memory_pool_capacity(bytes);
}

ScopedMemoryPoolCapacity::ScopedMemoryPoolCapacity(std::size_t bytes) : previous_(memory_pool_stats().capacity) {
  const char* text = std::getenv("NMT_MEMORY_POOL_CAPACITY_MB");
  if ((text == nullptr || *text == '\0') && bytes < previous_) set_memory_pool_capacity(bytes);
}

ScopedMemoryPoolCapacity::~ScopedMemoryPoolCapacity() { set_memory_pool_capacity(previous_); }

void release_cached_buffers() {
  pool().release();
  // The buffers below kMappedFrom came from the heap: hand its free pages back too.
  malloc_trim(0);
}

}  // namespace nmt::graph
