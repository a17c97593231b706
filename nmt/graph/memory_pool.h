// A caching allocator for tensor storage.
//
// Training repeats the same shapes step after step; handing a freed buffer to the next request
// of the same size class means a steady-state step allocates nothing from the system.
// Buffers are 64-byte aligned (what AVX-512 loads and oneDNN's kernels like best).
#pragma once

#include <cstddef>
#include <memory>

namespace nmt::graph {

struct MemoryPoolStats {
  std::size_t system_allocations = 0;  // buffers obtained from the system so far
  std::size_t reuses = 0;              // requests served from the cache
  std::size_t evictions = 0;           // cached buffers freed to stay within the capacity
  std::size_t bytes_cached = 0;        // bytes held in free lists right now
  std::size_t bytes_in_use = 0;        // bytes handed out and not yet given back
  std::size_t peak_bytes_in_use = 0;   // the most bytes_in_use has been (the working set)
  std::size_t capacity = 0;            // the most bytes the pool holds (in use + cached)
};

// Returns a buffer of at least `bytes` bytes; it goes back to the pool when the last
// shared_ptr to it is released. Thread-safe. With NMT_NO_MEMORY_POOL defined (sanitizer
// builds) every buffer is a plain heap allocation, so AddressSanitizer sees every misuse.
std::shared_ptr<void> allocate_buffer(std::size_t bytes);

MemoryPoolStats memory_pool_stats();

// The pool holds at most this many bytes, in use and cached together: when a new buffer would
// pass it, the cached buffers given back longest ago are freed first (a run whose shapes vary
// would otherwise keep a buffer of every size it ever used). Buffers in use are never taken
// back: a step that needs more than the capacity gets it, and the surplus is freed when it is
// given back. NMT_MEMORY_POOL_CAPACITY_MB from the environment sets it (0: cache nothing), else
// kDefaultMemoryPoolCapacity: 896 MiB, above the working set of the default recipe's training
// step (about 740 MiB), so that a step reuses the buffers of the last one. bench/cold_start.sh
// (5 minutes, AMD EPYC Zen 5): 896 MiB trained at 3,340 tok/s and 1,247-1,331 MiB resident,
// 1 GiB beside it at 3,208 tok/s and 1,360-1,459 MiB (issue 15).
inline constexpr std::size_t kDefaultMemoryPoolCapacity = std::size_t{896} << 20;
// Training with bf16 products (precision.h) holds the rounded operands too: its step's working
// set is about 870 MiB, and 896 MiB made the pool free and reallocate 65 buffers per step.
// bench-train-transformer --precision bf16 (150 steps, AMD EPYC Zen 5): 896 MiB 5,076 tok/s and
// 1,238 MiB resident, 1,056 MiB 5,927 and 1,392, 1,152 MiB 6,088 and 1,493 (issue 17).
inline constexpr std::size_t kBf16TrainingMemoryPoolCapacity = std::size_t{1056} << 20;
// A program that only decodes (nmt-translate) needs less: beam 5 over the en-fr test split
// peaked at 710 MiB resident with 1 GiB, 398 MiB with 256 MiB, as fast within 5% (issue 15).
inline constexpr std::size_t kDecodingMemoryPoolCapacity = std::size_t{256} << 20;
std::size_t configured_memory_pool_capacity();
// Sets the capacity to `bytes` unless NMT_MEMORY_POOL_CAPACITY_MB chose one.
void set_default_memory_pool_capacity(std::size_t bytes);
void set_memory_pool_capacity(std::size_t bytes);

// While it lives, the pool holds at most `bytes` (unless NMT_MEMORY_POOL_CAPACITY_MB chose the
// capacity, or it is already lower); the capacity before comes back with it. nmt-train decodes
// (validation BLEU, the test split) under kDecodingMemoryPoolCapacity.
class ScopedMemoryPoolCapacity {
 public:
  explicit ScopedMemoryPoolCapacity(std::size_t bytes);
  ~ScopedMemoryPoolCapacity();
  ScopedMemoryPoolCapacity(const ScopedMemoryPoolCapacity&) = delete;
  ScopedMemoryPoolCapacity& operator=(const ScopedMemoryPoolCapacity&) = delete;

 private:
  std::size_t previous_;
};

// Frees every cached buffer, and the heap's free pages (e.g. between phases whose shapes
// differ: the trainer calls it around each validation).
void release_cached_buffers();

}  // namespace nmt::graph
