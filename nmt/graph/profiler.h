// Where the time goes: when switched on, every oneDNN primitive execution is timed and added
// up by primitive kind and implementation (e.g. "rnn backward ref", "matmul brg:avx512_core").
// Off by default (one branch per execution); the benchmarks switch it on with --profile.
#pragma once

#include <string>

namespace nmt::graph {

void set_profiling(bool on);
bool profiling();
void reset_profile();
// A table of the accumulated times, largest first.
std::string profile_report();

}  // namespace nmt::graph
