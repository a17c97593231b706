#include "nmt/train/training_data.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>

#include "nmt/data/data_error.h"
#include "nmt/data/sentencepiece_model.h"
#include "nmt/data/text_file.h"
#include "nmt/models/factory.h"
#include "nmt/models/saved_model.h"

namespace nmt::train {

TrainingData TrainingData::read(const io::Recipe& recipe) {
  const auto& d = recipe.data;
  TrainingData result;
  result.train_pairs_.emplace(data::ParallelCorpus::read(d.train_source, d.train_target));
  result.training_pair_count = result.train_pairs_->size();
  if (!d.sentencepiece_model.empty() && !std::filesystem::is_regular_file(d.sentencepiece_model))
    throw data::DataError(d.sentencepiece_model + ": data.sentencepiece_model: no such file");
  if (!d.dev_source.empty()) result.dev_pairs_.emplace(data::ParallelCorpus::read(d.dev_source, d.dev_target));
  if (!d.test_source.empty()) {
    result.test_sources = data::read_text_lines(d.test_source);
    result.test_references = data::read_text_lines(d.test_target);
    if (result.test_sources.size() != result.test_references.size())
      throw data::DataError(fmt::format("data.test_source {} has {} lines but data.test_target {} has {}",
                                        d.test_source, result.test_sources.size(), d.test_target,
                                        result.test_references.size()));
  }
  return result;
}

data::BatchingOptions training_batching(const io::Recipe& recipe) {
  data::BatchingOptions batching;
  batching.max_tokens = static_cast<std::size_t>(recipe.training.batch_tokens);
  batching.max_length = static_cast<std::size_t>(recipe.data.max_length);
  batching.seed = static_cast<std::uint64_t>(recipe.training.seed);
  // Row counts in multiples of 8 pay off where ops see the rows alone: the RNN decoder's
  // per-step [rows, hidden] ops (bench-data: 19 row counts per epoch instead of 48), and the
  // classifier's LSTM encoder likewise. Every Transformer op sees rows and width together,
  // and multiples of 8 leave its number of shapes as it is (155 instead of 157) while making
  // its batches 8% smaller (issue 15).
  batching.row_multiple = recipe.model.type == "transformer" ? 1 : 8;
  return batching;
}

void TrainingData::prepare(const io::Recipe& recipe, const io::Sections* checkpoint,
                           const std::function<void(const std::string&)>& say) {
  const auto& d = recipe.data;
  const auto start = std::chrono::steady_clock::now();
  const data::ParallelCorpus corpus = std::move(*train_pairs_);
  train_pairs_.reset();
  say(
      fmt::format("data: preparing {} training pairs ({}; a stop signal takes effect after this step, a second "
                  "one at once)",
                  corpus.size(),
                  checkpoint                       ? "vocabularies from the checkpoint"
                  : !d.sentencepiece_model.empty() ? "SentencePiece model " + d.sentencepiece_model
                                                   : "training SentencePiece"));
  if (checkpoint) {
    vocabularies = models::model_from_sections(*checkpoint, "checkpoint").vocabularies;
  } else if (!d.sentencepiece_model.empty()) {
    auto spm = std::make_shared<const data::SentencePieceModel>(data::SentencePieceModel::load(d.sentencepiece_model));
    vocabularies = {spm, spm};
  } else {
    data::VocabularyOptions options;
    options.joint = d.joint_vocabulary;
    options.subword.vocab_size = static_cast<int>(d.vocab_size);
    options.subword.character_coverage = d.character_coverage;
    options.subword.model_type =
        d.sentencepiece_type == "bpe" ? data::SubwordModelType::bpe : data::SubwordModelType::unigram;
    options.subword.seed = static_cast<std::uint32_t>(recipe.training.seed);
    vocabularies = data::train_vocabularies(corpus, options);
  }
  train_corpus = std::make_shared<const data::EncodedCorpus>(data::encode_corpus(corpus, vocabularies));
  batcher = std::make_unique<data::TrainingBatcher>(train_corpus, training_batching(recipe));
  const auto& f = batcher->filter_stats();
  say(
      fmt::format("data: {} training pairs, {} kept, {} longer than {} subwords, {} with an empty side, {} empty lines "
                  "skipped; vocabulary {} source / {} target ({}); {:.1f} s",
                  corpus.size(), f.kept, f.too_long, d.max_length, f.empty_side, corpus.skipped_empty_pairs(),
                  vocabularies.source->size(), vocabularies.target->size(), vocabularies.joint() ? "joint" : "separate",
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()));
  if (!dev_pairs_) return;
  data::EncodedCorpus encoded = data::encode_corpus(*dev_pairs_, vocabularies);
  if (models::source_length_is_limited(recipe)) {
    // The model cannot read longer sources at all; translation cuts them (as nmt-translate
    // does), and so does the perplexity, with the count in the log.
    const std::size_t limit = static_cast<std::size_t>(models::max_source_length(recipe)) - 1;  // room for EOS
    data::EncodedCorpus cut;
    std::size_t cut_count = 0;
    for (std::size_t i = 0; i < encoded.size(); ++i) {
      const auto source = encoded.source[i];
      cut_count += source.size() > limit;
      cut.source.push_back(source.first(std::min(source.size(), limit)));
      cut.target.push_back(encoded.target[i]);
    }
    if (cut_count > 0)
      say(fmt::format("dev: {} sources longer than the model's {} subwords are cut for the perplexity", cut_count,
                      limit));
    encoded = std::move(cut);
  }
  dev_corpus = std::make_shared<const data::EncodedCorpus>(std::move(encoded));
  dev_sources = data::read_text_lines(d.dev_source);
  dev_references = data::read_text_lines(d.dev_target);
  dev_pairs_.reset();
  if (recipe.validation.max_sentences > 0 &&
      static_cast<std::size_t>(recipe.validation.max_sentences) < dev_sources.size()) {
    dev_sources.resize(recipe.validation.max_sentences);
    dev_references.resize(recipe.validation.max_sentences);
  }
}

}  // namespace nmt::train
