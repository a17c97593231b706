#include "nmt/report/comparison.h"

#include <fmt/format.h>

#include <filesystem>

#include "nmt/data/text_file.h"
#include "nmt/decode/attention_profile.h"
#include "nmt/decode/translator.h"
#include "nmt/eval/bleu.h"
#include "nmt/eval/chrf.h"
#include "nmt/graph/engine.h"
#include "nmt/models/factory.h"
#include "nmt/models/saved_model.h"
#include "nmt/train/evaluator.h"

namespace nmt::report {

namespace fs = std::filesystem;

namespace {

// The attention map of one decoded sentence. The translator's rows are as wide as the padded
// batch the sentence was decoded in; the columns past the sentence's own pieces and EOS are
// padding, which attention gives no weight.
AttentionMap attention_map(const decode::Translation& t, std::size_t line, const std::string& source_text) {
  const decode::TranslatedHypothesis& best = t.n_best.front();
  AttentionMap map;
  map.title = fmt::format("test line {}", line);
  map.source_text = source_text;
  map.target_text = best.text;
  map.source_pieces = t.source_pieces;
  map.source_pieces.push_back("</s>");
  map.target_pieces = best.pieces;
  if (best.complete) map.target_pieces.push_back("</s>");
  const std::size_t columns = map.source_pieces.size();
  for (const auto& row : best.attention) {
    if (row.size() < columns)
      throw std::logic_error(fmt::format("test line {}: an attention row of {} weights for {} source positions", line,
                                         row.size(), columns));
    for (std::size_t j = columns; j < row.size(); ++j)
      if (row[j] != 0.0f)
        throw std::logic_error(
            fmt::format("test line {}: attention weight {} on padding position {}", line, row[j], j));
    map.weights.emplace_back(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(columns));
  }
  check_attention_map(map);
  return map;
}

}  // namespace

TestSet read_test_set(const std::string& source_path, const std::string& reference_path) {
  TestSet t;
  t.source_path = source_path;
  t.reference_path = reference_path;
  try {
    t.sources = data::read_text_lines(source_path);
    t.references = data::read_text_lines(reference_path);
  } catch (const std::exception& e) {
    throw ReportError(std::string("test set: ") + e.what());
  }
  if (t.sources.size() != t.references.size())
    throw ReportError(fmt::format("test set: {} has {} lines but {} has {}", source_path, t.sources.size(),
                                  reference_path, t.references.size()));
  if (t.sources.empty()) throw ReportError("test set: " + source_path + " is empty");
  return t;
}

RunResult evaluate_run(const RunSpec& spec, const TestSet& test, const DecodingSettings& settings,
                       const std::vector<std::size_t>& heatmap_lines) {
  RunResult r;
  r.name = spec.name;
  r.recipe_name = spec.recipe_name;
  r.argument = spec.argument;
  r.run_directory = spec.directory();
  r.model_path = (fs::path(spec.directory()) / "model.nmt").string();
  r.metrics = read_run_metrics((fs::path(spec.directory()) / "metrics.jsonl").string());
  if (!fs::exists(r.model_path)) throw ReportError(r.model_path + ": missing: no model to translate with");
  const models::SavedModel saved = models::load_model(r.model_path);
  r.model_type = saved.recipe.model.type;
  r.seed = saved.recipe.training.seed;  // what the run was trained with
  r.attention = saved.model->attention_description();
  r.parameters = saved.model->parameters().element_count();
  for (const std::size_t line : heatmap_lines)
    if (line < 1 || line > test.sources.size())
      throw ReportError(
          fmt::format("heat-map line {} is not a line of {} ({} lines)", line, test.source_path, test.sources.size()));

  decode::TranslateOptions options;
  options.batch_tokens = settings.batch_tokens;
  options.max_source_length = saved.model->max_source_length();
  options.beam.beam_size = settings.beam_size;
  options.precision = settings.precision;
  options.beam.length_penalty = settings.length_penalty;
  options.beam.max_length_ratio = settings.max_length_ratio;
  // Keeping the attention rows of the hypotheses costs copies of a few floats per step,
  // next to nothing beside the model's own work, and lets the heat-maps (and the attention
  // profile) show the very translations that were scored.
  options.beam.attention = saved.model->has_attention();
  graph::set_compute_threads(settings.threads);
  train::ScoredTranslations scored =
      train::translate_and_score(*saved.model, saved.vocabularies, test.sources, test.references, options);
  r.decoding_seconds = scored.seconds;
  r.sentences_per_second = scored.sentences_per_second();
  r.translations = std::move(scored.lines);
  r.test_bleu = scored.bleu.score;
  r.test_chrf = scored.chrf.score;
  r.bleu_signature = eval::signature(eval::BleuOptions{}, 1);
  r.chrf_signature = eval::signature(eval::ChrfOptions{}, 1);
  const decode::Translations& translations = scored.translations;

  r.has_attention = saved.model->has_attention();
  if (r.has_attention) {
    const decode::AttentionProfile profile = decode::attention_profile(translations);
    if (profile.tokens > 0) r.attention_diagonal = profile.diagonal;
    for (const std::size_t line : heatmap_lines) {
      HeatmapSentence h;
      h.line = line;
      const decode::Translation& t = translations.sentences[line - 1];
      if (!t.n_best.empty()) h.map = attention_map(t, line, test.sources[line - 1]);
      r.heatmaps.push_back(std::move(h));
    }
  }
  return r;
}

}  // namespace nmt::report
