// Data derived from a variable's value (its weights reordered into a kernel's layout, or
// quantised), kept per variable and layout until the value changes (Var::version moves on) or
// the variable is gone. Ops that would otherwise derive the same data at every decoder step use
// one per kind of derived data, shared by the threads: two threads decoding side by side
// (decode/translator.cpp) read one copy of each weight matrix, which then stays in the shared
// L3 cache once instead of twice (beam 5, batches of 32, AMD EPYC Zen 5: about 4% less time
// than a copy per thread, greedy search within noise; issue 24). The data is made under the
// cache's lock and never changes while a thread reads it: a variable's value does not change
// while decoding reads it.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "nmt/graph/ops/common.h"

namespace nmt::graph::detail {

template <class Derived>
class DerivedCache {
 public:
  // The data derived from `var` for `layout`, made by `make()` when absent or out of date.
  template <class Make>
  const Derived& get(const Var& var, const dnnl::memory::desc& layout, Make&& make) {
    const std::lock_guard lock(mutex_);
    // Entries of variables that no longer exist are dropped first: a model's derived copies go
    // at the next use of the cache after the model (a handful of entries to look at, per call).
    std::erase_if(entries_, [](const auto& item) { return item.second.owner.expired(); });
    PrimitiveKey layout_key("layout");
    add_desc(layout_key, layout);
    const auto owner = var.identity();
    Entry& e = entries_[{owner.lock().get(), layout_key.str()}];
    if (!e.made || e.version != var.version()) {
      e.data = make();
      e.owner = owner;
      e.version = var.version();
      e.made = true;
    }
    return e.data;
  }
  void clear() {
    const std::lock_guard lock(mutex_);
    entries_.clear();
  }
  std::size_t size() {
    const std::lock_guard lock(mutex_);
    return entries_.size();
  }

 private:
  struct Entry {
    std::weak_ptr<const void> owner;
    std::uint64_t version = 0;
    bool made = false;
    Derived data;
  };
  std::mutex mutex_;
  std::map<std::pair<const void*, std::string>, Entry> entries_;
};

// A variable's value in the layout `md` a kernel asked for (oneDNN's choice for format `any`):
// the value itself when `md` is the layout it is stored in (`plain_md`), else a reordered copy
// kept until the value changes or release_packed_weights() (ops.h) drops it. Decoding asks for
// the same weights at every step; a kernel that read them in their stored layout would repack
// them at every call (the LSTM and the matmul kernels both do). ops/packed_weights.cpp.
OpaqueMemory weights_in_layout(const Var& weights, const dnnl::memory::desc& plain_md, const dnnl::memory::desc& md);

}  // namespace nmt::graph::detail
