#include "nmt/serve/metrics.h"

#include <fmt/format.h>

namespace nmt::serve {

template <std::size_t N>
void ServerMetrics::Histogram<N>::observe(const std::array<double, N>& bounds, double value) {
  for (std::size_t b = 0; b < N; ++b)
    if (value <= bounds[b]) {
      ++below[b];
      break;
    }
  ++count;
  sum += value;
}

void ServerMetrics::record_request(const std::string& path, int status) {
  const std::lock_guard lock(mutex_);
  ++requests_[{path, status}];
}

void ServerMetrics::record_translation(double seconds, std::uint64_t sentences, std::uint64_t target_pieces) {
  const std::lock_guard lock(mutex_);
  sentences_ += sentences;
  target_pieces_ += target_pieces;
  latency_.observe(kLatencyBuckets, seconds);
}

void ServerMetrics::record_batch(std::uint64_t requests, std::uint64_t sentences) {
  const std::lock_guard lock(mutex_);
  ++batches_;
  batched_requests_ += requests;
  batch_sentences_.observe(kBatchBuckets, static_cast<double>(sentences));
}

void ServerMetrics::set_ready(bool ready) {
  const std::lock_guard lock(mutex_);
  ready_ = ready;
}

namespace {

// A metric of one sample, with its HELP and TYPE lines.
void write_single(std::string& out, const char* name, const char* type, const char* help, std::uint64_t value) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, value);
}

template <class Histogram, std::size_t N>
void write_histogram(std::string& out, const char* name, const char* help, const std::array<double, N>& bounds,
                     const Histogram& h) {
  out += fmt::format("# HELP {} {}\n# TYPE {} histogram\n", name, help, name);
  std::uint64_t cumulative = 0;
  for (std::size_t b = 0; b < N; ++b) {
    cumulative += h.below[b];
    out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", name, bounds[b], cumulative);
  }
  out +=
      fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n{}_sum {}\n{}_count {}\n", name, h.count, name, h.sum, name, h.count);
}

}  // namespace

std::string ServerMetrics::prometheus_text() const {
  const std::lock_guard lock(mutex_);
  std::string out;
  write_single(out, "nmt_ready", "gauge", "Whether the model is loaded and requests are answered.", ready_ ? 1 : 0);
  out += "# HELP nmt_requests_total HTTP requests answered, by path and status.\n# TYPE nmt_requests_total counter\n";
  for (const auto& [key, n] : requests_)
    out += fmt::format("nmt_requests_total{{path=\"{}\",code=\"{}\"}} {}\n", key.first, key.second, n);
  std::uint64_t errors = 0;
  for (const auto& [key, n] : requests_)
    if (key.second >= 400) errors += n;
  write_single(out, "nmt_errors_total", "counter", "Requests answered with a status of 400 or above.", errors);
  write_single(out, "nmt_sentences_total", "counter", "Sentences translated.", sentences_);
  write_single(out, "nmt_target_pieces_total", "counter", "Target subwords of the best translations.", target_pieces_);
  write_single(out, "nmt_batches_total", "counter", "Batches decoded (each one batched beam search).", batches_);
  write_single(out, "nmt_batched_requests_total", "counter", "Requests decoded in those batches.", batched_requests_);
  write_histogram(out, "nmt_batch_sentences", "Sentences per decoded batch.", kBatchBuckets, batch_sentences_);
  write_histogram(out, "nmt_request_duration_seconds", "Wall time of /translate requests from parsing to the answer.",
                  kLatencyBuckets, latency_);
  return out;
}

}  // namespace nmt::serve
