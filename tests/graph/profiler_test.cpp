// The profile's sections: each second counts once, in the innermost open section; nothing is
// recorded with profiling off; the report names every section and what no section claimed.
#include "nmt/graph/profiler.h"

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <thread>

namespace nmt::graph {
namespace {

using namespace std::chrono_literals;

// The seconds column of a section's line in section_report().
double seconds_of(const std::string& report, const std::string& section) {
  std::istringstream in(report);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(section + " ", 0) == 0) {
      std::istringstream fields(line.substr(section.size()));
      double seconds = -1;
      fields >> seconds;
      return seconds;
    }
  return -1;
}

struct ProfilingOn {
  ProfilingOn() {
    set_profiling(true);
    reset_profile();
  }
  ~ProfilingOn() {
    set_profiling(false);
    reset_profile();
  }
};

TEST(ProfileSection, ANestedSectionsTimeCountsOnceInTheInnermost) {
  const ProfilingOn on;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 2; ++i) {
    const ProfileSection outer("outer");
    std::this_thread::sleep_for(20ms);
    const ProfileSection inner("inner");
    std::this_thread::sleep_for(40ms);
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string report = section_report(wall, 2);
  EXPECT_EQ(section_calls("outer"), 2);
  EXPECT_EQ(section_calls("inner"), 2);
  EXPECT_EQ(section_calls("absent"), 0);
  const double outer = seconds_of(report, "outer"), inner = seconds_of(report, "inner");
  EXPECT_GE(inner, 0.080) << report;
  EXPECT_GE(outer, 0.040) << report;
  // Counted in both, the inner sleeps would make the sections longer than the whole.
  EXPECT_LE(outer + inner, wall + 1e-3) << "the inner section's time counted in the outer one too:\n" << report;
  EXPECT_NE(report.find("ms per step"), std::string::npos);
}

// Batches decoded side by side (decode/translator.cpp) record from two threads at once: both
// threads' sections count, each nesting on its own thread, and the shares are of the
// thread-seconds (wall time times threads), so two busy threads fill 100%, not 200%.
TEST(ProfileSection, ThreadsSideBySideAddUpAgainstTheirThreadSeconds) {
  const ProfilingOn on;
  const auto start = std::chrono::steady_clock::now();
  auto work = [] {
    for (int i = 0; i < 3; ++i) {
      const ProfileSection outer("outer");
      const ProfileSection inner("inner");
      std::this_thread::sleep_for(30ms);
    }
  };
  std::thread other(work);
  work();
  other.join();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(section_calls("outer"), 6);
  EXPECT_EQ(section_calls("inner"), 6);
  const std::string report = section_report(wall, 6, 2);
  const double inner = seconds_of(report, "inner"), outer = seconds_of(report, "outer");
  EXPECT_GE(inner, 0.180) << "both threads' sleeps count:\n" << report;
  EXPECT_LT(outer, 0.020) << "the other thread's inner section counted in this thread's outer one:\n" << report;
  // The inner share is of 2 x wall: at most 100% (about 90% and more when the threads overlap).
  std::istringstream in(report);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("inner ", 0) == 0) {
      std::istringstream fields(line.substr(6));
      double seconds = 0, share = 0;
      fields >> seconds >> share;
      EXPECT_LE(share, 100.0) << report;
      EXPECT_NEAR(share, 100 * inner / (2 * wall), 1.0) << report;  // seconds print rounded
    }
  EXPECT_NE(report.find("other (no section, or idle)"), std::string::npos) << report;
}

TEST(ProfileSection, NothingIsRecordedWithProfilingOff) {
  set_profiling(false);
  reset_profile();
  { const ProfileSection section("quiet"); }
  EXPECT_EQ(section_calls("quiet"), 0);
}

}  // namespace
}  // namespace nmt::graph
