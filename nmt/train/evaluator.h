// Scoring a model: the dev perplexity, and translations of a set of sentences scored with
// sacreBLEU-compatible BLEU and chrF. The trainer validates and scores its test split with
// these; nmt-compare (report::evaluate_run) scores every run's test translations with the same
// translate_and_score, so the two cannot disagree on how a score is made.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "nmt/data/encoded_corpus.h"
#include "nmt/data/vocabularies.h"
#include "nmt/decode/translator.h"
#include "nmt/eval/bleu.h"
#include "nmt/eval/chrf.h"
#include "nmt/io/recipe.h"
#include "nmt/models/model.h"

namespace nmt::train {

struct ScoredTranslations {
  decode::Translations translations;
  std::vector<std::string> lines;  // the best hypothesis of each source, in order
  eval::BleuScore bleu;
  eval::ChrfScore chrf;
  double seconds = 0;  // decoding time (scoring not included)
  double sentences_per_second() const;
};

// Translates `sources` with `options` (timed) and scores the best hypotheses against one
// reference stream.
ScoredTranslations translate_and_score(const models::Seq2SeqModel& model, const data::Vocabularies& vocabularies,
                                       const std::vector<std::string>& sources,
                                       const std::vector<std::string>& references,
                                       const decode::TranslateOptions& options);

// The greedy decoding inside nmt-train (validation BLEU, the test split): the recipe's batch
// size and output ratio, the model's source limit.
decode::TranslateOptions greedy_options(const io::Recipe& recipe, const models::Seq2SeqModel& model);

// exp(mean target-token cross-entropy) over every pair of `dev`: teacher forced, no dropout,
// no label smoothing, batches of `batch_tokens` (at least one pair each) padded as in training.
double dev_perplexity(const models::Seq2SeqModel& model, const std::shared_ptr<const data::EncodedCorpus>& dev,
                      std::size_t batch_tokens);

}  // namespace nmt::train
