// What nmt-serve counts, in Prometheus' text exposition format (version 0.0.4): requests by
// path and status, sentences and target subwords translated, decoded batches and their sizes,
// request latency. Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace nmt::serve {

class ServerMetrics {
 public:
  // One answered request: its path (the caller maps unknown paths to one label) and status.
  void record_request(const std::string& path, int status);
  // One /translate request that reached its handler: wall time from parsing to the answer, and
  // the sentences and target subwords (of the best translations) it held.
  void record_translation(double seconds, std::uint64_t sentences, std::uint64_t target_pieces);
  // One decoded batch of `requests` requests holding `sentences` sentences.
  void record_batch(std::uint64_t requests, std::uint64_t sentences);
  void set_ready(bool ready);

  std::string prometheus_text() const;

  // Upper bounds of the histogram buckets (+Inf implied).
  static constexpr std::array<double, 12> kLatencyBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  static constexpr std::array<double, 9> kBatchBuckets{1, 2, 4, 8, 16, 32, 64, 128, 256};

 private:
  template <std::size_t N>
  struct Histogram {
    std::array<std::uint64_t, N> below{};  // observations <= bucket bound (not cumulative)
    std::uint64_t count = 0;
    double sum = 0;
    void observe(const std::array<double, N>& bounds, double value);
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::uint64_t sentences_ = 0, target_pieces_ = 0, batches_ = 0, batched_requests_ = 0;
  Histogram<kLatencyBuckets.size()> latency_;
  Histogram<kBatchBuckets.size()> batch_sentences_;
  bool ready_ = false;
};

}  // namespace nmt::serve
