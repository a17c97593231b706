#pragma once
// Sentences turned into subword ids (no bos/eos: batching adds them where the model wants
// them).

#include <cstddef>
#include <span>
#include <string>

#include "nmt/data/parallel_corpus.h"
#include "nmt/data/sentencepiece_model.h"
#include "nmt/data/token_sequences.h"
#include "nmt/data/vocabularies.h"

namespace nmt::data {

struct EncodedCorpus {
  TokenSequences source;
  TokenSequences target;

  std::size_t size() const { return source.size(); }
};

EncodedCorpus encode_corpus(const ParallelCorpus& corpus, const Vocabularies& vocabularies);

TokenSequences encode_sentences(std::span<const std::string> sentences, const SentencePieceModel& model);

}  // namespace nmt::data
