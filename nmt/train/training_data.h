// The data of a training run, from the files its recipe names. read() checks every file
// before anything is written (a mistake costs neither a run directory nor a training run);
// prepare() then makes the vocabularies (the checkpoint's, a given SentencePiece model's, or
// trained), encodes the training corpus and builds its batcher, and encodes the dev set.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nmt/data/batching.h"
#include "nmt/data/encoded_corpus.h"
#include "nmt/data/parallel_corpus.h"
#include "nmt/data/vocabularies.h"
#include "nmt/io/recipe.h"
#include "nmt/io/section_file.h"

namespace nmt::train {

struct TrainingData {
  // Reads the training, dev and test pairs (exist, UTF-8, equal line counts) and checks that
  // data.sentencepiece_model exists; data::DataError names the file and what is wrong.
  static TrainingData read(const io::Recipe& recipe);

  // Vocabularies, the encoded training corpus and its batcher, and the dev set; `checkpoint`
  // (when resuming) supplies the vocabularies. The training pairs as read are released. The
  // log lines (what is prepared, counts, time) go to `say`.
  void prepare(const io::Recipe& recipe, const io::Sections* checkpoint,
               const std::function<void(const std::string&)>& say);

  std::size_t training_pairs() const { return training_pair_count; }

  data::Vocabularies vocabularies;
  std::shared_ptr<const data::EncodedCorpus> train_corpus;
  std::unique_ptr<data::TrainingBatcher> batcher;
  // The dev set: encoded for the perplexity (sources cut to what a model that limits its
  // source length can read), and as text for BLEU (the first validation.max_sentences).
  // Null: no dev set.
  std::shared_ptr<const data::EncodedCorpus> dev_corpus;
  std::vector<std::string> dev_sources, dev_references;
  std::vector<std::string> test_sources, test_references;  // empty: no test split

 private:
  std::size_t training_pair_count = 0;
  std::optional<data::ParallelCorpus> train_pairs_, dev_pairs_;  // from read() until prepare()
};

// The batching of the training corpus a recipe asks for.
data::BatchingOptions training_batching(const io::Recipe& recipe);

}  // namespace nmt::train
