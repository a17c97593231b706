#include "nmt/decode/translator.h"

#include <algorithm>

#include "nmt/data/decoding_batches.h"
#include "nmt/data/encoded_corpus.h"

namespace nmt::decode {

const std::string& Translation::best() const {
  static const std::string empty;
  return n_best.empty() ? empty : n_best.front().text;
}

std::vector<std::string> Translations::best_lines() const {
  std::vector<std::string> out;
  out.reserve(sentences.size());
  for (const auto& s : sentences) out.push_back(s.best());
  return out;
}

Translations translate(const models::Seq2SeqModel& model, const data::Vocabularies& vocabularies,
                       std::span<const std::string> lines, const TranslateOptions& options) {
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
    }
    for (auto id : ids) out.sentences[i].source_pieces.push_back(vocabularies.source->piece(id));
    sources.push_back(ids);
    nonempty.push_back(i);
  }
  if (sources.empty()) return out;
  const std::vector<data::Batch> batches = data::make_decoding_batches(sources, options.batch_tokens, options.batch_sentences);
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
