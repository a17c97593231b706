// The memory pool's free lists are bounded: past the capacity, the buffers given back longest
// ago are freed; within it, a freed buffer serves the next request of its size class.
#include <cstdlib>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "nmt/graph/memory_pool.h"

namespace nmt::graph {
namespace {

#ifndef NMT_NO_MEMORY_POOL
TEST(MemoryPool, FreeListsStayWithinTheCapacityDroppingTheOldestFirst) {
  release_cached_buffers();
  set_memory_pool_capacity(std::size_t{1} << 20);  // 1 MiB
  const std::size_t kib = 1024;
  {
    std::vector<std::shared_ptr<void>> held;
    for (std::size_t size : {300 * kib, 310 * kib, 400 * kib, 500 * kib}) held.push_back(allocate_buffer(size));
    const auto before = memory_pool_stats();
    EXPECT_GE(before.bytes_in_use, 1510 * kib);
    held.clear();  // given back in order: 300, 310, 400, 500 KiB (size classes a bit larger)
  }
  const MemoryPoolStats after = memory_pool_stats();
  EXPECT_LE(after.bytes_cached, std::size_t{1} << 20);
  EXPECT_GE(after.evictions, 2u);
  EXPECT_EQ(after.bytes_in_use, 0u);
  EXPECT_EQ(after.capacity, std::size_t{1} << 20);
  // The newest (500 KiB) is still cached: asking for it again reuses it.
  const auto reuses = after.reuses;
  { auto again = allocate_buffer(500 * kib); }
  EXPECT_EQ(memory_pool_stats().reuses, reuses + 1);
  // The oldest (300 KiB) was freed: it comes from the system again.
  const auto allocations = memory_pool_stats().system_allocations;
  { auto again = allocate_buffer(300 * kib); }
  EXPECT_EQ(memory_pool_stats().system_allocations, allocations + 1);
  // Capacity 0 caches nothing.
  set_memory_pool_capacity(0);
  EXPECT_EQ(memory_pool_stats().bytes_cached, 0u);
  set_memory_pool_capacity(kDefaultMemoryPoolCapacity);
}
#endif

TEST(MemoryPool, CapacityFromTheEnvironmentIsChecked) {
  ::setenv("NMT_MEMORY_POOL_CAPACITY_MB", "256", 1);
  EXPECT_EQ(configured_memory_pool_capacity(), std::size_t{256} << 20);
  ::setenv("NMT_MEMORY_POOL_CAPACITY_MB", "0", 1);
  EXPECT_EQ(configured_memory_pool_capacity(), 0u);
  for (const char* bad : {"lots", "-1", "1.5", "99999999999"}) {
    ::setenv("NMT_MEMORY_POOL_CAPACITY_MB", bad, 1);
    EXPECT_THROW((void)configured_memory_pool_capacity(), std::invalid_argument) << bad;
  }
  ::unsetenv("NMT_MEMORY_POOL_CAPACITY_MB");
  EXPECT_EQ(configured_memory_pool_capacity(), kDefaultMemoryPoolCapacity);
}

}  // namespace
}  // namespace nmt::graph
