// What the machine computes on: the CPU model and the instruction set oneDNN dispatches to.
// Every program that computes logs cpu_line() at start, so that each figure names its CPU
// (this project's machines are Intel Sapphire Rapids with AMX or AMD Zen 5 with AVX512_BF16).
#pragma once

#include <string>

namespace nmt::graph {

// The "model name" of /proc/cpuinfo, e.g. "AMD EPYC 9B45"; "unknown CPU" where it is absent.
std::string cpu_model_name();

// The most capable instruction set oneDNN uses on this CPU, in oneDNN's own spelling
// (avx2, avx512_core, avx512_core_vnni, avx512_core_bf16, avx512_core_amx, ...).
std::string onednn_cpu_isa();

// "cpu: MODEL (ISA), N threads" with the current compute thread count.
std::string cpu_line();

}  // namespace nmt::graph
