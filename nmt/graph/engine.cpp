#include "nmt/graph/engine.h"

#include <omp.h>
#include <pmmintrin.h>
#include <xmmintrin.h>

namespace nmt::graph {
namespace {

void flush_denormals_on_every_thread() {
#pragma omp parallel
  {
    _MM_SET_FLUSH_ZERO_MODE(_MM_FLUSH_ZERO_ON);
    _MM_SET_DENORMALS_ZERO_MODE(_MM_DENORMALS_ZERO_ON);
  }
  _MM_SET_FLUSH_ZERO_MODE(_MM_FLUSH_ZERO_ON);
  _MM_SET_DENORMALS_ZERO_MODE(_MM_DENORMALS_ZERO_ON);
}

struct Runtime {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  Runtime() { flush_denormals_on_every_thread(); }
};

Runtime& runtime() {
  static Runtime instance;
  return instance;
}

}  // namespace

dnnl::engine& cpu_engine() { return runtime().engine; }
// One per thread: oneDNN streams are not thread-safe, and decoding runs batches on several threads
// at once (decode/translator.h).
dnnl::stream& cpu_stream() {
  thread_local dnnl::stream stream{runtime().engine};
  return stream;
}

void set_compute_threads(int threads) {
  runtime();
  if (threads > 0) omp_set_num_threads(threads);
  flush_denormals_on_every_thread();
}

int compute_threads() { return omp_get_max_threads(); }

}  // namespace nmt::graph
