// The memory pool's free lists are bounded: past the capacity, the buffers given back longest
// ago are freed; within it, a freed buffer serves the next request of its size class.
#include "nmt/graph/memory_pool.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "nmt/graph/resident_memory.h"

namespace nmt::graph {
namespace {

#ifndef NMT_NO_MEMORY_POOL
TEST(MemoryPool, FreeListsStayWithinTheCapacityDroppingTheOldestFirst) {
  release_cached_buffers();
  set_memory_pool_capacity(std::size_t{1} << 20);  // 1 MiB
  const std::size_t kib = 1024;
  // Buffers that earlier tests in this process still hold (e.g. an op's cached weights).
  const std::size_t held_before = memory_pool_stats().bytes_in_use;
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
  EXPECT_EQ(after.bytes_in_use, held_before);
  EXPECT_EQ(after.capacity, std::size_t{1} << 20);
  // The newest (500 KiB) is still cached: asking for it again reuses it.
  const auto reuses = after.reuses;
  { auto again = allocate_buffer(500 * kib); }
  EXPECT_EQ(memory_pool_stats().reuses, reuses + 1);
  // The two oldest (class 320 KiB) were freed: a 300 KiB request takes the cached 448 KiB
  // buffer, two classes up, rather than ask the system.
  auto allocations = memory_pool_stats().system_allocations;
  { auto again = allocate_buffer(300 * kib); }
  EXPECT_EQ(memory_pool_stats().system_allocations, allocations);
  EXPECT_EQ(memory_pool_stats().reuses, reuses + 2);
  // Nothing cached within two classes of 100 KiB (class 112 KiB): from the system.
  { auto again = allocate_buffer(100 * kib); }
  EXPECT_EQ(memory_pool_stats().system_allocations, allocations + 1);
  // The capacity bounds the buffers in use and cached together: a new buffer that would pass
  // it frees cached ones first (640 KiB cached, then 768 KiB asked for).
  release_cached_buffers();
  { auto a = allocate_buffer(600 * kib); }
  EXPECT_EQ(memory_pool_stats().bytes_cached, 640 * kib);
  {
    auto b = allocate_buffer(700 * kib);
    EXPECT_EQ(memory_pool_stats().bytes_cached, 0u);
    EXPECT_EQ(memory_pool_stats().bytes_in_use, held_before + 768 * kib);
  }
  // Capacity 0 caches nothing.
  set_memory_pool_capacity(0);
  EXPECT_EQ(memory_pool_stats().bytes_cached, 0u);
  set_memory_pool_capacity(kDefaultMemoryPoolCapacity);
}

TEST(MemoryPool, FreedBuffersLeaveTheResidentMemory) {
  // Large buffers are pages of their own: once the pool frees them, the process no longer holds
  // them (heap blocks would stay resident, and a run whose shapes vary would grow).
  release_cached_buffers();
  set_memory_pool_capacity(0);
  const std::size_t bytes = std::size_t{256} << 20;
  const double before = resident_mib();
  {
    auto buffer = allocate_buffer(bytes);
    std::memset(buffer.get(), 1, bytes);
    EXPECT_GT(resident_mib(), before + 200);
  }
  EXPECT_LT(resident_mib(), before + 50);
  set_memory_pool_capacity(kDefaultMemoryPoolCapacity);
}
#endif

TEST(MemoryPool, AScopedCapacityLowersItAndGivesTheOldOneBack) {
  set_memory_pool_capacity(std::size_t{8} << 20);
  {
    const ScopedMemoryPoolCapacity lower(std::size_t{2} << 20);
    EXPECT_EQ(memory_pool_stats().capacity, std::size_t{2} << 20);
    const ScopedMemoryPoolCapacity higher(std::size_t{4} << 20);  // never raises it
    EXPECT_EQ(memory_pool_stats().capacity, std::size_t{2} << 20);
  }
  EXPECT_EQ(memory_pool_stats().capacity, std::size_t{8} << 20);
  ::setenv("NMT_MEMORY_POOL_CAPACITY_MB", "8", 1);  // the user's choice stands
  {
    const ScopedMemoryPoolCapacity lower(std::size_t{2} << 20);
    EXPECT_EQ(memory_pool_stats().capacity, std::size_t{8} << 20);
  }
  ::unsetenv("NMT_MEMORY_POOL_CAPACITY_MB");
  set_memory_pool_capacity(kDefaultMemoryPoolCapacity);
}

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
