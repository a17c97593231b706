// The process's resident memory, for the trainer's metrics and the benchmarks' figures.
#pragma once

namespace nmt::graph {

// Resident memory now, in MiB (VmRSS of /proc/self/status); -1 where it cannot be read.
double resident_mib();

// The most resident memory the process has held so far, in MiB (getrusage's ru_maxrss).
double peak_resident_mib();

}  // namespace nmt::graph
