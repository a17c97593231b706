// bench-runtime-dims: oneDNN matmul with the row count fixed at creation (one primitive per
// shape, what the library does) against one primitive created with the row count as a runtime
// dimension (DNNL_RUNTIME_DIM_VAL) and reused for every row count (issue 15: "use oneDNN
// runtime dimensions where its kernels keep their speed with them; measure both"). The shapes
// are those of the default Transformer's training step: rows x width tokens against d_model
// 256, the fused Q/K/V projection, the feed-forward and the output layer.
//
//   build/release/bin/bench-runtime-dims [--threads N] [--seconds S]
//
// Prints, per shape, GFLOP/s of both, their ratio, the implementations oneDNN chose and the
// time to create a fixed-shape primitive (what every new batch shape costs); then the same
// comparison for weight gradients (the token count as the reduction dimension) and batched
// attention products, which ops/matmul.cpp keeps on fixed-shape primitives.
#include <omp.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <dnnl.hpp>
#include <string>
#include <vector>

#include "nmt/graph/cpu_info.h"
#include "nmt/graph/openmp_waiting.h"
#include "options.h"
#include "seconds_per_run.h"

using Clock = std::chrono::steady_clock;
using dt = dnnl::memory::data_type;

namespace {

double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// A row-major [rows, columns] f32 matrix descriptor; rows may be DNNL_RUNTIME_DIM_VAL.
dnnl::memory::desc matrix(dnnl::memory::dim rows, dnnl::memory::dim columns) {
  return dnnl::memory::desc({rows, columns}, dt::f32, dnnl::memory::dims{columns, 1});
}

}  // namespace

