#pragma once
// The source and target vocabularies of a translation direction. A joint vocabulary is one
// SentencePiece model trained on both sides and shared (source and target point to the
// same model), which lets names, numbers and code copy through; separate vocabularies are
// trained on each side alone.

#include <memory>

#include "nmt/data/parallel_corpus.h"
#include "nmt/data/sentencepiece_model.h"

namespace nmt::data {

struct Vocabularies {
  std::shared_ptr<const SentencePieceModel> source;
  std::shared_ptr<const SentencePieceModel> target;

  bool joint() const { return source == target; }
};

struct VocabularyOptions {
  SubwordTrainingOptions subword;  // for each model; vocab_size is per model
  bool joint = true;
};

Vocabularies train_vocabularies(const ParallelCorpus& corpus, const VocabularyOptions& options);

}  // namespace nmt::data
