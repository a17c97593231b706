// The matmul ceiling the training benchmarks compare against: the GFLOP/s of one oneDNN matmul
// primitive on the output-projection shape (2000x256 times 256x8000), its operands in `type`
// (f32, or bf16 with an f32 result as bf16 products compute), measured for `budget` seconds in
// the same run. `implementation` receives oneDNN's kernel name, so a fall-back to a reference
// kernel shows.
#pragma once

#include <chrono>
#include <cstring>
#include <string>

#include "nmt/graph/engine.h"
#include "nmt/graph/tensor.h"

namespace nmt::bench {

inline double matmul_ceiling(double budget, std::string& implementation, graph::DataType type = graph::DataType::f32) {
  using dnnl::memory;
  using Clock = std::chrono::steady_clock;
  const memory::desc a({2000, 256}, graph::to_dnnl(type), memory::format_tag::ab);
  const memory::desc w({256, 8000}, graph::to_dnnl(type), memory::format_tag::ba);
  const memory::desc c({2000, 8000}, memory::data_type::f32, memory::format_tag::ab);
  const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a, w, c), graph::cpu_engine());
  implementation = pd.impl_info_str();
  const dnnl::matmul mm(pd);
  // Operand values do not change a product's time: the buffers are only sized for `type`.
  graph::Tensor ta = graph::Tensor::empty({2000, 256}, type), tw = graph::Tensor::empty({8000, 256}, type),
                tc = graph::Tensor::filled({2000, 8000}, 0.0f);
  std::memset(ta.raw(), 0, ta.bytes());
  std::memset(tw.raw(), 0, tw.bytes());
  auto am = ta.memory(a), wm = tw.memory(w), cm = tc.memory(c);
  const auto run = [&] {
    mm.execute(graph::cpu_stream(), {{DNNL_ARG_SRC, am}, {DNNL_ARG_WEIGHTS, wm}, {DNNL_ARG_DST, cm}});
    graph::cpu_stream().wait();
  };
  run();
  int n = 0;
  const auto start = Clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  while (elapsed() < budget) {
    run();
    ++n;
  }
  return 2.0 * 2000 * 256 * 8000 * n / elapsed() / 1e9;
}

}  // namespace nmt::bench
