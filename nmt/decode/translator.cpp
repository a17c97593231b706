#include "nmt/decode/translator.h"

#include <algorithm>
#include <cmath>

#include "nmt/data/decoding_batches.h"
#include "nmt/data/encoded_corpus.h"
#include "nmt/decode/greedy.h"

namespace nmt::decode {

Translations translate(const models::Seq2SeqModel& model, const data::Vocabularies& vocabularies,
                       std::span<const std::string> lines, const TranslateOptions& options) {
  Translations out;
  data::TokenSequences sources;
  std::vector<std::size_t> nonempty;  // input lines that have tokens
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::vector<std::int32_t> ids = vocabularies.source->encode(lines[i]);
    if (ids.empty()) continue;
    if (options.max_source_length > 1 && static_cast<std::int64_t>(ids.size()) >= options.max_source_length) {
      ids.resize(options.max_source_length - 1);  // room for EOS
      ++out.truncated_inputs;
    }
    sources.push_back(ids);
    nonempty.push_back(i);
  }
  out.lines.assign(lines.size(), std::string());
  if (sources.empty()) return out;
  const std::vector<data::Batch> batches = data::make_decoding_batches(sources, options.batch_tokens);
  std::vector<std::vector<std::string>> results;
  for (const data::Batch& b : batches) {
    const auto limit = static_cast<std::int64_t>(std::ceil(options.max_output_ratio * static_cast<double>(b.source_width))) + 10;
    const auto ids = greedy_decode(model, b, limit);
    std::vector<std::string> texts;
    for (const auto& seq : ids) texts.push_back(vocabularies.target->decode(seq));
    results.push_back(std::move(texts));
  }
  std::vector<std::string> ordered = data::restore_input_order<std::string>(batches, std::move(results));
  for (std::size_t k = 0; k < nonempty.size(); ++k) out.lines[nonempty[k]] = std::move(ordered[k]);
  return out;
}

}  // namespace nmt::decode
