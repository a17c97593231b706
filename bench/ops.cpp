// bench-ops: throughput of the library's matmul and linear paths beside a direct oneDNN matmul
// on the same shapes (the ceiling), and the time of a bidirectional LSTM layer forward and
// backward. Prints figures and ratios; never fails.
//
//   build/release/bin/bench-ops [--threads N] [--seconds S]
#include "nmt/graph/ops.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "nmt/graph/cpu_info.h"
#include "nmt/graph/engine.h"
#include "nmt/graph/openmp_waiting.h"
#include "nmt/graph/parameters.h"
#include "options.h"
#include "seconds_per_run.h"

using namespace nmt::graph;
using Clock = std::chrono::steady_clock;

namespace {

struct Shape3 {
  std::int64_t m, k, n;
};

}  // namespace

int main(int argc, char** argv) {
  nmt::graph::restart_with_openmp_spin_count(argv);  // before any parallel region; see openmp_waiting.h
  int threads = 2;
  double budget = 1.0;
  const nmt::bench::Options options(argc, argv, "bench-ops [--threads N] [--seconds S]", {"--threads", "--seconds"});
  threads = static_cast<int>(options.number("--threads", threads, 1));
  budget = options.number("--seconds", budget, 0.01);
  set_compute_threads(threads);
  RandomGenerator gen(1);
  std::printf("bench-ops: %s\n", nmt::graph::cpu_line().c_str());
  std::printf("bench-ops: %d threads, %.1f s per measurement, f32\n\n", compute_threads(), budget);
  std::printf("%-18s %12s %12s %12s %8s %8s   %s\n", "shape MxK->N", "oneDNN GF/s", "matmul GF/s", "linear GF/s",
              "mm/ceil", "lin/ceil", "implementation");

  for (const Shape3 s : {Shape3{2000, 256, 1024}, Shape3{64, 512, 1024}, Shape3{1024, 256, 8000}}) {
    const double flops = 2.0 * s.m * s.k * s.n;
    const Tensor x = uniform_tensor({s.m, s.k}, 1.0f, gen);
    const Tensor w = uniform_tensor({s.n, s.k}, 0.1f, gen);  // [out, in], as a Linear stores it
    const Tensor b = uniform_tensor({s.n}, 0.1f, gen);

    // The ceiling: one oneDNN matmul primitive, created once, x [M,K] times w^T [K,N].
    using dnnl::memory;
    const memory::desc a_md({s.m, s.k}, memory::data_type::f32, memory::format_tag::ab);
    const memory::desc b_md({s.k, s.n}, memory::data_type::f32, memory::format_tag::ba);
    const memory::desc c_md({s.m, s.n}, memory::data_type::f32, memory::format_tag::ab);
    const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a_md, b_md, c_md), cpu_engine());
    const dnnl::matmul direct(pd);
    Tensor c = Tensor::empty({s.m, s.n});
    auto a_mem = x.memory(a_md), b_mem = w.memory(b_md), c_mem = c.memory(c_md);
    const double t_direct = nmt::bench::seconds_per_run(budget, [&] {
      direct.execute(cpu_stream(), {{DNNL_ARG_SRC, a_mem}, {DNNL_ARG_WEIGHTS, b_mem}, {DNNL_ARG_DST, c_mem}});
      cpu_stream().wait();
    });

    NoGradGuard no_grad;
    const Var xv = Var::constant(x), wv = Var::constant(w), bv = Var::constant(b);
    const double t_matmul = nmt::bench::seconds_per_run(budget, [&] { matmul(xv, wv, false, true); });
    const double t_linear = nmt::bench::seconds_per_run(budget, [&] { linear(xv, wv, bv); });

    char name[64];
    std::snprintf(name, sizeof name, "%ldx%ld->%ld", long(s.m), long(s.k), long(s.n));
    std::printf("%-18s %12.1f %12.1f %12.1f %8.2f %8.2f   %s\n", name, flops / t_direct / 1e9, flops / t_matmul / 1e9,
                flops / t_linear / 1e9, t_direct / t_matmul, t_direct / t_linear, pd.impl_info_str());
  }

  // Training direction: linear forward + backward (3 products) against 3 direct matmuls.
  std::printf("\n%-18s %12s %12s %8s\n", "linear fwd+bwd", "oneDNN GF/s", "linear GF/s", "ratio");
  for (const Shape3 s : {Shape3{2000, 256, 1024}, Shape3{1024, 256, 8000}}) {
    const double flops = 3 * 2.0 * s.m * s.k * s.n;
    const Var x = Var::parameter(uniform_tensor({s.m, s.k}, 1.0f, gen));
    const Var w = Var::parameter(uniform_tensor({s.n, s.k}, 0.1f, gen));
    const Var b = Var::parameter(uniform_tensor({s.n}, 0.1f, gen));
    const Tensor seed = uniform_tensor({s.m, s.n}, 1.0f, gen);
    const double t_lib = nmt::bench::seconds_per_run(budget, [&] {
      x.zero_grad();
      w.zero_grad();
      b.zero_grad();
      backward(linear(x, w, b), seed);
    });
    // Direct: y = x w^T, dx = dy w, dw = dy^T x.
    using dnnl::memory;
    const auto md = [](std::int64_t r, std::int64_t c, memory::format_tag t) {
      return memory::desc({r, c}, memory::data_type::f32, t);
    };
    const dnnl::matmul fwd(dnnl::matmul::primitive_desc(
        dnnl::matmul::desc(md(s.m, s.k, memory::format_tag::ab), md(s.k, s.n, memory::format_tag::ba),
                           md(s.m, s.n, memory::format_tag::ab)),
        cpu_engine()));
    const dnnl::matmul bwd_data(dnnl::matmul::primitive_desc(
        dnnl::matmul::desc(md(s.m, s.n, memory::format_tag::ab), md(s.n, s.k, memory::format_tag::ab),
                           md(s.m, s.k, memory::format_tag::ab)),
        cpu_engine()));
    const dnnl::matmul bwd_weights(dnnl::matmul::primitive_desc(
        dnnl::matmul::desc(md(s.n, s.m, memory::format_tag::ba), md(s.m, s.k, memory::format_tag::ab),
                           md(s.n, s.k, memory::format_tag::ab)),
        cpu_engine()));
    Tensor y = Tensor::empty({s.m, s.n}), dx = Tensor::empty({s.m, s.k}), dw = Tensor::empty({s.n, s.k});
    const double t_direct = nmt::bench::seconds_per_run(budget, [&] {
      fwd.execute(cpu_stream(), {{DNNL_ARG_SRC, x.value().memory(md(s.m, s.k, memory::format_tag::ab))},
                                 {DNNL_ARG_WEIGHTS, w.value().memory(md(s.k, s.n, memory::format_tag::ba))},
                                 {DNNL_ARG_DST, y.memory()}});
      bwd_data.execute(
          cpu_stream(),
          {{DNNL_ARG_SRC, seed.memory()}, {DNNL_ARG_WEIGHTS, w.value().memory()}, {DNNL_ARG_DST, dx.memory()}});
      bwd_weights.execute(cpu_stream(), {{DNNL_ARG_SRC, seed.memory(md(s.n, s.m, memory::format_tag::ba))},
                                         {DNNL_ARG_WEIGHTS, x.value().memory()},
                                         {DNNL_ARG_DST, dw.memory()}});
      cpu_stream().wait();
    });
    char name[64];
    std::snprintf(name, sizeof name, "%ldx%ld->%ld", long(s.m), long(s.k), long(s.n));
    std::printf("%-18s %12.1f %12.1f %8.2f\n", name, flops / t_direct / 1e9, flops / t_lib / 1e9, t_direct / t_lib);
  }

  // A bidirectional LSTM layer: batch 64, length 30, input 256, hidden 256, forward + backward.
  {
    const std::int64_t steps = 30, batch = 64, hidden = 256, channels = 256;
    const Var input = Var::parameter(uniform_tensor({steps, batch, channels}, 1.0f, gen));
    const LstmWeights w{Var::parameter(uniform_tensor({2, channels, 4, hidden}, 0.1f, gen)),
                        Var::parameter(uniform_tensor({2, hidden, 4, hidden}, 0.1f, gen)),
                        Var::parameter(uniform_tensor({2, 4, hidden}, 0.1f, gen))};
    const Tensor seed = uniform_tensor({steps, batch, 2 * hidden}, 1.0f, gen);
    double t_forward;
    {
      NoGradGuard no_grad;
      t_forward = nmt::bench::seconds_per_run(budget, [&] { lstm(input, w, RnnDirection::bidirectional_concat); });
    }
    const double t_both = nmt::bench::seconds_per_run(budget, [&] {
      input.zero_grad();
      w.weights_input.zero_grad();
      w.weights_hidden.zero_grad();
      w.bias.zero_grad();
      backward(lstm(input, w, RnnDirection::bidirectional_concat).output, seed);
    });
    // 8 products of [N, C] x [C, H]-sized blocks per step and direction: 2*4H*(C+H)*N*T*2 flops.
    const double flops = 2.0 * 4 * hidden * (channels + hidden) * batch * steps * 2;
    std::printf(
        "\nLSTM bidirectional T=%ld N=%ld C=%ld H=%ld: forward %.1f ms (%.1f GF/s, inference), "
        "forward+backward %.1f ms (%.1f GF/s)\n",
        long(steps), long(batch), long(channels), long(hidden), t_forward * 1e3, flops / t_forward / 1e9, t_both * 1e3,
        3 * flops / t_both / 1e9);
  }
  return 0;
}
