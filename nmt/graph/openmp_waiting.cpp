#include "nmt/graph/openmp_waiting.h"

#include <unistd.h>

#include <cstdlib>

namespace nmt::graph {

void restart_with_openmp_spin_count(char** argv) {
  if (std::getenv("GOMP_SPINCOUNT") != nullptr || std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  if (::setenv("GOMP_SPINCOUNT", kOpenMpSpinCount, 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  // execv failed (no /proc): carry on with libgomp's default, which was read at load time.
  ::unsetenv("GOMP_SPINCOUNT");
}

}  // namespace nmt::graph
