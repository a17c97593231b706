// Where the time goes: when switched on, every oneDNN primitive execution is timed and added
// up by primitive kind and implementation (e.g. "rnn backward ref", "matmul brg:avx512_core"),
// and the wall time of named sections of code (ProfileSection: "self-attention", "beam
// bookkeeping", "primitive creation", ...). Off by default (one branch per execution or
// section); the benchmarks switch it on with --profile. Threads may record side by side: each
// thread's sections nest on their own, and every thread's seconds add up in the same tables.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace nmt::graph {

void set_profiling(bool on);
bool profiling();
void reset_profile();  // both tables
// A table of the accumulated primitive times, largest first.
std::string profile_report();

// Times the code in its scope as the section `name` (a string literal) when profiling is on.
// Sections nest; each second counts once, in the innermost open section (a parent's time is
// its own minus its children's), so the sections of a run add up to the time spent inside the
// outermost ones.
class ProfileSection {
 public:
  explicit ProfileSection(const char* name);
  ~ProfileSection();
  ProfileSection(const ProfileSection&) = delete;
  ProfileSection& operator=(const ProfileSection&) = delete;

 private:
  const char* name_ = nullptr;  // null: profiling was off
  std::chrono::steady_clock::time_point start_;
  double children_ = 0;  // seconds of the sections opened inside this one
  ProfileSection* parent_ = nullptr;
};

// The sections' table, largest first: seconds, share of the thread-seconds (`wall_seconds` times
// `threads`, the threads that ran sections side by side, e.g. batches decoded one per thread)
// and, when steps > 0, milliseconds per step (e.g. per decoding step); a last line "other" holds
// the thread-seconds no section claimed (with several threads, also the time one waited idle).
std::string section_report(double wall_seconds, std::int64_t steps, int threads = 1);
// How often the section `name` was entered since the last reset (e.g. decoding steps).
std::int64_t section_calls(const std::string& name);

}  // namespace nmt::graph
