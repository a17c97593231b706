// Dynamic batching for a translation server (issue 21): the sentences of requests that arrive
// together are decoded in one batched beam search, and each request gets its own translations
// back, in order. A decoding step costs nearly the same for 1 row as for 32 (the weights are
// read once per step either way; docs/translating.md), so 32 one-sentence requests decoded
// together take about the time of one.
//
// A decoder thread per core: under load each, when done with its batch, takes the requests
// waiting and decodes them on its own core, beside the others (Translator calls on one thread
// run side by side: nmt.h), so that no core waits for another's batch to end. The first request
// waiting opens a batch; requests with the same decoding options join it until it holds
// max_batch_sentences sentences or max_wait has passed since it opened. The batch waits for
// company only when company is to be expected: when requests arrived while the previous batch
// was decoded, or another decoder is busy. A request that finds the server idle is decoded at
// once, so that a lone client does not pay max_wait per request, and on every core (one
// sentence's latency) by a decoder thread of its own: oneDNN's primitives are made for one thread
// count and cached per thread, so the per-core decoders' caches never evict its primitives.
// Callers block in translate() until their part is done.
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
  std::int64_t max_batch_sentences = 32;      // sentences a decoder decodes together, at most
  std::chrono::microseconds max_wait{5'000};  // how long an open batch waits for company
  // Decoder threads, one per core: the Translator's threads. A batch of kSplitFrom sentences or
  // more is decoded as kPartsPerThread parts per thread, sorted by length: on a per-core decoder
  // one after the other, on every core side by side, each thread taking the next part (the
  // longest first) when done with one (decode/translator.h says why side by side is faster).
  int decoders = 1;
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
  void decode_loop(bool on_every_core);
  std::vector<Request*> take_batch(std::unique_lock<std::mutex>& lock);
  void decode(const std::vector<Request*>& batch, bool on_every_core);

  const Translator& translator_;
  BatchingOptions options_;
  BatchObserver observer_;
  std::mutex mutex_;
  std::condition_variable arrived_;  // a request came, a batch was taken, or stopping
  std::condition_variable decoded_;  // a batch finished
  std::deque<Request*> waiting_;
  std::uint64_t arrivals_ = 0;     // requests submitted so far
  bool company_expected_ = false;  // requests arrived while the last batch was decoded
  bool gathering_ = false;         // a decoder is filling its batch: the others wait their turn
  int decoding_ = 0;               // decoders busy with a batch
  bool stopping_ = false;
  std::vector<std::thread> decoders_;
};

}  // namespace nmt::serve
