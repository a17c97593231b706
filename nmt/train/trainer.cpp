#include "nmt/train/trainer.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <sstream>
#include <thread>

#include "nmt/graph/cpu_info.h"
#include "nmt/graph/engine.h"
#include "nmt/graph/memory_pool.h"
#include "nmt/graph/ops.h"
#include "nmt/graph/precision.h"
#include "nmt/graph/primitive_cache.h"
#include "nmt/graph/resident_memory.h"
#include "nmt/graph/tensor_io.h"
#include "nmt/io/section_file.h"
#include "nmt/train/batch_share.h"
#include "nmt/train/lr_schedule.h"
#include "nmt/train/metrics_log.h"
#include "nmt/train/optimizer.h"
#include "nmt/train/process_group.h"
#include "nmt/train/progress.h"
#include "nmt/train/run_directory.h"
#include "nmt/train/trainer_state.h"
#include "nmt/train/training_task.h"

namespace nmt::train {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

namespace {

// Sections as one string and back, to hand a checkpoint from process 0 to the others.
std::string pack_sections(const io::Sections& sections) {
  std::string bytes;
  const auto put = [&bytes](const std::string& text) {
    const std::uint64_t size = text.size();
    bytes.append(reinterpret_cast<const char*>(&size), sizeof size);
    bytes += text;
  };
  for (const auto& [name, content] : sections) {
    put(name);
    put(content);
  }
  return bytes;
}

io::Sections unpack_sections(const std::string& bytes) {
  io::Sections sections;
  std::size_t at = 0;
  const auto get = [&]() {
    std::uint64_t size = 0;
    std::memcpy(&size, bytes.data() + at, sizeof size);
    at += sizeof size;
    std::string text = bytes.substr(at, size);
    at += size;
    return text;
  };
  while (at < bytes.size()) {
    std::string name = get();
    sections.emplace_back(std::move(name), get());
  }
  return sections;
}

// A fingerprint of the parameters' bytes (FNV-1a over 64-bit words): the processes of a
// data-parallel run compare theirs at every checkpoint.
std::uint64_t fingerprint(const std::vector<graph::Var>& params) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (const graph::Var& p : params) {
    const std::span<const float> values = p.value().values();
    std::size_t i = 0;
    for (; i + 1 < values.size(); i += 2) {
      std::uint64_t word;
      std::memcpy(&word, values.data() + i, sizeof word);
      hash = (hash ^ word) * 0x100000001b3ull;
    }
    if (i < values.size()) {
      std::uint32_t last;
      std::memcpy(&last, values.data() + i, sizeof last);
      hash = (hash ^ last) * 0x100000001b3ull;
    }
  }
  return hash;
}

// Each process of a data-parallel run drops out with a stream of its own; process 0's is the
// one-process run's.
std::uint64_t dropout_seed(std::int64_t training_seed, int rank) {
  return static_cast<std::uint64_t>(training_seed) * 0x9E3779B97F4A7C15ull + 1 +
         static_cast<std::uint64_t>(rank) * 0xD1B54A32D192ED03ull;
}

}  // namespace

struct Trainer::Impl {
  io::Recipe recipe;
  std::ostream& log_stream;
  bool progress_bar;
  fs::path dir;
  std::unique_ptr<RunDirectory> run_directory;  // locked while the trainer lives
  std::ofstream log_file;
  std::unique_ptr<MetricsLog> metrics;

  // What is trained (translation or classification): its data read and checked at
  // construction, before anything is written; prepared and its model built in build().
  std::unique_ptr<TrainingTask> task;
  std::unique_ptr<Adam> adam;
  // training.precision, for every product this trainer computes (on its thread) while it lives.
  std::unique_ptr<graph::PrecisionGuard> products_precision;
  std::unique_ptr<LearningRateSchedule> schedule;
  graph::RandomGenerator dropout{0};
  TrainerState state;
  std::int64_t checkpoint_step = -1;  // step of the newest checkpoint on disk
  // The processes of a data-parallel run (a group of one without mpirun). Process 0 alone
  // writes the run directory, logs, validates and translates the test split.
  ProcessGroup& group = ProcessGroup::world();
  std::vector<float> gradient_buffer;  // the gradients of a data-parallel run, summed in one piece
  // Since the last train record: waiting for the slowest process (its share of the batch took
  // longer), and summing the gradients (copies included).
  double wait_seconds = 0, allreduce_seconds = 0;
  int stop_signal = 0;  // the signal that stopped the run (on any of its processes), or 0

