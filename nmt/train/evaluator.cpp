#include "nmt/train/evaluator.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "nmt/data/batching.h"
#include "nmt/graph/engine.h"

namespace nmt::train {

double ScoredTranslations::sentences_per_second() const {
  return static_cast<double>(lines.size()) / std::max(seconds, 1e-9);
}

ScoredTranslations translate_and_score(const models::Seq2SeqModel& model, const data::Vocabularies& vocabularies,
                                       const std::vector<std::string>& sources,
                                       const std::vector<std::string>& references,
                                       const decode::TranslateOptions& options) {
  ScoredTranslations scored;
  const auto start = std::chrono::steady_clock::now();
  scored.translations = decode::translate(model, vocabularies, sources, options);
  scored.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  scored.lines = scored.translations.best_lines();
  scored.bleu = eval::corpus_bleu(scored.lines, {references});
  scored.chrf = eval::corpus_chrf(scored.lines, {references});
  return scored;
}

decode::TranslateOptions greedy_options(const io::Recipe& recipe, const models::Seq2SeqModel& model) {
  decode::TranslateOptions o;
  o.batch_tokens = static_cast<std::size_t>(recipe.training.batch_tokens);
  o.max_source_length = model.max_source_length();
  o.beam.beam_size = 1;
  o.beam.max_length_ratio = static_cast<double>(recipe.validation.max_output_ratio_percent) / 100.0;
  return o;
}

double dev_perplexity(const models::Seq2SeqModel& model, const std::shared_ptr<const data::EncodedCorpus>& dev,
                      std::size_t batch_tokens) {
  graph::NoGradGuard no_grad;
  // Every dev pair counts: the length limit is the longest dev sentence, and a batch holds at
  // least one of them.
  std::size_t longest_source = 1, longest_target = 1;
  for (std::size_t i = 0; i < dev->size(); ++i) {
    longest_source = std::max(longest_source, dev->source.length(i));
    longest_target = std::max(longest_target, dev->target.length(i));
  }
  const std::size_t longest = std::max(longest_source, longest_target);
  data::BatchingOptions b;
  b.max_length = longest;
  b.max_tokens = std::max(batch_tokens, longest + 1);
  data::TrainingBatcher batches(dev, b);
  const data::EpochPlan plan = batches.plan_epoch(0);
  double loss = 0, tokens = 0;
  for (std::size_t i = 0; i < plan.batch_count(); ++i) {
    // Widths as in training, but a source no wider than the dev set's longest (which is cut to
    // what the model can read).
    const data::Batch batch =
        data::make_training_batch(*dev, plan.batch(i), {b.width_multiple, longest_source + 1, longest_target + 1});
    const models::LossResult r = model.loss(batch, {});
    loss += r.loss.value().item();
    tokens += static_cast<double>(r.target_tokens);
  }
  return std::exp(loss / std::max(tokens, 1.0));
}

}  // namespace nmt::train
