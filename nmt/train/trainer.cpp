#include "nmt/train/trainer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>  // program_invocation_short_name
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "nmt/data/batching.h"
#include "nmt/data/data_error.h"
#include "nmt/data/encoded_corpus.h"
#include "nmt/data/parallel_corpus.h"
#include "nmt/data/sentencepiece_model.h"
#include "nmt/data/text_file.h"
#include "nmt/data/vocabularies.h"
#include "nmt/decode/translator.h"
#include "nmt/eval/bleu.h"
#include "nmt/eval/chrf.h"
#include "nmt/graph/cpu_info.h"
#include "nmt/graph/engine.h"
#include "nmt/graph/memory_pool.h"
#include "nmt/graph/ops.h"
#include "nmt/graph/primitive_cache.h"
#include "nmt/graph/resident_memory.h"
#include "nmt/graph/tensor_io.h"
#include "nmt/io/section_file.h"
#include "nmt/models/factory.h"
#include "nmt/models/saved_model.h"
#include "nmt/train/lr_schedule.h"
#include "nmt/train/metrics_log.h"
#include "nmt/train/optimizer.h"
#include "nmt/train/run_directory.h"

namespace nmt::train {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

namespace {

std::atomic<int> g_stop_signal{0};

void write_to_stderr(const char* text) {
  std::size_t left = std::strlen(text);
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, text, left);
    if (n <= 0) return;
    text += n;
    left -= static_cast<std::size_t>(n);
  }
}

// The first signal asks for a clean stop at the next safe point (after the current update,
// or after data preparation, which cannot be interrupted); a second one stops at once. Every
// file the trainer writes is replaced atomically, so stopping at once loses at most the work
// since the last checkpoint.
extern "C" void on_stop_signal(int signal_number) {
  write_to_stderr("\n");
  write_to_stderr(program_invocation_short_name);  // nmt-train or nmt-compare
  if (g_stop_signal.exchange(signal_number) != 0) {
    write_to_stderr(": second stop signal: stopping at once; the last checkpoint is intact\n");
    ::_exit(128 + signal_number);
  }
  write_to_stderr(": stopping at the next safe point (signal again to stop at once)\n");
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<long>(seconds);
  return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
                   : fmt::format("{}:{:02}", s / 60, s % 60);
}

struct TrainerState {
  std::int64_t step = 0;
  data::BatchPosition position;
  std::uint64_t dropout_position = 0;
  double seconds = 0;
  std::int64_t target_tokens = 0;
  bool has_best = false;
  double best_metric = 0;
  std::int64_t best_step = 0;
  std::int64_t stalled_validations = 0;
  double plateau_scale = 1.0;
  std::int64_t plateau_stalled = 0;
  std::int64_t skipped_updates = 0;
  // The best_* fields above record the scheduled validations (every validation.every_steps),
  // which drive early stopping and the plateau schedule; the model_* fields record what
  // model.nmt holds, which also the validation at the end of a run may replace. Keeping the
  // two apart keeps a stopped and resumed run on the same schedule as an uninterrupted one.
  std::int64_t last_validated_step = -1;
  bool has_model = false;
  double model_metric = 0;
  std::int64_t model_step = 0;

  json to_json() const {
    return {{"step", step},
            {"epoch", position.epoch},
            {"batch", position.batch},
            {"dropout_position", dropout_position},
            {"seconds", seconds},
            {"target_tokens", target_tokens},
            {"has_best", has_best},
            {"best_metric", best_metric},
            {"best_step", best_step},
            {"stalled_validations", stalled_validations},
            {"plateau_scale", plateau_scale},
            {"plateau_stalled", plateau_stalled},
            {"skipped_updates", skipped_updates},
            {"last_validated_step", last_validated_step},
            {"has_model", has_model},
            {"model_metric", model_metric},
            {"model_step", model_step}};
  }
  static TrainerState from_json(const json& j) {
    TrainerState s;
    s.step = j.at("step");
    s.position.epoch = j.at("epoch");
    s.position.batch = j.at("batch");
    s.dropout_position = j.at("dropout_position");
    s.seconds = j.at("seconds");
    s.target_tokens = j.at("target_tokens");
    s.has_best = j.at("has_best");
    s.best_metric = j.at("best_metric");
    s.best_step = j.at("best_step");
    s.stalled_validations = j.at("stalled_validations");
    s.plateau_scale = j.at("plateau_scale");
    s.plateau_stalled = j.at("plateau_stalled");
    s.skipped_updates = j.at("skipped_updates");
    // Checkpoints written before these fields existed: model.nmt was the best scheduled one.
    s.last_validated_step = j.value("last_validated_step", std::int64_t{-1});
    s.has_model = j.value("has_model", s.has_best);
    s.model_metric = j.value("model_metric", s.best_metric);
    s.model_step = j.value("model_step", s.best_step);
    return s;
  }
};

}  // namespace

