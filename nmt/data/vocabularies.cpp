#include "nmt/data/vocabularies.h"

#include <array>

namespace nmt::data {

Vocabularies train_vocabularies(const ParallelCorpus& corpus, const VocabularyOptions& options) {
  if (options.joint) {
    const std::array<std::span<const std::string>, 2> both_sides = {corpus.source(), corpus.target()};
    auto model = std::make_shared<const SentencePieceModel>(SentencePieceModel::train(both_sides, options.subword));
    return {model, model};
  }
  const std::array<std::span<const std::string>, 1> source_side = {corpus.source()};
  const std::array<std::span<const std::string>, 1> target_side = {corpus.target()};
  return {std::make_shared<const SentencePieceModel>(SentencePieceModel::train(source_side, options.subword)),
          std::make_shared<const SentencePieceModel>(SentencePieceModel::train(target_side, options.subword))};
}

}  // namespace nmt::data
