#include "nmt/serve/batching_translator.h"

#include <algorithm>
#include <exception>
#include <utility>

namespace nmt::serve {

struct BatchingTranslator::Request {
  std::vector<std::string> lines;
  TranslationOptions options;
  std::chrono::steady_clock::time_point arrived;
  std::vector<Translation> translations;
  std::exception_ptr error;
  bool done = false;
};

namespace {

// Requests decode together only when every option that changes the search is the same.
bool same_search(const TranslationOptions& a, const TranslationOptions& b) {
  return a.beam_size == b.beam_size && a.n_best == b.n_best && a.length_penalty == b.length_penalty &&
         a.max_length_ratio == b.max_length_ratio && a.alignment == b.alignment && a.batch_tokens == b.batch_tokens &&
         a.batch_size == b.batch_size;
}

}  // namespace

BatchingTranslator::BatchingTranslator(const Translator& translator, const BatchingOptions& options,
                                       BatchObserver observer)
    : translator_(translator), options_(options), observer_(std::move(observer)) {
  if (options_.max_batch_sentences < 1) options_.max_batch_sentences = 1;
  if (options_.decoders < 1) options_.decoders = 1;
  // The idle server's decoder, and with more than one thread a decoder per core beside it.
  decoders_.emplace_back([this] { decode_loop(true); });
  for (int i = 0; options_.decoders > 1 && i < options_.decoders; ++i)
    decoders_.emplace_back([this] { decode_loop(false); });
}

BatchingTranslator::~BatchingTranslator() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  arrived_.notify_all();
  for (std::thread& decoder : decoders_) decoder.join();
}

std::vector<Translation> BatchingTranslator::translate(std::vector<std::string> lines,
                                                       const TranslationOptions& options) {
  Request request;
  request.lines = std::move(lines);
  request.options = options;
  request.arrived = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  if (stopping_) throw Error("the translator is shutting down");
  waiting_.push_back(&request);
  ++arrivals_;
  arrived_.notify_all();
  decoded_.wait(lock, [&] { return request.done; });
  if (request.error) std::rethrow_exception(request.error);
  return std::move(request.translations);
}

std::vector<BatchingTranslator::Request*> BatchingTranslator::take_batch(std::unique_lock<std::mutex>& lock) {
  const auto sentences_like_first = [&] {
    std::size_t n = 0;
    for (const Request* r : waiting_)
      if (same_search(r->options, waiting_.front()->options)) n += r->lines.size();
    return n;
  };
  const auto limit = static_cast<std::size_t>(options_.max_batch_sentences);
  if (options_.enabled && (company_expected_ || decoding_ > 0)) {
    // Wait for company until the batch is full or the first request has waited max_wait.
    const auto deadline = waiting_.front()->arrived + options_.max_wait;
    while (!stopping_ && sentences_like_first() < limit &&
           arrived_.wait_until(lock, deadline) != std::cv_status::timeout) {
    }
  }
  // The first request always; then, in order of arrival, those with its options that fit.
  std::vector<Request*> batch{waiting_.front()};
  waiting_.pop_front();
  std::size_t sentences = batch.front()->lines.size();
  if (options_.enabled)
    for (auto it = waiting_.begin(); it != waiting_.end() && sentences < limit;) {
      if (same_search((*it)->options, batch.front()->options) && sentences + (*it)->lines.size() <= limit) {
        sentences += (*it)->lines.size();
        batch.push_back(*it);
        it = waiting_.erase(it);
      } else {
        ++it;
      }
    }
  return batch;
}

void BatchingTranslator::decode_loop(bool on_every_core) {
  const bool alone = options_.decoders == 1;
  std::unique_lock lock(mutex_);
  for (;;) {
    // The idle server's decoder takes requests when no decoder is busy; the per-core decoders
    // when one is (under load, or a request came while the idle server's decoder works).
    arrived_.wait(lock, [&] {
      return (stopping_ && waiting_.empty()) ||
             (!waiting_.empty() && !gathering_ && (alone || (decoding_ == 0) == on_every_core));
    });
    if (waiting_.empty()) return;  // stopping, nothing left
    gathering_ = true;
    const std::vector<Request*> batch = take_batch(lock);
    gathering_ = false;
    ++decoding_;
    const std::uint64_t arrivals_before = arrivals_;
    arrived_.notify_all();  // the rest is for another decoder; or, stopping, nothing is left
    lock.unlock();
    decode(batch, on_every_core);
    lock.lock();
    --decoding_;
    company_expected_ = arrivals_ != arrivals_before;
    decoded_.notify_all();
    arrived_.notify_all();  // the decoders waiting for this one to be busy or idle look again
  }
}

void BatchingTranslator::decode(const std::vector<Request*>& batch, bool on_every_core) {
  std::vector<std::string> lines;
  for (const Request* r : batch) lines.insert(lines.end(), r->lines.begin(), r->lines.end());
  std::vector<Translation> translations;
  std::exception_ptr error;
  try {
    TranslationOptions decoding = batch.front()->options;
    const auto threads = static_cast<std::size_t>(options_.decoders);
    decoding.threads = on_every_core ? 0 : 1;  // the Translator's; or this core, beside the other decoders
    const std::size_t parts = (on_every_core ? threads : 1) * BatchingOptions::kPartsPerThread;
    if (lines.size() >= BatchingOptions::kSplitFrom)
      decoding.batch_size =
          std::min<std::int64_t>(decoding.batch_size, static_cast<std::int64_t>((lines.size() + parts - 1) / parts));
    translations = translator_.translate(lines, decoding);
  } catch (...) {
    error = std::current_exception();
  }
  if (observer_) observer_(batch.size(), lines.size());
  const std::lock_guard lock(mutex_);
  std::size_t next = 0;
  for (Request* r : batch) {
    if (error) {
      r->error = error;
    } else {
      r->translations.assign(
          std::make_move_iterator(translations.begin() + static_cast<std::ptrdiff_t>(next)),
          std::make_move_iterator(translations.begin() + static_cast<std::ptrdiff_t>(next + r->lines.size())));
    }
    next += r->lines.size();
    r->done = true;
  }
}

}  // namespace nmt::serve