int main(int argc, char** argv) {
  nmt::graph::restart_with_openmp_spin_count(argv);  // before any parallel region; see openmp_waiting.h
  int threads = 2;
  double budget = 0.5;
  const nmt::bench::Options options(argc, argv, "bench-runtime-dims [--threads N] [--seconds S]",
                                    {"--threads", "--seconds"});
  threads = static_cast<int>(options.number("--threads", threads, 1));
  budget = options.number("--seconds", budget, 0.01);
  omp_set_num_threads(threads);
  dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  dnnl::stream stream(engine);
  std::printf("bench-runtime-dims: %s\n", nmt::graph::cpu_line().c_str());
  std::printf("bench-runtime-dims: %d threads, %.1f s per measurement, f32, x[M, K] . w[K, N]\n\n", threads, budget);
  std::printf("%6s %5s %5s %11s %11s %7s %11s   %s / %s\n", "M", "K", "N", "fixed GF/s", "runtime GF/s", "ratio",
              "create ms", "fixed impl", "runtime impl");

  struct Shape {
    dnnl::memory::dim k, n;
  };
  // d_model 256: Q/K/V fused (768), output projection (256), feed-forward in and out, vocabulary.
  const std::vector<Shape> shapes{{256, 768}, {256, 256}, {256, 1024}, {1024, 256}, {256, 8000}};
  // Row counts (rows x width) of training batches of about 2,000 target tokens.
  const std::vector<dnnl::memory::dim> row_counts{1632, 1800, 1944, 2000};
  double fixed_total = 0, runtime_total = 0;
  for (const Shape& s : shapes) {
    const dnnl::memory::desc runtime_src = matrix(DNNL_RUNTIME_DIM_VAL, s.k),
                             runtime_dst = matrix(DNNL_RUNTIME_DIM_VAL, s.n);
    const dnnl::memory::desc weights = matrix(s.k, s.n);
    const dnnl::matmul::primitive_desc runtime_pd(dnnl::matmul::desc(runtime_src, weights, runtime_dst), engine);
    const dnnl::matmul runtime_primitive(runtime_pd);
    const std::string runtime_impl = runtime_pd.impl_info_str();
    dnnl::memory w(weights, engine);
    std::vector<float> wv(static_cast<std::size_t>(s.k * s.n), 0.01f);
    std::memcpy(w.get_data_handle(), wv.data(), wv.size() * sizeof(float));
    for (const dnnl::memory::dim m : row_counts) {
      dnnl::memory x(matrix(m, s.k), engine), y(matrix(m, s.n), engine);
      std::vector<float> xv(static_cast<std::size_t>(m * s.k), 0.5f);
      std::memcpy(x.get_data_handle(), xv.data(), xv.size() * sizeof(float));
      const auto created = Clock::now();
      const dnnl::matmul::primitive_desc fixed_pd(dnnl::matmul::desc(matrix(m, s.k), weights, matrix(m, s.n)), engine);
      const dnnl::matmul fixed(fixed_pd);
      const double create_ms = 1000 * since(created);
      const double flops = 2.0 * static_cast<double>(m * s.k * s.n);
      const double fixed_s = nmt::bench::seconds_per_run(budget, [&] {
        fixed.execute(stream, {{DNNL_ARG_SRC, x}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_DST, y}});
        stream.wait();
      });
      const double runtime_s = nmt::bench::seconds_per_run(budget, [&] {
        runtime_primitive.execute(stream, {{DNNL_ARG_SRC, x}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_DST, y}});
        stream.wait();
      });
      fixed_total += fixed_s;
      runtime_total += runtime_s;
      std::printf("%6ld %5ld %5ld %11.1f %11.1f %7.2f %11.2f   %s / %s\n", static_cast<long>(m), static_cast<long>(s.k),
                  static_cast<long>(s.n), flops / fixed_s / 1e9, flops / runtime_s / 1e9, fixed_s / runtime_s,
                  create_ms, fixed_pd.impl_info_str(), runtime_impl.c_str());
    }
  }
  std::printf("\nall shapes: runtime-dimension primitive takes %.2fx the time of the fixed-shape ones\n",
              runtime_total / fixed_total);

  // The two kinds of product the library keeps on fixed-shape primitives (ops/matmul.cpp), with
  // a runtime dimension for comparison: a weight gradient dW = dY^T X (the token count is the
  // reduction dimension; dY stored [tokens, out]), and the batched attention product Q K^T
  // ([B*H, T, d_k] x [B*H, S, d_k]^T, every dimension at run time: the strides follow them).
  const auto compare = [&](const char* label, const dnnl::matmul::desc& fixed_desc,
                           const dnnl::matmul::desc& runtime_desc, const dnnl::memory::desc& a_md,
                           const dnnl::memory::desc& b_md, const dnnl::memory::desc& c_md) {
    const dnnl::matmul::primitive_desc fixed_pd(fixed_desc, engine), runtime_pd(runtime_desc, engine);
    const dnnl::matmul fixed(fixed_pd), runtime(runtime_pd);
    dnnl::memory a(a_md, engine), b(b_md, engine), c(c_md, engine);
    for (dnnl::memory* m : {&a, &b})
      std::memset(m->get_data_handle(), 0, m->get_desc().get_size());  // zeros: no denormals, no NaN
    const auto time = [&](const dnnl::matmul& primitive) {
      return nmt::bench::seconds_per_run(budget, [&] {
        primitive.execute(stream, {{DNNL_ARG_SRC, a}, {DNNL_ARG_WEIGHTS, b}, {DNNL_ARG_DST, c}});
        stream.wait();
      });
    };
    const double fixed_s = time(fixed), runtime_s = time(runtime);
    std::printf("%-34s %9.3f ms %9.3f ms %7.2f   %s / %s\n", label, 1000 * fixed_s, 1000 * runtime_s,
                runtime_s / fixed_s, fixed_pd.impl_info_str(), runtime_pd.impl_info_str());
  };
  using dims = dnnl::memory::dims;
  const auto rt = DNNL_RUNTIME_DIM_VAL;
  std::printf("\n%-34s %12s %12s %7s   %s / %s\n", "product", "fixed", "runtime", "runtime/fixed", "fixed impl",
              "runtime impl");
  for (const Shape& s : shapes) {
    for (const dnnl::memory::dim tokens : {dnnl::memory::dim{1632}, dnnl::memory::dim{2000}}) {
      const dnnl::memory::desc dy_t({s.n, tokens}, dt::f32, dims{1, s.n}), x({tokens, s.k}, dt::f32, dims{s.k, 1}),
          dw({s.n, s.k}, dt::f32, dims{s.k, 1});
      const dnnl::memory::desc dy_t_rt({s.n, rt}, dt::f32, dims{1, s.n}), x_rt({rt, s.k}, dt::f32, dims{s.k, 1});
      const std::string label = "dW [" + std::to_string(s.n) + "x" + std::to_string(tokens) + "]x[" +
                                std::to_string(tokens) + "x" + std::to_string(s.k) + "]";
      compare(label.c_str(), dnnl::matmul::desc(dy_t, x, dw), dnnl::matmul::desc(dy_t_rt, x_rt, dw), dy_t, x, dw);
    }
  }
  struct Attention {
    dnnl::memory::dim bh, t, s;
  };
  const dnnl::memory::dim d = 64;
  for (const Attention& a : {Attention{256, 30, 32}, Attention{400, 18, 20}, Attention{160, 50, 48}}) {
    const dnnl::memory::desc q({a.bh, a.t, d}, dt::f32, dims{a.t * d, d, 1}),
        k({a.bh, d, a.s}, dt::f32, dims{a.s * d, 1, d}), scores({a.bh, a.t, a.s}, dt::f32, dims{a.t * a.s, a.s, 1});
    const dnnl::memory::desc q_rt({rt, rt, d}, dt::f32, dims{rt, d, 1}), k_rt({rt, d, rt}, dt::f32, dims{rt, 1, d}),
        scores_rt({rt, rt, rt}, dt::f32, dims{rt, rt, 1});
    const std::string label =
        "Q K^T [" + std::to_string(a.bh) + "x" + std::to_string(a.t) + "x64]x[64x" + std::to_string(a.s) + "]";
    compare(label.c_str(), dnnl::matmul::desc(q, k, scores), dnnl::matmul::desc(q_rt, k_rt, scores_rt), q, k, scores);
  }
  return 0;
}