  Impl(io::Recipe r, std::ostream& log, bool bar)
      : recipe(io::with_absolute_paths(r, fs::current_path().string())), log_stream(log), progress_bar(bar) {}

  void say(const std::string& line) {
    if (!group.is_root()) return;
    if (progress_bar) log_stream << "\r\033[K";
    log_stream << line << std::endl;
    if (log_file) log_file << line << std::endl;
  }
  // A line for train.log alone (on a terminal, the progress bar shows it on screen).
  void log_only(const std::string& line) {
    if (log_file) log_file << line << std::endl;
  }
  void write_metrics(const json& record) {
    if (metrics) metrics->write(record);  // process 0 alone has the file
  }

  fs::path checkpoint_dir() const { return run_directory->checkpoint_dir(); }
  std::vector<fs::path> checkpoints_newest_first() const { return run_directory->checkpoints_newest_first(); }

  // Every file the recipe names, read and checked (exists, UTF-8, equal line counts) before
  // anything is written, so that a mistake costs neither a run directory nor a training run.
  void check_inputs() { task = make_training_task(recipe); }

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

  io::Sections checkpoint_sections() {
    io::Sections s = task->model_sections();
    s.emplace_back("optimizer", graph::encode_tensors(adam->state()));
    state.dropout_position = dropout.position();
    state.plateau_scale = schedule->plateau_scale();
    state.plateau_stalled = schedule->validations_without_improvement();
    state.position = task->batcher().position();
    s.emplace_back("trainer", state.to_json().dump());
    return s;
  }

  // The processes' dropout positions, and a check that their parameters are still the same:
  // called by every process at every checkpoint (a collective).
  void gather_process_state() {
    if (!group.distributed()) return;
    const std::vector<std::uint64_t> positions = group.all_gather(dropout.position());
    state.other_dropout_positions.assign(positions.begin() + 1, positions.end());
    const std::vector<std::uint64_t> prints = group.all_gather(fingerprint(task->parameters().vars()));
    for (std::size_t r = 1; r < prints.size(); ++r)
      if (prints[r] != prints[0])
        throw std::runtime_error(fmt::format(
            "the parameters of process {} differ from process 0's at step {}: the processes no longer train one "
            "model (a defect: please report it); the checkpoint of step {} is the last good one",
            r, state.step, checkpoint_step));
  }

