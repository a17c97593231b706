// Spec: the CPU line names the processor and the instruction set oneDNN dispatches to.
#include "nmt/graph/cpu_info.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "nmt/graph/engine.h"

namespace nmt::graph {
namespace {

TEST(CpuInfo, ModelNameIsTheOneInProcCpuinfo) {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line, expected = "unknown CPU";
  while (std::getline(cpuinfo, line))
    if (line.rfind("model name", 0) == 0) {
      expected = line.substr(line.find_first_not_of(" \t", line.find(':') + 1));
      break;
    }
  EXPECT_EQ(cpu_model_name(), expected);
}

TEST(CpuInfo, IsaIsOneOfOneDnnsAndTheLineHasTheThreadCount) {
  // Every machine of this project has AVX-512 (Sapphire Rapids or Zen 5).
  EXPECT_EQ(onednn_cpu_isa().rfind("avx512_core", 0), 0u) << onednn_cpu_isa();
  set_compute_threads(1);
  EXPECT_EQ(cpu_line(), "cpu: " + cpu_model_name() + " (" + onednn_cpu_isa() + "), 1 thread");
  set_compute_threads(2);
  EXPECT_EQ(cpu_line(), "cpu: " + cpu_model_name() + " (" + onednn_cpu_isa() + "), 2 threads");
}

}  // namespace
}  // namespace nmt::graph
