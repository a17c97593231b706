#include "nmt/data/encoded_corpus.h"

namespace nmt::data {

TokenSequences encode_sentences(std::span<const std::string> sentences, const SentencePieceModel& model) {
  TokenSequences encoded;
  std::size_t bytes = 0;
  for (const std::string& sentence : sentences) bytes += sentence.size();
  // A subword is rarely shorter than 3 bytes; reserving that avoids most regrowth.
  encoded.reserve(sentences.size(), bytes / 3);
  for (const std::string& sentence : sentences) encoded.push_back(model.encode(sentence));
  return encoded;
}

EncodedCorpus encode_corpus(const ParallelCorpus& corpus, const Vocabularies& vocabularies) {
  return {encode_sentences(corpus.source(), *vocabularies.source),
          encode_sentences(corpus.target(), *vocabularies.target)};
}

}  // namespace nmt::data
