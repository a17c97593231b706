#pragma once
// Decoding input in batches of similar source length, so little time goes into padding,
// and the way back to the input order for the output.
//
//   auto batches = make_decoding_batches(sources, 2000);
//   std::vector<std::vector<std::string>> results;          // results[b][row]
//   for (const Batch& b : batches) results.push_back(translate(b));
//   std::vector<std::string> lines = restore_input_order(batches, std::move(results));

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "nmt/data/batch.h"
#include "nmt/data/data_error.h"
#include "nmt/data/token_sequences.h"

namespace nmt::data {

// Every sentence once, longest first, in batches of at most max_tokens padded source
// tokens (rows x width, the width padded_width(longest + EOS, padding.multiple,
// padding.source_cap)); a sentence longer than that gets a batch of its own, since every
// input line needs an output line. Empty sentences are kept (source EOS only).
std::vector<Batch> make_decoding_batches(const TokenSequences& sources, std::size_t max_tokens,
                                         std::size_t max_sentences = SIZE_MAX, const WidthPadding& padding = {});

// results[b][r] is the output for row r of batches[b]; returns the outputs in the order
// of the original input. DataError if the shapes do not match the batches.
template <class T>
std::vector<T> restore_input_order(std::span<const Batch> batches, std::vector<std::vector<T>> results) {
  if (results.size() != batches.size()) {
    throw DataError("restore_input_order: " + std::to_string(results.size()) + " results for " +
                    std::to_string(batches.size()) + " batches");
  }
  std::size_t total = 0;
  for (const Batch& batch : batches) total += batch.rows;
  std::vector<T> ordered(total);
  std::vector<bool> filled(total, false);
  for (std::size_t b = 0; b < batches.size(); ++b) {
    if (results[b].size() != batches[b].rows) {
      throw DataError("restore_input_order: batch " + std::to_string(b) + " has " + std::to_string(batches[b].rows) +
                      " rows but " + std::to_string(results[b].size()) + " results");
    }
    for (std::size_t row = 0; row < batches[b].rows; ++row) {
      const std::size_t index = batches[b].sentence_indices[row];
      if (index >= total || filled[index]) {
        throw DataError("restore_input_order: batches do not cover each sentence once");
      }
      ordered[index] = std::move(results[b][row]);
      filled[index] = true;
    }
  }
  return ordered;
}

}  // namespace nmt::data
