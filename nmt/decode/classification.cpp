#include "nmt/decode/classification.h"

#include "nmt/data/decoding_batches.h"
#include "nmt/data/encoded_corpus.h"
#include "nmt/data/special_ids.h"

namespace nmt::decode {

std::vector<Classification> classify(const models::Classifier& model, const data::SentencePieceModel& vocabulary,
                                     std::span<const std::string> sentences, std::size_t batch_tokens) {
  const data::TokenSequences encoded = data::encode_sentences(sentences, vocabulary);
  const std::vector<data::Batch> batches = data::make_decoding_batches(encoded, batch_tokens);
  std::vector<std::vector<Classification>> results;
  results.reserve(batches.size());
  for (const data::Batch& batch : batches) {
    std::vector<models::Prediction> predictions = model.predict(batch);
    std::vector<Classification>& out = results.emplace_back(batch.rows);
    for (std::size_t r = 0; r < batch.rows; ++r) {
      out[r].prediction = std::move(predictions[r]);
      const auto ids = encoded[batch.sentence_indices[r]];
      out[r].ids.assign(ids.begin(), ids.end());
      out[r].ids.push_back(data::kEosId);
    }
  }
  return data::restore_input_order<Classification>(batches, std::move(results));
}

}  // namespace nmt::decode
