// Dynamic batching for a translation server (issue 21): the sentences of requests that arrive
// together are decoded in one batched beam search, and each request gets its own translations
// back, in order. A decoding step costs nearly the same for 1 row as for 32 (the weights are
// read once per step either way; docs/translating.md), so 32 one-sentence requests decoded
// together take about the time of one.
//
// The first request waiting opens a batch; requests with the same decoding options join it
// until it holds max_batch_sentences sentences or max_wait has passed since it opened. The batch
// waits for company only when company is to be expected: when requests arrived while the
// previous batch was decoded. A request that finds the server idle (nothing came during the
// last decoding) is decoded at once, so that a lone client does not pay max_wait per request.
// One thread decodes; callers block in translate() until their part is done.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "nmt/nmt.h"

namespace nmt::serve {

struct BatchingOptions {
  bool enabled = true;                        // false: each request decoded alone, at once
  std::int64_t max_batch_sentences = 32;      // sentences decoded together, at most
  std::chrono::microseconds max_wait{5'000};  // how long an open batch waits for company
  // The translator's threads. A batch of at least kSplitFrom sentences is decoded as
  // kPartsPerThread parts per thread, side by side, each thread taking the next part (the
  // longest first) when done with one (decode/translator.h says why side by side is faster); a
  // smaller one, such as a lone request's sentence, on all threads at once. One part per thread
  // left the thread with the shorter half of the length-sorted sentences waiting for the other:
  // bench-serve, 32 clients, three interleaved rounds (Zen 5, 2026-12-07): 85.2, 92.2, 90.3
  // sentences/s with nmt-serve at 67-70% of the two cores, against 116.2, 107.6, 101.9 at 79-82%
  // with two parts per thread.
  int parallel_batches = 1;
  static constexpr std::size_t kSplitFrom = 8;
  static constexpr std::size_t kPartsPerThread = 2;
};

class BatchingTranslator {
 public:
  // Called after each decoded batch with its request and sentence counts (for metrics).
  using BatchObserver = std::function<void(std::size_t requests, std::size_t sentences)>;

  BatchingTranslator(const Translator& translator, const BatchingOptions& options, BatchObserver observer = {});
  // Decodes every request already submitted, then stops.
  ~BatchingTranslator();
  BatchingTranslator(const BatchingTranslator&) = delete;
  BatchingTranslator& operator=(const BatchingTranslator&) = delete;

  // The translations of `lines`, one per line, in order. Thread-safe; blocks until done. Throws
  // what Translator::translate throws (nmt::Error for options out of range).
  std::vector<Translation> translate(std::vector<std::string> lines, const TranslationOptions& options);

 private:
  struct Request;
  void decode_loop();
  std::vector<Request*> take_batch(std::unique_lock<std::mutex>& lock);

  const Translator& translator_;
  BatchingOptions options_;
  BatchObserver observer_;
  std::mutex mutex_;
  std::condition_variable arrived_;  // a request came, or stopping
  std::condition_variable decoded_;  // a batch finished
  std::deque<Request*> waiting_;
  std::uint64_t arrivals_ = 0;     // requests submitted so far
  bool company_expected_ = false;  // requests arrived while the last batch was decoded
  bool stopping_ = false;
  std::thread decoder_;
};

}  // namespace nmt::serve