  // Writes the checkpoint of this step (again, with force: after the validation at the end of
  // a run, whose record of model.nmt the checkpoint must hold).
  void write_checkpoint(bool force = false) {
    if (checkpoint_step == state.step && !force) return;
    gather_process_state();
    if (!group.is_root()) {
      checkpoint_step = state.step;
      return;
    }
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

  // Every process records it (their states stay the same); process 0 writes the file.
  void save_model_file(double metric) {
    if (group.is_root()) task->save_model((dir / "model.nmt").string());
    state.has_model = true;
    state.model_metric = metric;
    state.model_step = state.step;
  }

  void build(const io::Sections* checkpoint) {
    graph::set_compute_threads(static_cast<int>(recipe.training.threads));
    const graph::PrecisionChoice chosen =
        graph::choose_precision(recipe.training.precision);  // a name the schema knows
    if (!chosen.error.empty()) throw io::RecipeError(recipe.origin + ": training.precision " + chosen.error);
    if (!chosen.warning.empty()) say("warning: training.precision " + chosen.warning);
    const graph::Precision precision = chosen.precision;
    products_precision.reset();  // a guard restores what it found: the old one goes first
    products_precision = std::make_unique<graph::PrecisionGuard>(precision);
    if (precision == graph::Precision::bf16)
      graph::set_default_memory_pool_capacity(graph::kBf16TrainingMemoryPoolCapacity);
    // Before the data are prepared: a refusal should not cost their time.
    if (checkpoint)
      check_processes(TrainerState::from_json(json::parse(io::section(*checkpoint, "trainer", "checkpoint"))));
    task->prepare(checkpoint, [this](const std::string& line) { say(line); });
    task->build_model(static_cast<std::uint64_t>(recipe.training.seed));
    AdamOptions o;
    o.learning_rate = static_cast<float>(recipe.training.learning_rate);
    o.beta1 = static_cast<float>(recipe.training.beta1);
    o.beta2 = static_cast<float>(recipe.training.beta2);
    o.epsilon = static_cast<float>(recipe.training.epsilon);
    o.weight_decay = static_cast<float>(recipe.training.weight_decay);
    adam = std::make_unique<Adam>(task->parameters().vars(), o);
    schedule = std::make_unique<LearningRateSchedule>(LrScheduleOptions{
        recipe.training.schedule, recipe.training.learning_rate, recipe.training.warmup_steps,
        recipe.training.plateau_factor, recipe.training.plateau_patience, recipe.training.min_learning_rate});
    dropout = graph::RandomGenerator(dropout_seed(recipe.training.seed, group.rank()));
    state.processes = group.size();
    if (checkpoint) {
      task->parameters().deserialize(io::section(*checkpoint, "parameters", "checkpoint"), "checkpoint");
      adam->load_state(graph::decode_tensors(io::section(*checkpoint, "optimizer", "checkpoint"), "checkpoint"),
                       "checkpoint");
      state = TrainerState::from_json(json::parse(io::section(*checkpoint, "trainer", "checkpoint")));
      task->batcher().seek(state.position);
      const bool fresh = state.other_dropout_positions.empty();  // the start of a data-parallel run
      dropout.set_position(group.is_root() ? state.dropout_position
                           : fresh         ? 0
                                   : state.other_dropout_positions.at(static_cast<std::size_t>(group.rank() - 1)));
      schedule->restore(state.plateau_scale, state.plateau_stalled);
      checkpoint_step = state.step;
    }
    say(graph::cpu_line());
    say(fmt::format("model: {}, {} parameters; {} threads", task->model_description(),
                    task->parameters().element_count(), graph::compute_threads()));
    if (precision != graph::Precision::f32)
      say(fmt::format("products in {} (linear layers on {}); weights, optimizer and loss in f32",
                      graph::precision_name(precision), graph::linear_kernel_name(precision)));
    if (group.distributed()) {
      say(
          fmt::format("data-parallel: {} processes ({}), {} of them on this machine, threads per process: {}; each "
                      "trains on its share of every batch of {} tokens (about {} each) and the gradients ({:.1f} "
                      "MiB) are summed with MPI_Allreduce before every update",
                      group.size(), group.library(), group.processes_on_this_machine(), graph::compute_threads(),
                      recipe.training.batch_tokens, recipe.training.batch_tokens / group.size(),
                      static_cast<double>(task->parameters().element_count()) * 4 / 1048576.0));
      const unsigned cores = std::thread::hardware_concurrency();
      if (cores > 0 && group.processes_on_this_machine() * graph::compute_threads() > static_cast<int>(cores))
        say(
            fmt::format("warning: {} processes x {} threads on this machine's {} cores: they take turns on the "
                        "cores; set training.threads={} (e.g. --set training.threads={})",
                        group.processes_on_this_machine(), graph::compute_threads(), cores,
                        std::max<int>(1, static_cast<int>(cores) / group.processes_on_this_machine()),
                        std::max<int>(1, static_cast<int>(cores) / group.processes_on_this_machine())));
    }
  }

  void check_processes(const TrainerState& stored) const {
    if (stored.processes != group.size())
      throw io::RecipeError(fmt::format(
          "{} was trained by {} {} and resumes only with as many (each process trains on its share of every batch "
          "with a dropout stream of its own): run it with {}",
          dir.string(), stored.processes, stored.processes == 1 ? "process" : "processes",
          stored.processes == 1 ? "nmt-train alone, without mpirun"
                                : fmt::format("mpirun -np {} nmt-train", stored.processes)));
  }

  // Hands process 0's starting point (the checkpoint it resumed from, or its new model, and its
  // recipe) to the other processes, which build from it: one model, one vocabulary, one position
  // in the data, one recipe whatever the others were given. They need only the recipe's files,
  // at the same paths (on another machine too); the run directory is process 0's alone.
  void join_processes() {
    std::string bytes;
    if (group.is_root()) {
      io::Sections sections = checkpoint_sections();
      // Whether the run still has to write its first checkpoint (a collective: all must know).
      sections.emplace_back(kCheckpointStepSection, std::to_string(checkpoint_step));
      bytes = pack_sections(sections);
    }
    group.broadcast(bytes);
    if (group.is_root()) return;
    io::Sections sections = unpack_sections(bytes);
    const std::int64_t root_checkpoint_step = std::stoll(sections.back().second);
    sections.pop_back();
    recipe = io::parse_recipe(io::section(sections, "recipe", "process 0's checkpoint"), "process 0's recipe");
    check_inputs();
    build(&sections);
    checkpoint_step = root_checkpoint_step;
  }

  // Every process must train on the same data: a fingerprint of the encoded training corpus,
  // compared with process 0's (another machine may hold another copy of the files).
  void check_same_data() {
    std::uint64_t hash = 0xcbf29ce484222325ull;
    const auto add = [&hash](const data::TokenSequences& sequences) {
      for (std::size_t i = 0; i < sequences.size(); ++i) {
        hash = (hash ^ sequences.length(i)) * 0x100000001b3ull;
        for (const std::int32_t id : sequences[i]) hash = (hash ^ static_cast<std::uint32_t>(id)) * 0x100000001b3ull;
      }
    };
    add(task->train_corpus().source);
    add(task->train_corpus().target);
    const std::vector<std::uint64_t> hashes = group.all_gather(hash);
    for (std::size_t r = 1; r < hashes.size(); ++r)
      if (hashes[r] != hashes[0])
        throw std::runtime_error(fmt::format(
            "process {} read other training data than process 0 (data.train_source and data.train_target must hold "
            "the same text on every machine)",
            r));
  }
  static constexpr const char* kCheckpointStepSection = "process 0's checkpoint step";

  // Process 0's decisions after a validation (the best metric, early stopping's count, the
  // plateau schedule, the training time), on every process.
  void share_decisions() {
    if (!group.distributed()) return;
    std::string bytes;
    if (group.is_root())
      bytes = json{{"state", state.to_json()},
                   {"plateau_scale", schedule->plateau_scale()},
                   {"plateau_stalled", schedule->validations_without_improvement()}}
                  .dump();
    group.broadcast(bytes);
    if (group.is_root()) return;
    const json shared = json::parse(bytes);
    const std::vector<std::uint64_t> positions = state.other_dropout_positions;
    state = TrainerState::from_json(shared.at("state"));
    state.other_dropout_positions = positions;
    schedule->restore(shared.at("plateau_scale").get<double>(), shared.at("plateau_stalled").get<std::int64_t>());
  }

  // Sums the processes' gradients (each already scaled by the whole batch's token count) and
  // their losses; returns whether every process's loss was finite. A parameter with a gradient
  // on any process gets one on all, so that every process updates the same parameters.
  bool sum_across_processes(const std::vector<graph::Var>& params, double& loss, bool finite) {
    if (!group.distributed()) return finite;
    const auto start = Clock::now();
    std::vector<double> small(2 + params.size(), 0.0);
    small[0] = loss;
    small[1] = finite ? 0 : 1;
    for (std::size_t i = 0; i < params.size(); ++i) small[2 + i] = params[i].grad().defined() ? 1 : 0;
    group.sum(small);  // every process waits here for the slowest
    const auto summing = Clock::now();
    wait_seconds += std::chrono::duration<double>(summing - start).count();
    loss = small[0];
    if (small[1] > 0) return false;
    std::size_t total = 0;
    for (std::size_t i = 0; i < params.size(); ++i)
      if (small[2 + i] > 0) total += static_cast<std::size_t>(params[i].value().numel());
    gradient_buffer.resize(total);
    // Copied into one buffer and back into fresh tensors: one MPI call, and no gradient that an
    // op shares between two parameters (a copy-free accumulation) is summed twice.
    std::size_t at = 0;
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (small[2 + i] == 0) continue;
      const std::size_t n = static_cast<std::size_t>(params[i].value().numel());
      if (params[i].grad().defined())
        std::memcpy(gradient_buffer.data() + at, params[i].grad().data(), n * sizeof(float));
      else
        std::fill_n(gradient_buffer.data() + at, n, 0.0f);
      at += n;
    }
    group.sum(gradient_buffer);
    at = 0;
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (small[2 + i] == 0) continue;
      graph::Tensor summed = graph::Tensor::empty(params[i].shape());
      const std::size_t n = static_cast<std::size_t>(summed.numel());
      std::memcpy(summed.data(), gradient_buffer.data() + at, n * sizeof(float));
      at += n;
      params[i].zero_grad();
      params[i].accumulate_grad(summed);
    }
    allreduce_seconds += std::chrono::duration<double>(Clock::now() - summing).count();
    return true;
  }

  // Which limit or signal stops the run now, the same on every process: a signal that reached
  // one process stops them all; a time limit, whichever process reaches it first.
  std::optional<StopReason> stop_now() {
    std::optional<StopReason> limit = limit_reached();
    // Read once: a signal that comes after the vote counts at the next step, on every process.
    // The agreed signal is the run's, kept apart from this process's own flag, so that a real
    // signal arriving later still counts as the first (not as a second, which exits at once).
    int signal_number = received_stop_signal();
    if (group.distributed()) {
      // The step goes along (as itself and negated: the max of both gives the range) to catch
      // processes out of step, whose collectives would pair up wrongly without an error.
      std::array<std::int64_t, 4> votes{limit ? 1 + static_cast<std::int64_t>(*limit) : 0, signal_number, state.step,
                                        -state.step};
      group.max(votes);
      if (votes[2] != -votes[3])
        throw std::runtime_error(
            fmt::format("the processes are out of step (steps {} to {}): a defect, please report "
                        "it; the checkpoint of step {} is the last good one",
                        -votes[3], votes[2], checkpoint_step));
      limit = votes[0] > 0 ? std::optional<StopReason>(static_cast<StopReason>(votes[0] - 1)) : std::nullopt;
      signal_number = static_cast<int>(votes[1]);
    }
    if (limit) return limit;
    stop_signal = signal_number;
    if (signal_number != 0) return StopReason::signal;
    return std::nullopt;
  }

  // The task's validation (translation: dev perplexity and greedy dev BLEU; classification:
  // dev perplexity, accuracy and macro-F1). A scheduled validation (every
  // validation.every_steps) drives early stopping and the plateau schedule; the final one,
  // when a run stops between two, only competes for model.nmt.
  json validate(bool scheduled, std::string& summary) {
    json record{
        {"event", "validation"}, {"step", state.step}, {"time", state.seconds}, {"epoch", state.position.epoch}};
    const TrainingTask::Validation validation = task->validate();
    record.update(validation.fields);
    const double metric = validation.metric;
    summary = validation.summary;
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
    if (group.is_root()) validate_and_log_here(scheduled);
    share_decisions();  // the others wait meanwhile, without spinning
  }

  // While process 0 validates or translates the test split, the other processes wait without
  // spinning: it takes their cores on this machine too (restored when it goes out of scope).
  struct CoresOfWaitingProcesses {
    int own = graph::compute_threads();
    explicit CoresOfWaitingProcesses(const ProcessGroup& group) {
      const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
      if (group.distributed()) graph::set_compute_threads(std::min(cores, own * group.processes_on_this_machine()));
    }
    ~CoresOfWaitingProcesses() { graph::set_compute_threads(own); }
  };

  void validate_and_log_here(bool scheduled) {
    const CoresOfWaitingProcesses cores(group);
    const auto start = Clock::now();
    // Validation's shapes (dev batches, greedy decoding) are not training's: with the buffers
    // cached for the training step still held, its own would come on top of them (the pool's
    // capacity is above either working set, not both). Freeing the cache before and after
    // costs the next training step its allocations once, about 0.1 s (issue 15).
    graph::release_cached_buffers();
    std::string summary;
    const json record = validate(scheduled, summary);
    graph::release_packed_weights();  // decoding's packed weights are stale after the next update
    graph::release_cached_buffers();
    state.seconds += std::chrono::duration<double>(Clock::now() - start).count();
    write_metrics(record);
    say(fmt::format("{} at step {}: {}{}", scheduled ? "validation" : "final validation", state.step, summary,
                    record["best"].get<bool>() ? " (best)" : ""));
  }

  // Where model.nmt comes from, for the log and the stop record.
  std::string model_origin() const {
    if (!state.has_model) return "no model.nmt was written";
    std::string why;
    if (!task->has_dev())
      why = "the last step; no dev set";
    else if (!recipe.output.keep_best)
      why = "the last validated step; output.keep_best is false";
    else
      why = task->best_metric_text(state.model_metric);
    return fmt::format("model.nmt is the model of step {} ({}{})", state.model_step, why,
                       state.model_step == 0 ? ", before any update" : "");
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

  RunPosition position() const {
    return {state.seconds, state.step, state.position, task->batcher().batches_per_epoch()};
  }

  TrainingSummary run() {
    TrainingSummary summary;
    const auto& t = recipe.training;
    const std::vector<graph::Var> params = task->parameters().vars();
    const bool has_dev = task->has_dev();
    if (checkpoint_step < 0) write_checkpoint();  // step 0: the run can always be resumed
    say(fmt::format("training from step {} (epoch {}, {}); limits: steps {}, epochs {}, time {}", state.step,
                    state.position.epoch, format_duration(state.seconds),
                    t.max_steps ? std::to_string(t.max_steps) : "-", t.max_epochs ? std::to_string(t.max_epochs) : "-",
                    t.max_seconds > 0 ? format_duration(t.max_seconds) : std::string("-")));
    ProgressWindow window;
    std::int64_t consecutive_bad = 0;
    auto last_bar = Clock::now() - std::chrono::seconds(1);
    StopReason reason = StopReason::max_steps;
    while (true) {
      const auto start = Clock::now();  // the vote counts as part of the step
      if (const auto stop = stop_now()) {
        reason = *stop;
        break;
      }
      std::vector<data::Batch> batches;
      // The loss units (target tokens, or sentences) of the whole batch: the gradients are scaled
      // by their count on every process.
      std::int64_t tokens = 0;
      for (std::int64_t k = 0; k < t.accumulate; ++k) {
        data::Batch batch = task->batcher().next();
        tokens += task->loss_units(batch);
        if (group.distributed()) {
          const std::size_t parts = static_cast<std::size_t>(group.size());
          const std::size_t part = static_cast<std::size_t>(group.rank());
          if (share_rows(batch, part, parts, task->batcher().row_multiple()).rows() == 0) continue;
          batch = batch_share(task->train_corpus(), batch, part, parts, task->batcher().padding(),
                              task->batcher().row_multiple());
        }
        batches.push_back(std::move(batch));
      }
      task->parameters().zero_grads();
      double loss = 0;
      bool finite = true;
      for (const auto& batch : batches) {
        const graph::Var batch_loss = task->loss(batch, static_cast<float>(t.label_smoothing), &dropout);
        const float value = batch_loss.value().item();
        if (!std::isfinite(value)) {
          finite = false;
          break;
        }
        loss += value;
        // Seeding backward with 1/tokens scales every gradient like a scale op would, without
        // compiling a primitive for each batch's token count.
        graph::backward(batch_loss,
                        graph::Tensor::scalar(1.0f / static_cast<float>(std::max<std::int64_t>(tokens, 1))));
      }
      finite = sum_across_processes(params, loss, finite);
      double norm = finite ? global_grad_norm(params) : 0;
      if (finite) group.broadcast(norm);  // process 0's: see clip_grad_norm
      if (finite && t.clip_norm > 0) clip_grad_norm(params, t.clip_norm, norm);
      if (!finite || !std::isfinite(norm)) {
        ++state.skipped_updates;
        ++consecutive_bad;
        task->parameters().zero_grads();
        const std::string what = finite ? "non-finite gradient norm" : "non-finite loss";
        say(fmt::format("step {}: {}; update skipped ({} in a row)", state.step + 1, what, consecutive_bad));
        write_metrics({{"event", "skip"},
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
      state.position = task->batcher().position();
      const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
      state.seconds += seconds;
      window.add(loss, static_cast<double>(tokens), seconds, norm);

      if (progress_bar && Clock::now() - last_bar > std::chrono::milliseconds(250)) {
        last_bar = Clock::now();
        log_stream << "\r\033[K"
                   << bar_line(position(), window, lr, eta_seconds(t, position(), window.steps_per_second()),
                               task->unit_name())
                   << std::flush;
      }
      if (state.step % t.log_every == 0) {
        // What the caches did so far (bench/cold_start.sh reads them): primitives created and
        // dropped, buffers from the system, and the resident memory.
        const graph::PrimitiveCacheStats primitives = graph::all_primitive_cache_stats();
        const graph::MemoryPoolStats pool = graph::memory_pool_stats();
        const json record{{"event", "train"},
                          {"step", state.step},
                          {"time", state.seconds},
                          {"epoch", state.position.epoch},
                          {"train_loss", window.loss_per_token()},
                          {"learning_rate", lr},
                          {task->throughput_key(), window.tokens_per_second()},
                          {"grad_norm", window.mean_grad_norm()},
                          {"primitives_created", primitives.misses},
                          {"primitives_evicted", primitives.evictions},
                          {"primitive_creation_seconds", primitives.creation_seconds},
                          {"pool_system_allocations", pool.system_allocations},
                          {"pool_cached_mib", static_cast<double>(pool.bytes_cached) / 1048576.0},
                          {"pool_peak_in_use_mib", static_cast<double>(pool.peak_bytes_in_use) / 1048576.0},
                          {"resident_mib", graph::resident_mib()}};
        json full = record;
        if (group.distributed()) {
          full["processes"] = group.size();
          full["wait_seconds_per_step"] = wait_seconds / static_cast<double>(t.log_every);
          full["allreduce_seconds_per_step"] = allreduce_seconds / static_cast<double>(t.log_every);
          full["allreduce_mib_per_step"] = static_cast<double>(gradient_buffer.size()) * 4 / 1048576.0;
        }
        wait_seconds = allreduce_seconds = 0;
        write_metrics(full);
        const std::string line =
            log_line(position(), window, lr, eta_seconds(t, position(), window.steps_per_second()), task->unit_name());
        if (progress_bar)
          log_only(line);
        else
          say(line);
        window.reset();
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
    write_metrics({{"event", "stop"},
                   {"step", state.step},
                   {"time", state.seconds},
                   {"epoch", state.position.epoch},
                   {"reason", stop_reason_name(reason)},
                   {"model_step", state.has_model ? json(state.model_step) : json(nullptr)},
                   {"peak_resident_mib", graph::peak_resident_mib()}});
    const int signal_number = stop_signal;
    say(fmt::format(
        "stopped at step {} ({}) after {} of training; {}; peak resident memory {:.0f} MiB", state.step,
        reason == StopReason::signal ? fmt::format("signal {}", signal_number) : std::string(stop_reason_name(reason)),
        format_duration(state.seconds), model_origin(), graph::peak_resident_mib()));
    summary.steps = state.step;
    summary.seconds = state.seconds;
    summary.stop_reason = reason;
    summary.stop_signal = stop_signal;
    summary.best_metric = state.best_metric;
    summary.has_model = state.has_model;
    summary.model_step = state.model_step;
    summary.model_path = state.has_model ? (dir / "model.nmt").string() : "";
    if (group.is_root() && reason != StopReason::signal && reason != StopReason::diverged && state.has_model &&
        recipe.output.translate_test && task->has_test())
      test(summary);
    return summary;
  }

  // Scores the test split with the saved (best) model: translations into test.hyp, or labels
  // into test.labels.
  void test(TrainingSummary& summary) {
    const CoresOfWaitingProcesses cores(group);
    task->load_model((dir / "model.nmt").string());
    const TrainingTask::TestResult result = task->test(dir);
    json record{{"event", "test"},
                {"step", state.step},
                {"time", state.seconds},
                {"epoch", state.position.epoch},
                {"model_step", state.model_step}};
    record.update(result.fields);
    write_metrics(record);
    io::write_file_atomically((dir / "test.scores.json").string(), record.dump(2) + "\n");
    summary.has_test_scores = true;
    summary.test_bleu = result.bleu;
    summary.test_chrf = result.chrf;
    summary.test_accuracy = result.accuracy;
    summary.test_macro_f1 = result.macro_f1;
    summary.test_result = result.result_line;
    summary.translations_path = result.output_path;
    say(result.summary);
  }
};

Trainer::Trainer(io::Recipe recipe, std::ostream& log, bool progress_bar)
    : impl_(std::make_unique<Impl>(std::move(recipe), log, progress_bar)) {
  // In a data-parallel run, process 0 checks the inputs, opens the run directory and resumes or
  // starts the run; the others then build from what it hands them.
  if (impl_->group.is_root()) {
    impl_->check_inputs();
    open_and_build();
  }
  if (impl_->group.distributed()) {
    impl_->join_processes();
    impl_->check_same_data();
  }
}

void Trainer::open_and_build() {
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
  const std::string data_and_model = impl.task->check_summary();
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
  return fmt::format("{}: valid; {}; {} in {}", r.origin, data_and_model, run, directory.path().string());
}

TrainingSummary Trainer::run() { return impl_->run(); }

}  // namespace nmt::train
