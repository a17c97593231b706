#include "nmt/train/process_group.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#ifdef NMT_WITH_MPI
#define OMPI_SKIP_MPICXX 1  // the C interface only: MPI's C++ bindings are deprecated
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

namespace nmt::train {
namespace {

ProcessGroup* g_world = nullptr;

#ifdef NMT_WITH_MPI
// Whether an MPI launcher started this process. Plain `nmt-train` must not initialise MPI: Open
// MPI would start a daemon of its own for a "singleton" and take its time doing it.
bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(name) != nullptr) return true;
  return false;
}

void check(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw std::runtime_error(std::string(call) + " failed: " + std::string(text, static_cast<std::size_t>(length)));
}

// Completes a request without spinning: the process it waits for may be busy for minutes (a
// validation, the test translation) and needs the core this one would burn. The first polls
// come quickly (a collective whose peers are ready completes in microseconds); then up to 1 ms
// apart, which no step of training notices.
void wait_without_spinning(MPI_Request& request) {
  auto pause = std::chrono::microseconds(20);
  while (true) {
    int done = 0;
    check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), "MPI_Test");
    if (done) return;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(1000));
  }
}

// MPI counts are ints: longer arrays go in pieces.
constexpr std::size_t kMaxCount = std::size_t{1} << 30;
#endif

}  // namespace

ProcessGroup& ProcessGroup::world() {
  static ProcessGroup alone;
  return g_world != nullptr ? *g_world : alone;
}

int ProcessGroup::launched_processes() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"})
    if (const char* value = std::getenv(name); value != nullptr) return std::max(1, std::atoi(value));
  return 1;
}

bool ProcessGroup::available() {
#ifdef NMT_WITH_MPI
  return true;
#else
  return false;
#endif
}

ProcessGroup& ProcessGroup::initialize([[maybe_unused]] int* argc, [[maybe_unused]] char*** argv) {
  static ProcessGroup group;
  g_world = &group;
#ifdef NMT_WITH_MPI
  if (!group.initialized_ && launched_by_mpi()) {
    int provided = 0;
    // OpenMP threads compute; only the main thread calls MPI.
    check(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    group.initialized_ = true;
    check(MPI_Comm_rank(MPI_COMM_WORLD, &group.rank_), "MPI_Comm_rank");
    check(MPI_Comm_size(MPI_COMM_WORLD, &group.size_), "MPI_Comm_size");
    MPI_Comm local;
    check(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &local), "MPI_Comm_split_type");
    check(MPI_Comm_size(local, &group.local_size_), "MPI_Comm_size");
    MPI_Comm_free(&local);
  }
#endif
  return group;
}

std::string ProcessGroup::library() const {
#ifdef NMT_WITH_MPI
  char text[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  MPI_Get_library_version(text, &length);
  std::string version(text, static_cast<std::size_t>(length));
  return version.substr(0, version.find(','));  // "Open MPI v4.1.4, package: ..." -> "Open MPI v4.1.4"
#else
  return "none";
#endif
}

void ProcessGroup::sum([[maybe_unused]] std::span<float> values) {
#ifdef NMT_WITH_MPI
  if (!distributed()) return;
  for (std::size_t at = 0; at < values.size(); at += kMaxCount) {
    const std::size_t n = std::min(kMaxCount, values.size() - at);
    check(MPI_Allreduce(MPI_IN_PLACE, values.data() + at, static_cast<int>(n), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD),
          "MPI_Allreduce");
  }
#endif
}

#ifdef NMT_WITH_MPI
namespace {
// An allreduce of a few numbers, in place, waiting without spinning.
void reduce_without_spinning(void* values, std::size_t count, MPI_Datatype type, MPI_Op op) {
  MPI_Request request;
  check(MPI_Iallreduce(MPI_IN_PLACE, values, static_cast<int>(count), type, op, MPI_COMM_WORLD, &request),
        "MPI_Iallreduce");
  wait_without_spinning(request);
}
}  // namespace
#endif

void ProcessGroup::sum([[maybe_unused]] std::span<double> values) {
#ifdef NMT_WITH_MPI
  if (distributed()) reduce_without_spinning(values.data(), values.size(), MPI_DOUBLE, MPI_SUM);
#endif
}

void ProcessGroup::max([[maybe_unused]] std::span<std::int64_t> values) {
#ifdef NMT_WITH_MPI
  if (distributed()) reduce_without_spinning(values.data(), values.size(), MPI_INT64_T, MPI_MAX);
#endif
}

std::vector<std::uint64_t> ProcessGroup::all_gather(std::uint64_t value) {
  std::vector<std::uint64_t> values(static_cast<std::size_t>(size_), value);
#ifdef NMT_WITH_MPI
  if (distributed()) {
    MPI_Request request;
    check(MPI_Iallgather(&value, 1, MPI_UINT64_T, values.data(), 1, MPI_UINT64_T, MPI_COMM_WORLD, &request),
          "MPI_Iallgather");
    wait_without_spinning(request);
  }
#endif
  return values;
}

void ProcessGroup::broadcast([[maybe_unused]] double& value) {
#ifdef NMT_WITH_MPI
  if (!distributed()) return;
  MPI_Request request;
  check(MPI_Ibcast(&value, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD, &request), "MPI_Ibcast");
  wait_without_spinning(request);
#endif
}

void ProcessGroup::broadcast([[maybe_unused]] std::string& bytes) {
#ifdef NMT_WITH_MPI
  if (!distributed()) return;
  std::uint64_t length = bytes.size();
  MPI_Request request;
  check(MPI_Ibcast(&length, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD, &request), "MPI_Ibcast");
  wait_without_spinning(request);
  if (!is_root()) bytes.resize(length);
  for (std::size_t at = 0; at < length; at += kMaxCount) {
    const std::size_t n = std::min<std::size_t>(kMaxCount, length - at);
    check(MPI_Ibcast(bytes.data() + at, static_cast<int>(n), MPI_CHAR, 0, MPI_COMM_WORLD, &request), "MPI_Ibcast");
    wait_without_spinning(request);
  }
#endif
}

void ProcessGroup::wait_for_all() {
#ifdef NMT_WITH_MPI
  if (!distributed()) return;
  MPI_Request request;
  check(MPI_Ibarrier(MPI_COMM_WORLD, &request), "MPI_Ibarrier");
  wait_without_spinning(request);
#endif
}

void ProcessGroup::abort(int status) {
#ifdef NMT_WITH_MPI
  if (initialized_ && distributed()) MPI_Abort(MPI_COMM_WORLD, status);
#endif
  std::exit(status);
}

void ProcessGroup::finalize() {
#ifdef NMT_WITH_MPI
  if (!initialized_) return;
  wait_for_all();
  MPI_Finalize();
  initialized_ = false;
#endif
}

}  // namespace nmt::train
