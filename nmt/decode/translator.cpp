#include "nmt/decode/translator.h"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <sstream>

#include "nmt/data/decoding_batches.h"
#include "nmt/data/encoded_corpus.h"
#include "nmt/graph/engine.h"

namespace nmt {

const std::string& Translation::best() const {
  static const std::string empty;
  return n_best.empty() ? empty : n_best.front().text;
}

}  // namespace nmt

namespace nmt::decode {

std::vector<std::string> Translations::best_lines() const {
  std::vector<std::string> out;
  out.reserve(sentences.size());
  for (const auto& s : sentences) out.push_back(s.best());
  return out;
}

namespace {

// "12.5" rather than "12.500000"; "nan" and "inf" as they are.
std::string number(double x) {
  std::ostringstream s;
  s << x;
  return s.str();
}

}  // namespace

std::string options_error(const TranslateOptions& options) {
  const BeamOptions& b = options.beam;
  if (b.beam_size < 1 || b.beam_size > kMaxBeamSize)
    return "--beam-size must be between 1 and " + std::to_string(kMaxBeamSize) + ", not " + std::to_string(b.beam_size);
  if (b.n_best < 1 || b.n_best > b.beam_size)
    return "--n-best must be between 1 and the beam size (" + std::to_string(b.beam_size) + "), not " +
           std::to_string(b.n_best);
  if (!(b.length_penalty >= 0 && b.length_penalty <= kMaxLengthPenalty))
    return "--length-penalty must be between 0 and " + number(kMaxLengthPenalty) + ", not " + number(b.length_penalty);
  if (!(b.max_length_ratio > 0 && b.max_length_ratio <= kMaxLengthRatio))
    return "--max-length-ratio must be above 0 and at most " + number(kMaxLengthRatio) + ", not " +
           number(b.max_length_ratio);
  const auto signed_value = [](std::size_t n) {
    return n > static_cast<std::size_t>(kMaxBatchOption) ? kMaxBatchOption + 1 : static_cast<std::int64_t>(n);
  };
  if (std::string e = batch_option_error("--batch-tokens", signed_value(options.batch_tokens)); !e.empty()) return e;
  return batch_option_error("--batch-size", signed_value(options.batch_sentences));
}

std::string batch_option_error(const std::string& option, std::int64_t value) {
  if (value >= 1 && value <= kMaxBatchOption) return "";
  return option + " must be between 1 and " + std::to_string(kMaxBatchOption) + ", not " + std::to_string(value);
}

namespace {

// The n-best lists of every batch, in batch order. With more than one batch and more than one
// compute thread, each thread decodes whole batches on its own (oneDNN on one thread inside it),
// taking the next batch when done: at a decoder step's few rows, splitting every small primitive
// between threads costs more in hand-overs than it gains, and the serial work between primitives
// (the graph, beam bookkeeping) leaves the other thread waiting; batches side by side keep both
// busy. One batch, or one thread, decodes on all threads as before. A profiled run decodes side by
// side too (graph/profiler.h adds up the threads' sections), so its tables describe this path.
std::vector<std::vector<std::vector<Hypothesis>>> decode_batches(const models::Seq2SeqModel& model,
                                                                 const std::vector<data::Batch>& batches,
                                                                 const TranslateOptions& options) {
  std::vector<std::vector<std::vector<Hypothesis>>> results(batches.size());
  const int workers =
      static_cast<int>(std::min<std::size_t>(batches.size(), static_cast<std::size_t>(graph::compute_threads())));
  if (workers <= 1 || omp_in_parallel()) {
    for (std::size_t i = 0; i < batches.size(); ++i) results[i] = beam_search(model, batches[i], options.beam);
    return results;
  }
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
#pragma omp parallel num_threads(workers)
  {
    omp_set_num_threads(1);  // this thread's own parallel regions (oneDNN's) run on it alone
    const graph::PrecisionGuard precision(options.precision);
    try {
      for (std::size_t i = next++; i < batches.size(); i = next++)
        results[i] = beam_search(model, batches[i], options.beam);
    } catch (...) {
      const std::lock_guard lock(error_mutex);
      if (!error) error = std::current_exception();
      next = batches.size();
    }
  }
  if (error) std::rethrow_exception(error);
  return results;
}

}  // namespace

Translations translate(const models::Seq2SeqModel& model, const data::Vocabularies& vocabularies,
                       std::span<const std::string> lines, const TranslateOptions& options) {
  const graph::PrecisionGuard precision(options.precision);
  Translations out;
  out.sentences.resize(lines.size());
  data::TokenSequences sources;
  std::vector<std::size_t> nonempty;  // input lines that have tokens
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::vector<std::int32_t> ids = vocabularies.source->encode(lines[i]);
    if (ids.empty()) continue;
    if (options.max_source_length > 1 && static_cast<std::int64_t>(ids.size()) >= options.max_source_length) {
      ids.resize(options.max_source_length - 1);  // room for EOS
      ++out.truncated_inputs;
      out.truncated_lines.push_back(i);
      out.sentences[i].truncated = true;
    }
    for (auto id : ids) out.sentences[i].source_pieces.push_back(vocabularies.source->piece(id));
    sources.push_back(ids);
    nonempty.push_back(i);
  }
  if (sources.empty()) return out;
  const data::WidthPadding padding{options.width_multiple,
                                   static_cast<std::size_t>(std::max<std::int64_t>(options.max_source_length, 0)), 0};
  const std::vector<data::Batch> batches =
      data::make_decoding_batches(sources, options.batch_tokens, options.batch_sentences, padding);
  std::vector<std::vector<std::vector<Hypothesis>>> results = decode_batches(model, batches, options);
  std::vector<std::vector<Hypothesis>> ordered =
      data::restore_input_order<std::vector<Hypothesis>>(batches, std::move(results));
  for (std::size_t k = 0; k < nonempty.size(); ++k) {
    Translation& t = out.sentences[nonempty[k]];
    for (Hypothesis& h : ordered[k]) {
      TranslatedHypothesis th;
      th.text = vocabularies.target->decode(h.tokens);
      for (auto id : h.tokens) th.pieces.push_back(vocabularies.target->piece(id));
      th.score = h.score;
      th.log_probability = h.log_probability;
      th.complete = h.complete;
      th.attention = std::move(h.attention);
      // Rows come as wide as the padded batch: keep the sentence's own pieces and its EOS.
      for (auto& row : th.attention) row.resize(std::min(row.size(), t.source_pieces.size() + 1));
      t.n_best.push_back(std::move(th));
    }
  }
  return out;
}

}  // namespace nmt::decode
