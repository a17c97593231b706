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
  dnnl::stream stream{engine};
  Runtime() { flush_denormals_on_every_thread(); }
};

Runtime& runtime() {
  static Runtime instance;
  return instance;
}

}  // namespace

dnnl::engine& cpu_engine() { return runtime().engine; }
dnnl::stream& cpu_stream() { return runtime().stream; }

void set_compute_threads(int threads) {
  runtime();
  if (threads > 0) omp_set_num_threads(threads);
  flush_denormals_on_every_thread();
}

int compute_threads() { return omp_get_max_threads(); }

}  // namespace nmt::graph
