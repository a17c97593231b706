// Spec: the CPU line names the processor and the instruction set oneDNN dispatches to.
#include "nmt/graph/cpu_info.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

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
  // The machines of this project have AVX-512 (Sapphire Rapids, Zen 5) or AVX2 (an EPYC seen
  // on 2026-12-08); oneDNN names what it uses.
  const std::vector<std::string> names{
      "sse41", "avx", "avx2", "avx2_vnni", "avx512_core", "avx512_core_vnni", "avx512_core_bf16", "avx512_core_amx"};
  EXPECT_NE(std::find(names.begin(), names.end(), onednn_cpu_isa()), names.end()) << onednn_cpu_isa();
  set_compute_threads(1);
  EXPECT_EQ(cpu_line(), "cpu: " + cpu_model_name() + " (" + onednn_cpu_isa() + "), 1 thread");
  set_compute_threads(2);
  EXPECT_EQ(cpu_line(), "cpu: " + cpu_model_name() + " (" + onednn_cpu_isa() + "), 2 threads");
}

}  // namespace
}  // namespace nmt::graph
