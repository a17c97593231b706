// The primitive cache is bounded: past its capacity the least recently used primitive goes,
// and asking for it again creates it again. Its counts are what the benchmarks print.
#include "nmt/graph/primitive_cache.h"

#include <gtest/gtest.h>
#include <omp.h>

#include <cstdlib>

#include "nmt/graph/engine.h"

namespace nmt::graph {
namespace {

// A cheap primitive (ReLU) over a vector of `length` floats, through `cache`.
const CachedPrimitive<dnnl::eltwise_forward>& relu_of_length(PrimitiveCache& cache, std::int64_t length) {
  PrimitiveKey key("relu");
  key.add(Shape{length});
  return cache.get<dnnl::eltwise_forward>(key, [&] {
    const dnnl::memory::desc md({length}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::a);
    return dnnl::eltwise_forward::primitive_desc(
        dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::eltwise_relu, md, 0.f, 0.f),
        cpu_engine());
  });
}

TEST(PrimitiveCache, DropsTheLeastRecentlyUsedPastItsCapacity) {
  PrimitiveCache cache(16);
  for (std::int64_t n = 1; n <= 16; ++n) relu_of_length(cache, n);
  EXPECT_EQ(cache.stats().size, 16u);
  EXPECT_EQ(cache.stats().evictions, 0u);
  relu_of_length(cache, 1);   // 1 is now the most recently used, 2 the least
  relu_of_length(cache, 17);  // evicts 2
  PrimitiveCacheStats s = cache.stats();
  EXPECT_EQ(s.size, 16u);
  EXPECT_EQ(s.capacity, 16u);
  EXPECT_EQ(s.evictions, 1u);
  EXPECT_EQ(s.hits, 1u);
  EXPECT_EQ(s.misses, 17u);
  relu_of_length(cache, 1);  // kept
  EXPECT_EQ(cache.stats().hits, 2u);
  relu_of_length(cache, 2);  // created again
  EXPECT_EQ(cache.stats().misses, 18u);
  EXPECT_EQ(cache.stats().evictions, 2u);
  // A smaller capacity drops the oldest at once.
  cache.set_capacity(20);
  EXPECT_EQ(cache.stats().size, 16u);
  EXPECT_THROW(cache.set_capacity(3), std::invalid_argument);
}

TEST(PrimitiveCache, CapacityFromTheEnvironmentIsChecked) {
  ::setenv("NMT_PRIMITIVE_CACHE_CAPACITY", "64", 1);
  EXPECT_EQ(PrimitiveCache::configured_capacity(), 64u);
  for (const char* bad : {"8", "lots", "-5", "64k"}) {
    ::setenv("NMT_PRIMITIVE_CACHE_CAPACITY", bad, 1);
    try {
      (void)PrimitiveCache::configured_capacity();
      FAIL() << bad;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("NMT_PRIMITIVE_CACHE_CAPACITY=" + std::string(bad)), std::string::npos);
    }
  }
  ::unsetenv("NMT_PRIMITIVE_CACHE_CAPACITY");
  EXPECT_EQ(PrimitiveCache::configured_capacity(), PrimitiveCache::kDefaultCapacity);
}

// oneDNN splits a primitive's work between the threads it was made for and must run it with as
// many: a primitive made for two threads is not handed out to a thread that runs one.
TEST(PrimitiveCache, APrimitiveServesOnlyItsOwnThreadCount) {
  PrimitiveCache cache(16);
  set_compute_threads(2);
  relu_of_length(cache, 5);
  relu_of_length(cache, 5);
  EXPECT_EQ(cache.stats().misses, 1u);
  omp_set_num_threads(1);
  relu_of_length(cache, 5);
  EXPECT_EQ(cache.stats().misses, 2u);
  relu_of_length(cache, 5);
  EXPECT_EQ(cache.stats().misses, 2u);
  set_compute_threads(2);
  relu_of_length(cache, 5);
  EXPECT_EQ(cache.stats().misses, 2u);
}

// Each compute thread has a cache of its own (decoding runs batches on each): the sums over all
// of them count every thread's primitives, and clearing clears them all.
TEST(PrimitiveCache, EveryThreadsCacheIsCountedAndCleared) {
  set_compute_threads(2);
  clear_primitive_caches();
  EXPECT_EQ(all_primitive_cache_stats().size, 0u);
#pragma omp parallel num_threads(2)
  {
    omp_set_num_threads(1);
    relu_of_length(primitive_cache(), 7 + omp_get_thread_num());
  }
  EXPECT_EQ(all_primitive_cache_stats().size, 2u);
  EXPECT_EQ(primitive_cache().size(), 1u);  // the calling thread's own
  clear_primitive_caches();
  EXPECT_EQ(all_primitive_cache_stats().size, 0u);
}

}  // namespace
}  // namespace nmt::graph