void install_stop_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}
int received_stop_signal() { return g_stop_signal.load(); }
void request_stop(int signal_number) { g_stop_signal.store(signal_number); }

struct Trainer::Impl {
  io::Recipe recipe;
  std::ostream& log_stream;
  bool progress_bar;
  fs::path dir;
  std::unique_ptr<RunDirectory> run_directory;  // locked while the trainer lives
  std::ofstream log_file;
  std::unique_ptr<MetricsLog> metrics;

  data::Vocabularies vocabularies;
  std::shared_ptr<const data::EncodedCorpus> train_corpus;
  std::unique_ptr<data::TrainingBatcher> batcher;
  std::shared_ptr<const data::EncodedCorpus> dev_corpus;
  std::vector<std::string> dev_sources, dev_references;

  std::unique_ptr<models::Seq2SeqModel> model;
  std::unique_ptr<Adam> adam;
  std::unique_ptr<LearningRateSchedule> schedule;
  graph::RandomGenerator dropout{0};
  TrainerState state;
  std::int64_t checkpoint_step = -1;  // step of the newest checkpoint on disk

  // Read by check_inputs() before anything is written; the training pairs are released once
  // encoded.
  std::optional<data::ParallelCorpus> train_pairs;
  std::vector<std::string> test_sources, test_references;

  Impl(io::Recipe r, std::ostream& log, bool bar)
      : recipe(io::with_absolute_paths(r, fs::current_path().string())), log_stream(log), progress_bar(bar) {}

  void say(const std::string& line) {
    if (progress_bar) log_stream << "\r\033[K";
    log_stream << line << std::endl;
    if (log_file) log_file << line << std::endl;
  }
  // A line for train.log alone (on a terminal, the progress bar shows it on screen).
  void log_only(const std::string& line) {
    if (log_file) log_file << line << std::endl;
  }

  fs::path checkpoint_dir() const { return run_directory->checkpoint_dir(); }
  std::vector<fs::path> checkpoints_newest_first() const { return run_directory->checkpoints_newest_first(); }

  // Every file the recipe names, read and checked (exists, UTF-8, equal line counts) before
  // anything is written, so that a mistake costs neither a run directory nor a training run.
  void check_inputs() {
    const auto& d = recipe.data;
    train_pairs.emplace(data::ParallelCorpus::read(d.train_source, d.train_target));
    if (!d.sentencepiece_model.empty() && !fs::is_regular_file(d.sentencepiece_model))
      throw data::DataError(d.sentencepiece_model + ": data.sentencepiece_model: no such file");
    if (!d.dev_source.empty()) (void)data::ParallelCorpus::read(d.dev_source, d.dev_target);
    if (!d.test_source.empty()) {
      test_sources = data::read_text_lines(d.test_source);
      test_references = data::read_text_lines(d.test_target);
      if (test_sources.size() != test_references.size())
        throw data::DataError(fmt::format("data.test_source {} has {} lines but data.test_target {} has {}",
                                          d.test_source, test_sources.size(), d.test_target, test_references.size()));
    }
  }

  void open_run_directory() {
    dir = recipe.output.directory;
    fs::create_directories(dir);
    run_directory = std::make_unique<RunDirectory>(dir);
    run_directory->lock();
    bool afresh = false;
    if (const std::string difference = run_directory->difference_from(recipe); !difference.empty()) {
      // A run that never reached its first checkpoint (it failed at start-up) holds nothing to
      // lose: the corrected recipe starts it afresh.
      if (run_directory->has_checkpoint())
        throw io::RecipeError(dir.string() + " holds a run of a different recipe: " + difference +
                              "; resume it with 'nmt-train " + dir.string() + "' or set another output.directory");
      afresh = true;
    }
    fs::create_directories(checkpoint_dir());
    io::write_file_atomically((dir / "recipe.yaml").string(), recipe.effective_yaml);
    log_file.open(dir / "train.log", std::ios::app);
    metrics = std::make_unique<MetricsLog>((dir / "metrics.jsonl").string());
    if (afresh) say(dir.string() + " held no checkpoint (an earlier start failed before training): starting afresh");
  }

