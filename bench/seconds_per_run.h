// The benchmarks' timer: one warm-up run (primitive creation, first touch of buffers), then
// runs until `budget` seconds have passed; returns the mean seconds per run.
#pragma once

#include <chrono>

namespace nmt::bench {

inline double seconds_per_run(double budget, const auto& run) {
  using Clock = std::chrono::steady_clock;
  run();
  int iterations = 0;
  const auto start = Clock::now();
  double elapsed = 0;
  do {
    run();
    ++iterations;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < budget);
  return elapsed / iterations;
}

}  // namespace nmt::bench
