// How long idle OpenMP threads spin before they sleep, set by each program itself.
//
// GNU OpenMP's threads spin about 300,000 times waiting for the next parallel region. On an
// idle machine that saves the wake-up; with one other busy process on two cores, a spinning
// thread takes the time slice its partner needs to finish, and 2-thread training became
// 10-100x slower (issue 15). libgomp reads GOMP_SPINCOUNT once, when it is loaded, before
// main() runs; so a program that finds neither GOMP_SPINCOUNT nor OMP_WAIT_POLICY in its
// environment sets GOMP_SPINCOUNT and starts itself again (execv of /proc/self/exe, same
// arguments, same process). A user's own setting of either variable is left as it is.
#pragma once

namespace nmt::graph {

// The spin count programs use; the README's Benchmarks section has the measurements behind
// it (idle speed kept, a busy machine's 34% of it raised to 48%).
inline constexpr const char* kOpenMpSpinCount = "10000";

// Call first in main(). Returns only when the environment is already right (or when the
// program cannot start itself again, in which case it runs with libgomp's default).
void restart_with_openmp_spin_count(char** argv);

}  // namespace nmt::graph
