#pragma once
// A few hundred real sentence pairs for tests that train SentencePiece: the first pairs of
// the committed en-fr dev split, small enough to train a model in well under a second.

#include <filesystem>

#include "nmt/data/parallel_corpus.h"

namespace nmt::data::testing {

inline ParallelCorpus small_corpus(size_t pairs = 250) {
  const std::filesystem::path dir = std::filesystem::path(NMT_SOURCE_DIR) / "corpora/en-fr";
  const auto dev = ParallelCorpus::read(dir / "dev.en.gz", dir / "dev.fr.gz");
  const size_t n = std::min(pairs, dev.size());
  return ParallelCorpus({dev.source().begin(), dev.source().begin() + n},
                        {dev.target().begin(), dev.target().begin() + n});
}

}  // namespace nmt::data::testing
