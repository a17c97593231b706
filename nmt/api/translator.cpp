// nmt::Translator (nmt/nmt.h): a model file loaded once, translating batches of lines through
// decode::translate, the path nmt-translate, validation and nmt-compare take too.
#include "nmt/decode/translator.h"

#include <algorithm>
#include <exception>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <utility>

#include "nmt/graph/engine.h"
#include "nmt/graph/memory_pool.h"
#include "nmt/graph/precision.h"
#include "nmt/models/saved_model.h"
#include "nmt/nmt.h"
#include "nmt/text/utf8.h"

namespace nmt {
namespace {

// Calls on one compute thread hold it shared and run side by side, each on its calling thread,
// as decode::translate's own batches side by side do (the primitive caches and oneDNN streams
// are per thread; the memory pool and the models' derived weights lock themselves). Anything
// else holds it alone: a call on more threads (its parallel regions would share the cores with
// the others' work, and the thread count is set per call), loading a model and dropping one.
std::shared_mutex& decoding_mutex() {
  static std::shared_mutex m;
  return m;
}

// The pool holds kDecodingMemoryPoolCapacity while any call decodes (memory_pool.h): the first
// call lowers it and the last one brings back the capacity before. Calls overlap, so a
// capacity saved and restored by each call would restore another call's lowered one.
class DecodingPoolCapacity {
 public:
  DecodingPoolCapacity() {
    const std::lock_guard lock(state().mutex);
    if (state().calls++ == 0) state().scope.emplace(graph::kDecodingMemoryPoolCapacity);
  }
  ~DecodingPoolCapacity() {
    const std::lock_guard lock(state().mutex);
    if (--state().calls == 0) state().scope.reset();
  }
  DecodingPoolCapacity(const DecodingPoolCapacity&) = delete;
  DecodingPoolCapacity& operator=(const DecodingPoolCapacity&) = delete;

 private:
  struct State {
    std::mutex mutex;
    int calls = 0;
    std::optional<graph::ScopedMemoryPoolCapacity> scope;
  };
  static State& state() {
    static State s;
    return s;
  }
};

// Runs `f`, turning the library's exceptions into nmt::Error with the same message.
template <class F>
auto as_nmt_error(F&& f) {
  try {
    return f();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(e.what());
  }
}

}  // namespace

struct Translator::Impl {
  std::string path;
  int threads = 2;
  graph::Precision precision = graph::Precision::f32;
  std::string precision_warning;
  models::SavedModel saved;

  ~Impl() {
    const std::unique_lock lock(decoding_mutex());  // the parameters go back to the shared pool
    saved = {};
  }
};

Translator::Translator(const std::string& model_path, const TranslatorOptions& options)
    : impl_(std::make_unique<Impl>()) {
  impl_->path = model_path;
  if (options.threads < 1 || options.threads > graph::kMaxComputeThreads)
    throw Error("threads must be between 1 and " + std::to_string(graph::kMaxComputeThreads) + ", not " +
                std::to_string(options.threads));
  impl_->threads = options.threads;
  const graph::PrecisionChoice precision = graph::choose_precision(options.precision);
  if (!precision.error.empty()) throw Error("precision " + precision.error);
  impl_->precision = precision.precision;
  impl_->precision_warning = precision.warning;
  const std::unique_lock lock(decoding_mutex());
  impl_->saved = as_nmt_error([&] { return models::load_model(model_path); });
}

Translator::~Translator() = default;
Translator::Translator(Translator&&) noexcept = default;
Translator& Translator::operator=(Translator&&) noexcept = default;

std::vector<Translation> Translator::translate(const std::vector<std::string>& lines,
                                               const TranslationOptions& options) const {
  decode::TranslateOptions o;
  o.beam.beam_size = options.beam_size;
  o.beam.n_best = options.n_best;
  o.beam.length_penalty = options.length_penalty;
  o.beam.max_length_ratio = options.max_length_ratio;
  o.beam.attention = options.alignment;
  for (const auto& [name, value] :
       {std::pair{"batch_tokens", options.batch_tokens}, std::pair{"batch_size", options.batch_size}})
    if (value < 1 || value > decode::kMaxBatchOption)
      throw Error(std::string(name) + " must be between 1 and " + std::to_string(decode::kMaxBatchOption) + ", not " +
                  std::to_string(value));
  if (options.threads < 0 || options.threads > graph::kMaxComputeThreads)
    throw Error("threads must be between 0 and " + std::to_string(graph::kMaxComputeThreads) + ", not " +
                std::to_string(options.threads));
  const int threads = options.threads == 0 ? impl_->threads : options.threads;
  o.batch_tokens = static_cast<std::size_t>(options.batch_tokens);
  o.batch_sentences = static_cast<std::size_t>(options.batch_size);
  if (std::string error = decode::options_error(o); !error.empty()) {
    // Named as the fields of TranslationOptions, not as nmt-translate's command-line options.
    for (const auto& [flag, field] :
         {std::pair{"--beam-size", "beam_size"}, std::pair{"--n-best", "n_best"},
          std::pair{"--length-penalty", "length_penalty"}, std::pair{"--max-length-ratio", "max_length_ratio"}})
      if (const auto at = error.find(flag); at != std::string::npos) error.replace(at, std::string(flag).size(), field);
    throw Error(error);
  }
  o.precision = impl_->precision;
  o.max_source_length = impl_->saved.model->max_source_length();
  // Copied only when a line needs repair (nmt-translate's input is repaired already).
  std::vector<std::string> repaired;
  if (!std::all_of(lines.begin(), lines.end(), [](const std::string& l) { return text::is_valid_utf8(l); })) {
    repaired.reserve(lines.size());
    for (const std::string& line : lines)
      repaired.push_back(text::is_valid_utf8(line) ? line : text::replace_invalid_utf8(line));
  }
  const std::vector<std::string>& input = repaired.empty() ? lines : repaired;

  std::shared_lock<std::shared_mutex> beside_others(decoding_mutex(), std::defer_lock);
  std::unique_lock<std::shared_mutex> alone(decoding_mutex(), std::defer_lock);
  if (threads == 1)
    beside_others.lock();
  else
    alone.lock();
  graph::set_compute_threads(threads);  // this thread's count: its parallel regions, oneDNN's included
  // A decoding-sized pool, as nmt-translate and the trainer's validation use (memory_pool.h).
  const DecodingPoolCapacity pool;
  return as_nmt_error(
      [&] { return std::move(decode::translate(*impl_->saved.model, impl_->saved.vocabularies, input, o).sentences); });
}

const std::string& Translator::model_path() const { return impl_->path; }

std::string Translator::precision() const { return graph::precision_name(impl_->precision); }

const std::string& Translator::precision_warning() const { return impl_->precision_warning; }

std::string Translator::model_description() const {
  return impl_->saved.recipe.model.type + ", " + impl_->saved.model->attention_description() + " attention";
}

std::int64_t Translator::max_source_pieces() const { return impl_->saved.model->max_source_length() - 1; }

std::string version() { return NMT_VERSION; }

}  // namespace nmt
