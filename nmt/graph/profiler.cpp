#include "nmt/graph/profiler.h"

#include <oneapi/dnnl/dnnl_debug.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>
#include <vector>

#include "nmt/graph/ops/common.h"

namespace nmt::graph {
namespace {

struct Entry {
  double seconds = 0;
  long calls = 0;
};

bool g_on = false;
// Threads that decode batches side by side (decode/translator.cpp) record into the same tables.
std::mutex g_tables_mutex;
std::map<std::string, Entry>& table() {
  static std::map<std::string, Entry> t;
  return t;
}
std::map<std::string, Entry>& sections() {
  static std::map<std::string, Entry> t;
  return t;
}
thread_local ProfileSection* t_innermost = nullptr;

}  // namespace

void set_profiling(bool on) { g_on = on; }
bool profiling() { return g_on; }
void reset_profile() {
  const std::lock_guard lock(g_tables_mutex);
  table().clear();
  sections().clear();
}

ProfileSection::ProfileSection(const char* name) {
  if (!g_on) return;
  name_ = name;
  parent_ = t_innermost;
  t_innermost = this;
  start_ = std::chrono::steady_clock::now();
}

ProfileSection::~ProfileSection() {
  if (name_ == nullptr) return;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  {
    const std::lock_guard lock(g_tables_mutex);
    Entry& e = sections()[name_];
    e.seconds += elapsed - children_;
    e.calls++;
  }
  if (parent_) parent_->children_ += elapsed;
  t_innermost = parent_;
}

std::int64_t section_calls(const std::string& name) {
  const std::lock_guard lock(g_tables_mutex);
  const auto it = sections().find(name);
  return it == sections().end() ? 0 : it->second.calls;
}

std::string section_report(double wall_seconds, std::int64_t steps, int threads) {
  const double thread_seconds = wall_seconds * std::max(threads, 1);
  const std::lock_guard lock(g_tables_mutex);
  std::vector<std::pair<std::string, Entry>> rows(sections().begin(), sections().end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second.seconds > b.second.seconds; });
  double claimed = 0;
  for (const auto& r : rows) claimed += r.second.seconds;
  rows.emplace_back(threads > 1 ? "other (no section, or idle)" : "other (no section)",
                    Entry{thread_seconds - claimed, 0});
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-32s %10s %8s %12s %10s\n", "section", "seconds", "share", "ms per step", "calls");
  out += line;
  for (const auto& [key, e] : rows) {
    char per_step[32] = "";
    if (steps > 0) std::snprintf(per_step, sizeof per_step, "%.3f", 1000 * e.seconds / static_cast<double>(steps));
    std::snprintf(line, sizeof line, "%-32s %10.3f %7.1f%% %12s %10ld\n", key.c_str(), e.seconds,
                  thread_seconds > 0 ? 100 * e.seconds / thread_seconds : 0.0, per_step, e.calls);
    out += line;
  }
  return out;
}

namespace detail {
void record_execution(const dnnl::primitive& primitive, double seconds) {
  const auto pd = primitive.get_primitive_desc();
  const char* impl = nullptr;
  dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
  dnnl_primitive_kind_t kind;
  dnnl_primitive_desc_query(pd, dnnl_query_primitive_kind, 0, &kind);
  dnnl_prop_kind_t prop = dnnl_prop_kind_undef;
  dnnl_primitive_desc_query(pd, dnnl_query_prop_kind, 0, &prop);
  std::string key = dnnl_prim_kind2str(kind);
  if (prop == dnnl_backward || prop == dnnl_backward_data || prop == dnnl_backward_weights) key += " backward";
  key += std::string(" ") + (impl ? impl : "?");
  const std::lock_guard lock(g_tables_mutex);
  Entry& e = table()[key];
  e.seconds += seconds;
  e.calls++;
}
}  // namespace detail

std::string profile_report() {
  const std::lock_guard lock(g_tables_mutex);
  std::vector<std::pair<std::string, Entry>> rows(table().begin(), table().end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second.seconds > b.second.seconds; });
  double total = 0;
  for (const auto& r : rows) total += r.second.seconds;
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-44s %10s %8s %10s\n", "primitive", "seconds", "share", "calls");
  out += line;
  for (const auto& [key, e] : rows) {
    std::snprintf(line, sizeof line, "%-44s %10.3f %7.1f%% %10ld\n", key.c_str(), e.seconds,
                  total > 0 ? 100 * e.seconds / total : 0.0, e.calls);
    out += line;
  }
  return out;
}

}  // namespace nmt::graph