  void prepare_data(const io::Sections* checkpoint) {
    const auto& d = recipe.data;
    const auto start = Clock::now();
    const data::ParallelCorpus corpus = std::move(*train_pairs);
    train_pairs.reset();
    say(
        fmt::format("data: preparing {} training pairs ({}; a stop signal takes effect after this step, a second "
                    "one at once)",
                    corpus.size(),
                    checkpoint                       ? "vocabularies from the checkpoint"
                    : !d.sentencepiece_model.empty() ? "SentencePiece model " + d.sentencepiece_model
                                                     : "training SentencePiece"));
    if (checkpoint) {
      const auto model = models::model_from_sections(*checkpoint, "checkpoint");
      vocabularies = model.vocabularies;
    } else if (!d.sentencepiece_model.empty()) {
      auto spm =
          std::make_shared<const data::SentencePieceModel>(data::SentencePieceModel::load(d.sentencepiece_model));
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
    data::BatchingOptions batching;
    batching.max_tokens = static_cast<std::size_t>(recipe.training.batch_tokens);
    batching.max_length = static_cast<std::size_t>(d.max_length);
    batching.seed = static_cast<std::uint64_t>(recipe.training.seed);
    // Row counts in multiples of 8 pay off where ops see the rows alone: the RNN decoder's
    // per-step [rows, hidden] ops (bench-data: 19 row counts per epoch instead of 48). Every
    // Transformer op sees rows and width together, and multiples of 8 leave its number of
    // shapes as it is (155 instead of 157) while making its batches 8% smaller (issue 15).
    batching.row_multiple = recipe.model.type == "rnn" ? 8 : 1;
    batcher = std::make_unique<data::TrainingBatcher>(train_corpus, batching);
    const auto& f = batcher->filter_stats();
    say(fmt::format(
        "data: {} training pairs, {} kept, {} longer than {} subwords, {} with an empty side, {} empty lines "
        "skipped; vocabulary {} source / {} target ({}); {:.1f} s",
        corpus.size(), f.kept, f.too_long, d.max_length, f.empty_side, corpus.skipped_empty_pairs(),
        vocabularies.source->size(), vocabularies.target->size(), vocabularies.joint() ? "joint" : "separate",
        std::chrono::duration<double>(Clock::now() - start).count()));
    if (!d.dev_source.empty()) {
      const data::ParallelCorpus dev = data::ParallelCorpus::read(d.dev_source, d.dev_target);
      data::EncodedCorpus encoded = data::encode_corpus(dev, vocabularies);
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
      if (recipe.validation.max_sentences > 0 &&
          static_cast<std::size_t>(recipe.validation.max_sentences) < dev_sources.size()) {
        dev_sources.resize(recipe.validation.max_sentences);
        dev_references.resize(recipe.validation.max_sentences);
      }
    }
  }

  io::Sections checkpoint_sections() {
    io::Sections s = models::model_sections(recipe, vocabularies, *model);
    s.emplace_back("optimizer", graph::encode_tensors(adam->state()));
    state.dropout_position = dropout.position();
    state.plateau_scale = schedule->plateau_scale();
    state.plateau_stalled = schedule->validations_without_improvement();
    state.position = batcher->position();
    s.emplace_back("trainer", state.to_json().dump());
    return s;
  }

  // Writes the checkpoint of this step (again, with force: after the validation at the end of
  // a run, whose record of model.nmt the checkpoint must hold).
  void write_checkpoint(bool force = false) {
    if (checkpoint_step == state.step && !force) return;
    // The checkpoint's bytes (parameters and moments, ~90 MiB for the default recipe) would
    // come on top of a full pool when training stops: the next step refills it (issue 15).
    graph::release_cached_buffers();
    const fs::path path = checkpoint_dir() / fmt::format("step-{:010}.ckpt", state.step);
    io::write_section_file(path.string(), "checkpoint", checkpoint_sections());
    checkpoint_step = state.step;
    // Keep the newest keep_checkpoints files.
    const std::vector<fs::path> newest_first = checkpoints_newest_first();
    const auto keep = static_cast<std::size_t>(recipe.output.keep_checkpoints);
    for (std::size_t i = keep; i < newest_first.size(); ++i) fs::remove(newest_first[i]);
  }

  void save_model_file(double metric) {
    models::save_model((dir / "model.nmt").string(), recipe, vocabularies, *model);
    state.has_model = true;
    state.model_metric = metric;
    state.model_step = state.step;
  }

  void build(const io::Sections* checkpoint) {
    graph::set_compute_threads(static_cast<int>(recipe.training.threads));
    prepare_data(checkpoint);
    model = models::make_model(recipe, vocabularies.source->size(), vocabularies.target->size(),
                               static_cast<std::uint64_t>(recipe.training.seed));
    AdamOptions o;
    o.learning_rate = static_cast<float>(recipe.training.learning_rate);
    o.beta1 = static_cast<float>(recipe.training.beta1);
    o.beta2 = static_cast<float>(recipe.training.beta2);
    o.epsilon = static_cast<float>(recipe.training.epsilon);
    o.weight_decay = static_cast<float>(recipe.training.weight_decay);
    adam = std::make_unique<Adam>(model->parameters().vars(), o);
    schedule = std::make_unique<LearningRateSchedule>(LrScheduleOptions{
        recipe.training.schedule, recipe.training.learning_rate, recipe.training.warmup_steps,
        recipe.training.plateau_factor, recipe.training.plateau_patience, recipe.training.min_learning_rate});
    dropout = graph::RandomGenerator(static_cast<std::uint64_t>(recipe.training.seed) * 0x9E3779B97F4A7C15ull + 1);
    if (checkpoint) {
      model->parameters().deserialize(io::section(*checkpoint, "parameters", "checkpoint"), "checkpoint");
      adam->load_state(graph::decode_tensors(io::section(*checkpoint, "optimizer", "checkpoint"), "checkpoint"),
                       "checkpoint");
      state = TrainerState::from_json(json::parse(io::section(*checkpoint, "trainer", "checkpoint")));
      batcher->seek(state.position);
      dropout.set_position(state.dropout_position);
      schedule->restore(state.plateau_scale, state.plateau_stalled);
      checkpoint_step = state.step;
    }
    say(graph::cpu_line());
    say(fmt::format("model: {}, {} attention, {} parameters; {} threads", recipe.model.type,
                    model->attention_description(), model->parameters().element_count(), graph::compute_threads()));
  }

  // Dev perplexity (teacher forced, no dropout, no smoothing) and greedy dev BLEU. A scheduled
  // validation (every validation.every_steps) drives early stopping and the plateau schedule;
  // the final one, when a run stops between two, only competes for model.nmt.
  json validate(bool scheduled) {
    json record{
        {"event", "validation"}, {"step", state.step}, {"time", state.seconds}, {"epoch", state.position.epoch}};
    double loss = 0, tokens = 0;
    {
      graph::NoGradGuard no_grad;
      // Every dev pair counts: the length limit is the longest dev sentence, and a batch holds
      // at least one of them.
      std::size_t longest = 1, longest_source = 1, longest_target = 1;
      for (std::size_t i = 0; i < dev_corpus->size(); ++i) {
        longest_source = std::max(longest_source, dev_corpus->source.length(i));
        longest_target = std::max(longest_target, dev_corpus->target.length(i));
      }
      longest = std::max(longest_source, longest_target);
      data::BatchingOptions b;
      b.max_length = longest;
      b.max_tokens = std::max<std::size_t>(static_cast<std::size_t>(recipe.training.batch_tokens), longest + 1);
      data::TrainingBatcher dev_batches(dev_corpus, b);
      const data::EpochPlan plan = dev_batches.plan_epoch(0);
      for (std::size_t i = 0; i < plan.batch_count(); ++i) {
        // Widths rounded up as in training, but a source no wider than the dev set's longest
        // (which is cut to what the model can read).
        const data::Batch batch = data::make_training_batch(*dev_corpus, plan.batch(i),
                                                            {b.width_multiple, longest_source + 1, longest_target + 1});
        const models::LossResult r = model->loss(batch, {});
        loss += r.loss.value().item();
        tokens += static_cast<double>(r.target_tokens);
      }
    }
    const double perplexity = std::exp(loss / std::max(tokens, 1.0));
    record["dev_perplexity"] = perplexity;
    double metric = -perplexity;
    if (recipe.validation.bleu) {
      const auto hyps = translate(dev_sources);
      const eval::BleuScore bleu = eval::corpus_bleu(hyps, {dev_references});
      record["dev_bleu"] = bleu.score;
      if (recipe.validation.early_stopping_metric == "bleu") metric = bleu.score;
    }
    state.last_validated_step = state.step;
    if (scheduled) {
      const bool improved = !state.has_best || metric > state.best_metric;
      if (improved) {
        state.has_best = true;
        state.best_metric = metric;
        state.best_step = state.step;
        state.stalled_validations = 0;
      } else {
        ++state.stalled_validations;
      }
      if (schedule->record_validation(improved))
        say(fmt::format("learning rate lowered to {:.3g}", schedule->at(state.step + 1)));
    }
    const bool best = !state.has_model || metric > state.model_metric;
    const bool save = best || !recipe.output.keep_best;
    if (save) save_model_file(metric);
    record["final"] = !scheduled;
    record["best"] = best;
    record["saved"] = save;
    return record;
  }

  void validate_and_log(bool scheduled) {
    const auto start = Clock::now();
    // Validation's shapes (dev batches, greedy decoding) are not training's: with the buffers
    // cached for the training step still held, its own would come on top of them (the pool's
    // capacity is above either working set, not both). Freeing the cache before and after
    // costs the next training step its allocations once, about 0.1 s (issue 15).
    graph::release_cached_buffers();
    const json record = validate(scheduled);
    graph::release_cached_buffers();
    state.seconds += std::chrono::duration<double>(Clock::now() - start).count();
    metrics->write(record);
    say(fmt::format(
        "{} at step {}: dev perplexity {:.2f}{}{}", scheduled ? "validation" : "final validation", state.step,
        record["dev_perplexity"].get<double>(),
        record.contains("dev_bleu") ? fmt::format(", dev BLEU {:.2f}", record["dev_bleu"].get<double>()) : "",
        record["best"].get<bool>() ? " (best)" : ""));
  }

  // Where model.nmt comes from, for the log and the stop record.
  std::string model_origin() const {
    if (!state.has_model) return "no model.nmt was written";
    std::string why;
    if (!dev_corpus)
      why = "the last step; no dev set";
    else if (!recipe.output.keep_best)
      why = "the last validated step; output.keep_best is false";
    else
      why = recipe.validation.bleu && recipe.validation.early_stopping_metric == "bleu"
                ? fmt::format("the best dev BLEU, {:.2f}", state.model_metric)
                : fmt::format("the best dev perplexity, {:.2f}", -state.model_metric);
    return fmt::format("model.nmt is the model of step {} ({}{})", state.model_step, why,
                       state.model_step == 0 ? ", before any update" : "");
  }

  std::vector<std::string> translate(const std::vector<std::string>& lines) {
    // Decoding needs less than a training step: with the training capacity its many shapes
    // would fill the pool to 1 GiB on top of everything else (issue 15).
    const graph::ScopedMemoryPoolCapacity decoding_capacity(graph::kDecodingMemoryPoolCapacity);
    decode::TranslateOptions o;
    o.batch_tokens = static_cast<std::size_t>(recipe.training.batch_tokens);
    o.max_source_length = models::max_source_length(recipe);
    o.beam.beam_size = 1;  // greedy
    o.beam.max_length_ratio = static_cast<double>(recipe.validation.max_output_ratio_percent) / 100.0;
    return decode::translate(*model, vocabularies, lines, o).best_lines();
  }

  // Which limit stops the run now, if any.
  std::optional<StopReason> limit_reached() const {
    const auto& t = recipe.training;
    if (t.max_steps > 0 && state.step >= t.max_steps) return StopReason::max_steps;
    if (t.max_epochs > 0 && static_cast<std::int64_t>(state.position.epoch) >= t.max_epochs)
      return StopReason::max_epochs;
    if (t.max_seconds > 0 && state.seconds >= t.max_seconds) return StopReason::max_time;
    return std::nullopt;
  }

  double eta(double steps_per_second) const {
    const auto& t = recipe.training;
    double best = std::numeric_limits<double>::infinity();
    if (t.max_seconds > 0) best = std::min(best, t.max_seconds - state.seconds);
    if (steps_per_second > 0 && t.max_steps > 0) best = std::min(best, (t.max_steps - state.step) / steps_per_second);
    if (steps_per_second > 0 && t.max_epochs > 0) {
      const double left = (t.max_epochs - static_cast<double>(state.position.epoch)) * batcher->batches_per_epoch() -
                          static_cast<double>(state.position.batch);
      best = std::min(best, left / recipe.training.accumulate / steps_per_second);
    }
    return best;
  }

  TrainingSummary run() {
    TrainingSummary summary;
    const auto& t = recipe.training;
    const std::vector<graph::Var> params = model->parameters().vars();
    const bool has_dev = dev_corpus != nullptr;
    if (checkpoint_step < 0) write_checkpoint();  // step 0: the run can always be resumed
    say(fmt::format("training from step {} (epoch {}, {}); limits: steps {}, epochs {}, time {}", state.step,
                    state.position.epoch, format_duration(state.seconds),
                    t.max_steps ? std::to_string(t.max_steps) : "-", t.max_epochs ? std::to_string(t.max_epochs) : "-",
                    t.max_seconds > 0 ? format_duration(t.max_seconds) : std::string("-")));
    double window_loss = 0, window_tokens = 0, window_seconds = 0, window_norm = 0;
    std::int64_t window_steps = 0, consecutive_bad = 0;
    auto last_bar = Clock::now() - std::chrono::seconds(1);
    StopReason reason = StopReason::max_steps;
    while (true) {
      if (const auto limit = limit_reached()) {
        reason = *limit;
        break;
      }
      if (received_stop_signal()) {
        reason = StopReason::signal;
        break;
      }
      const auto start = Clock::now();
      std::vector<data::Batch> batches;
      std::int64_t tokens = 0;
      for (std::int64_t k = 0; k < t.accumulate; ++k) {
        batches.push_back(batcher->next());
        tokens += static_cast<std::int64_t>(batches.back().target_tokens());
      }
      model->parameters().zero_grads();
      double loss = 0;
      bool finite = true;
      for (const auto& batch : batches) {
        models::LossOptions options;
        options.label_smoothing = static_cast<float>(t.label_smoothing);
        options.dropout = &dropout;
        const models::LossResult r = model->loss(batch, options);
        const float value = r.loss.value().item();
        if (!std::isfinite(value)) {
          finite = false;
          break;
        }
        loss += value;
        // Seeding backward with 1/tokens scales every gradient like a scale op would, without
        // compiling a primitive for each batch's token count.
        graph::backward(r.loss, graph::Tensor::scalar(1.0f / static_cast<float>(std::max<std::int64_t>(tokens, 1))));
      }
      const double norm =
          finite ? (t.clip_norm > 0 ? clip_grad_norm(params, t.clip_norm) : global_grad_norm(params)) : 0;
      if (!finite || !std::isfinite(norm)) {
        ++state.skipped_updates;
        ++consecutive_bad;
        model->parameters().zero_grads();
        const std::string what = finite ? "non-finite gradient norm" : "non-finite loss";
        say(fmt::format("step {}: {}; update skipped ({} in a row)", state.step + 1, what, consecutive_bad));
        metrics->write({{"event", "skip"},
                        {"step", state.step + 1},
                        {"time", state.seconds},
                        {"epoch", state.position.epoch},
                        {"reason", what}});
        state.seconds += std::chrono::duration<double>(Clock::now() - start).count();
        if (consecutive_bad >= 5) {
          reason = StopReason::diverged;
          break;
        }
        continue;
      }
      consecutive_bad = 0;
      const double lr = schedule->at(state.step + 1);
      adam->set_learning_rate(static_cast<float>(lr));
      adam->step();
      ++state.step;
      state.target_tokens += tokens;
      state.position = batcher->position();
      const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
      state.seconds += seconds;
      window_loss += loss;
      window_tokens += static_cast<double>(tokens);
      window_seconds += seconds;
      window_norm += norm;
      ++window_steps;

      if (progress_bar && Clock::now() - last_bar > std::chrono::milliseconds(250)) {
        last_bar = Clock::now();
        log_stream << fmt::format("\r\033[Kstep {} | epoch {} | {:.0f} tok/s | loss {:.3f} | lr {:.2e} | ETA {}",
                                  state.step, state.position.epoch, window_tokens / window_seconds,
                                  window_loss / window_tokens, lr, format_duration(eta(window_steps / window_seconds)))
                   << std::flush;
      }
      if (state.step % t.log_every == 0) {
        // What the caches did so far (bench/cold_start.sh reads them): primitives created and
        // dropped, buffers from the system, and the resident memory.
        const graph::PrimitiveCacheStats primitives = graph::primitive_cache().stats();
        const graph::MemoryPoolStats pool = graph::memory_pool_stats();
        const json record{{"event", "train"},
                          {"step", state.step},
                          {"time", state.seconds},
                          {"epoch", state.position.epoch},
                          {"train_loss", window_loss / window_tokens},
                          {"learning_rate", lr},
                          {"tokens_per_second", window_tokens / window_seconds},
                          {"grad_norm", window_norm / static_cast<double>(window_steps)},
                          {"primitives_created", primitives.misses},
                          {"primitives_evicted", primitives.evictions},
                          {"pool_system_allocations", pool.system_allocations},
                          {"pool_cached_mib", static_cast<double>(pool.bytes_cached) / 1048576.0},
                          {"pool_peak_in_use_mib", static_cast<double>(pool.peak_bytes_in_use) / 1048576.0},
                          {"resident_mib", graph::resident_mib()}};
        metrics->write(record);
        const std::string line =
            fmt::format("step {} epoch {} loss {:.4f} lr {:.3g} {:.0f} tok/s elapsed {} ETA {}", state.step,
                        state.position.epoch, window_loss / window_tokens, lr, window_tokens / window_seconds,
                        format_duration(state.seconds), format_duration(eta(window_steps / window_seconds)));
        if (progress_bar)
          log_only(line);
        else
          say(line);
        window_loss = window_tokens = window_seconds = window_norm = 0;
        window_steps = 0;
      }
      if (state.step % recipe.validation.every_steps == 0) {
        if (has_dev) {
          validate_and_log(true);
          if (recipe.validation.patience > 0 && state.stalled_validations >= recipe.validation.patience) {
            write_checkpoint();
            reason = StopReason::early_stopping;
            break;
          }
        } else {
          save_model_file(0);
        }
        write_checkpoint();
      }
    }
    if (progress_bar) log_stream << "\r\033[K";
    // A diverged run keeps its last good checkpoint and model.nmt as they are.
    if (reason != StopReason::diverged) {
      // The checkpoint first: a second stop signal during the final validation loses nothing.
      write_checkpoint();
      if (has_dev && state.last_validated_step != state.step) {
        say(fmt::format("validating the model of step {} before stopping{}", state.step,
                        reason == StopReason::signal ? " (signal again to stop at once)" : ""));
        validate_and_log(false);
        write_checkpoint(true);
      } else if (!has_dev && !(state.has_model && state.model_step == state.step)) {
        save_model_file(0);
        write_checkpoint(true);
      }
    }
    metrics->write({{"event", "stop"},
                    {"step", state.step},
                    {"time", state.seconds},
                    {"epoch", state.position.epoch},
                    {"reason", stop_reason_name(reason)},
                    {"model_step", state.has_model ? json(state.model_step) : json(nullptr)},
                    {"peak_resident_mib", graph::peak_resident_mib()}});
    const int signal_number = received_stop_signal();
    say(fmt::format(
        "stopped at step {} ({}) after {} of training; {}; peak resident memory {:.0f} MiB", state.step,
        reason == StopReason::signal ? fmt::format("signal {}", signal_number) : std::string(stop_reason_name(reason)),
        format_duration(state.seconds), model_origin(), graph::peak_resident_mib()));
    summary.steps = state.step;
    summary.seconds = state.seconds;
    summary.stop_reason = reason;
    summary.best_metric = state.best_metric;
    summary.has_model = state.has_model;
    summary.model_step = state.model_step;
    summary.model_path = state.has_model ? (dir / "model.nmt").string() : "";
    if (reason != StopReason::signal && reason != StopReason::diverged && state.has_model &&
        recipe.output.translate_test && !recipe.data.test_source.empty())
      test(summary);
    return summary;
  }

  // Translates the test split with the saved (best) model and scores it.
  void test(TrainingSummary& summary) {
    models::SavedModel best = models::load_model((dir / "model.nmt").string());
    model = std::move(best.model);
    const auto& sources = test_sources;
    const auto& references = test_references;
    const auto start = Clock::now();
    const auto hyps = translate(sources);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const fs::path out = dir / "test.hyp";
    std::string text;
    for (const auto& h : hyps) text += h + "\n";
    io::write_file_atomically(out.string(), text);
    const eval::BleuScore bleu = eval::corpus_bleu(hyps, {references});
    const eval::ChrfScore chrf = eval::corpus_chrf(hyps, {references});
    const json record{{"event", "test"},
                      {"step", state.step},
                      {"time", state.seconds},
                      {"epoch", state.position.epoch},
                      {"test_bleu", bleu.score},
                      {"test_chrf", chrf.score},
                      {"bleu_verbose", bleu.verbose()},
                      {"translations", out.string()},
                      {"sentences", hyps.size()},
                      {"sentences_per_second", static_cast<double>(hyps.size()) / seconds},
                      {"decoding", "greedy"},
                      {"model_step", state.model_step}};
    metrics->write(record);
    io::write_file_atomically((dir / "test.scores.json").string(), record.dump(2) + "\n");
    summary.has_test_scores = true;
    summary.test_bleu = bleu.score;
    summary.test_chrf = chrf.score;
    summary.translations_path = out.string();
    say(fmt::format("test: BLEU {:.2f}, chrF {:.2f} ({} sentences, greedy, {:.1f} sentences/s) -> {}", bleu.score,
                    chrf.score, hyps.size(), static_cast<double>(hyps.size()) / seconds, out.string()));
  }
};

Trainer::Trainer(io::Recipe recipe, std::ostream& log, bool progress_bar)
    : impl_(std::make_unique<Impl>(std::move(recipe), log, progress_bar)) {
  impl_->check_inputs();
  impl_->open_run_directory();
  // The newest intact checkpoint: a damaged newest one (a disk error, a copy cut short) falls
  // back to the one before it, with a warning; it stays on disk for a look.
  const std::vector<fs::path> checkpoints = impl_->checkpoints_newest_first();
  std::string damaged;
  for (const fs::path& path : checkpoints) {
    std::optional<io::Sections> checkpoint;
    try {
      checkpoint = io::read_section_file(path.string(), "checkpoint");
    } catch (const io::FileFormatError& e) {
      damaged += (damaged.empty() ? "" : "; ") + std::string(e.what()) + ": skipped";
      continue;
    }
    if (!damaged.empty()) impl_->say("warning: " + damaged);
    impl_->say("resuming from " + path.string());
    impl_->build(&*checkpoint);
    return;
  }
  if (!checkpoints.empty())
    throw io::FileFormatError("no intact checkpoint in " + impl_->checkpoint_dir().string() + ": " + damaged +
                              " (move them away to start the run afresh)");
  impl_->build(nullptr);
}

Trainer::~Trainer() = default;

std::string Trainer::check(io::Recipe recipe) {
  std::ostringstream ignored;
  Impl impl(std::move(recipe), ignored, false);
  impl.check_inputs();
  const auto& r = impl.recipe;
  // The model's own constraints (heads dividing d_model, tied sizes, ...), on a vocabulary of
  // the size the run would have.
  std::int64_t source_vocabulary = r.data.vocab_size, target_vocabulary = r.data.vocab_size;
  if (!r.data.sentencepiece_model.empty())
    source_vocabulary = target_vocabulary =
        static_cast<std::int64_t>(data::SentencePieceModel::load(r.data.sentencepiece_model).size());
  const std::unique_ptr<models::Seq2SeqModel> model =
      models::make_model(r, source_vocabulary, target_vocabulary, static_cast<std::uint64_t>(r.training.seed));
  const RunDirectory directory(r.output.directory);
  std::string run = "a new run";
  if (fs::exists(directory.path())) {
    directory.check_not_in_use();  // a probe: the lock is not taken
    const std::vector<fs::path> checkpoints = directory.checkpoints_newest_first();
    const std::string difference = directory.difference_from(r);
    if (!difference.empty() && !checkpoints.empty())
      throw io::RecipeError(directory.path().string() + " holds a run of a different recipe: " + difference);
    if (!checkpoints.empty()) run = "resumes the run from " + checkpoints.front().filename().string();
  }
  const std::size_t pairs = impl.train_pairs->size();
  return fmt::format("{}: valid; {} training pairs{}{}; model {} ({}); {} in {}", r.origin, pairs,
                     r.data.dev_source.empty() ? ", no dev set" : ", a dev set",
                     r.data.test_source.empty() ? "" : fmt::format(", {} test sentences", impl.test_sources.size()),
                     r.model.type, model->attention_description(), run, directory.path().string());
}

TrainingSummary Trainer::run() { return impl_->run(); }

}  // namespace nmt::train
