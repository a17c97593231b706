// Prints the GOMP_SPINCOUNT a program runs with after restart_with_openmp_spin_count(), and
// whether it restarted (the same pid, exec'd again): tests/graph/CMakeLists.txt checks the
// three cases (nothing set, GOMP_SPINCOUNT set, OMP_WAIT_POLICY set).
#include <cstdio>
#include <cstdlib>

#include "nmt/graph/openmp_waiting.h"

int main(int, char** argv) {
  nmt::graph::restart_with_openmp_spin_count(argv);
  const char* spin = std::getenv("GOMP_SPINCOUNT");
  std::printf("GOMP_SPINCOUNT=%s\n", spin ? spin : "(unset)");
  return 0;
}
