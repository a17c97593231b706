#include "nmt/decode/translator.h"

#include <algorithm>
#include <sstream>

#include "nmt/data/decoding_batches.h"
#include "nmt/data/encoded_corpus.h"

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
  std::vector<std::vector<std::vector<Hypothesis>>> results;
  for (const data::Batch& b : batches) results.push_back(beam_search(model, b, options.beam));
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
