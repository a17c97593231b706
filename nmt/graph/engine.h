// The one oneDNN CPU engine every op runs on (a stream per thread), and the compute threads' set-up.
#pragma once

#include <oneapi/dnnl/dnnl.hpp>

namespace nmt::graph {

dnnl::engine& cpu_engine();
dnnl::stream& cpu_stream();

// Sets the number of compute threads (OpenMP, which oneDNN uses too) and switches on
// flush-to-zero and denormals-are-zero on each of them: tiny values that become denormals
// slow f32 arithmetic by an order of magnitude, and their contribution is below rounding.
// Called once with the default thread count when the engine is created.
void set_compute_threads(int threads);
// The most compute threads a program accepts (as training.threads): OpenMP crashes or hangs
// far above it (issue 14: --threads 100000 ended in SIGSEGV inside libgomp).
inline constexpr int kMaxComputeThreads = 1024;
int compute_threads();

}  // namespace nmt::graph
