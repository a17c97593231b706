// nmt-train: trains a model from a YAML recipe, or resumes a run directory.
//
//   nmt-train recipes/en-fr.yaml [--set training.max_time=10m]...
//   nmt-train runs/en-fr            (continue the run stored there)
//
// Exit status: 0 when training ended by one of its limits or early stopping (or the recipe
// is valid, with --validate-only), 1 for bad input (recipe, data, files, a run directory in
// use), 2 for a bad command line (--set overrides included), 3 when training diverged,
// 128 + N after signal N (the checkpoint is written first; a second signal stops at once).
//
// Under mpirun (`mpirun -np N nmt-train RECIPE`) N processes train one model, each on its share
// of every batch (process_group.h, batch_share.h); process 0 writes, logs and prints.
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "nmt/graph/build_info.h"
#include "nmt/graph/openmp_waiting.h"
#include "nmt/io/recipe.h"
#include "nmt/train/process_group.h"
#include "nmt/train/trainer.h"
#include "tools/log_stream.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

// Every process reached the same end (the same command line, the same stop): they leave MPI
// together.
int finish(nmt::train::ProcessGroup& group, int status) {
  group.finalize();
  return status;
}

// This process failed, maybe alone: a data-parallel run ends all of its processes at once
// rather than leave them waiting in a collective this one will never reach.
int fail(nmt::train::ProcessGroup& group, int status) {
  if (group.distributed()) group.abort(status);
  group.finalize();  // mpirun -np 1: leave MPI properly
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  nmt::graph::restart_with_openmp_spin_count(argv);  // before any parallel region; see openmp_waiting.h
  if (!nmt::train::ProcessGroup::available() && nmt::train::ProcessGroup::launched_processes() > 1) {
    // Each process would take itself for the only one and train alone, all on one directory.
    std::cerr << "nmt-train: started as one of " << nmt::train::ProcessGroup::launched_processes()
              << " processes by mpirun, but this nmt-train was built without MPI (-DNMT_WITH_MPI=OFF); build it "
                 "with MPI (tools/install-deps.sh installs Open MPI) or run it alone\n";
    return 1;
  }
  nmt::train::ProcessGroup& group = nmt::train::ProcessGroup::initialize(&argc, &argv);
  // Process 0 speaks for a data-parallel run; the others report only their own errors.
  const std::string name = group.distributed() && !group.is_root()
                               ? "nmt-train (process " + std::to_string(group.rank()) + ")"
                               : std::string("nmt-train");
  std::string target, log_path;
  std::vector<std::string> overrides;
  po::options_description visible(
      "nmt-train RECIPE.yaml | RUN_DIRECTORY [options]\n\n"
      "Trains the model a recipe describes (docs/recipes.md), writing checkpoints, the model,\n"
      "metrics.jsonl and test translations to the recipe's output.directory. Given a run\n"
      "directory (or a recipe whose output.directory holds a run), training resumes exactly\n"
      "where it stopped. SIGINT/SIGTERM write a checkpoint and stop.\n\nOptions");
  visible.add_options()("help,h", "show this help")("version", "show the version, commit and oneDNN version")(
      "set", po::value(&overrides)->composing(),
      "override a recipe key, e.g. --set training.max_time=10m (repeatable; recorded in the run)")(
      "validate-only", "check the recipe, every file it names and the run directory, write nothing, and exit")(
      "quiet,q", "no log lines on standard error (train.log still has them; errors are still shown)")(
      "log", po::value(&log_path), "also append the log lines to this file");
  po::options_description all;
  all.add(visible).add_options()("target", po::value(&target));
  po::positional_options_description positional;
  positional.add("target", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    if (group.is_root()) std::cerr << "nmt-train: " << e.what() << " (see nmt-train --help)\n";
    return finish(group, 2);
  }
  if (vm.count("help")) {
    if (group.is_root()) std::cout << visible << "\n";
    return finish(group, 0);
  }
  if (vm.count("version")) {
    if (group.is_root())
      std::cout << nmt::graph::version_text("nmt-train") << "MPI: "
                << (nmt::train::ProcessGroup::available() ? group.library() + " (data-parallel under mpirun)"
                                                          : std::string("not built in"))
                << "\n";
    return finish(group, 0);
  }
  if (target.empty()) {
    if (group.is_root()) std::cerr << "nmt-train: give a recipe file or a run directory (see nmt-train --help)\n";
    return finish(group, 2);
  }
  try {
    nmt::io::Recipe recipe;
    if (fs::is_directory(target)) {
      const fs::path stored = fs::path(target) / "recipe.yaml";
      if (!fs::exists(stored)) {
        std::cerr << name << ": " << target << " is a directory without a recipe.yaml: not a run directory\n";
        return fail(group, 1);
      }
      // The run is where it is now, wherever it was started.
      overrides.push_back("output.directory=" + target);
      recipe = nmt::io::load_recipe(stored.string(), overrides);
    } else {
      recipe = nmt::io::load_recipe(target, overrides);
    }
    if (vm.count("validate-only")) {
      const std::string report = nmt::train::Trainer::check(recipe);
      if (group.is_root()) std::cout << report << "\n";
      return finish(group, 0);
    }
    const bool quiet = vm.count("quiet") > 0 || !group.is_root();
    nmt::tools::LogStream log(quiet, group.is_root() ? log_path : std::string());
    if (!log.ok()) {
      std::cerr << name << ": --log " << log_path << ": cannot open the file for writing\n";
      return fail(group, 2);
    }
    nmt::train::install_stop_signal_handlers();
    // The progress bar is for a terminal alone, not for a --log file.
    nmt::train::Trainer trainer(recipe, log.stream(), !quiet && !log.has_file() && ::isatty(STDERR_FILENO) != 0);
    const nmt::train::TrainingSummary s = trainer.run();
    const std::string& run_dir = recipe.output.directory;
    if (group.is_root()) {
      std::cout << "run directory: " << run_dir << "\n"
                << "model:         "
                << (s.has_model ? s.model_path + " (step " + std::to_string(s.model_step) + ")" : "(none)") << "\n"
                << "metrics:       " << run_dir << "/metrics.jsonl\n"
                << "log:           " << run_dir << "/train.log\n";
      if (s.has_test_scores)
        std::cout << (recipe.model.type == "classifier" ? "test labels:   " : "translations:  ") << s.translations_path
                  << "\n"
                  << s.test_result << "\n";
    }
    // Every process stopped for the same reason: they leave together.
    if (s.stop_reason == nmt::train::StopReason::signal) return finish(group, 128 + s.stop_signal);
    if (s.stop_reason == nmt::train::StopReason::diverged) {
      if (group.is_root())
        std::cerr << "nmt-train: training diverged (non-finite loss in 5 updates in a row); the last good "
                     "checkpoint is in "
                  << recipe.output.directory << "/checkpoints\n";
      return finish(group, 3);
    }
    return finish(group, 0);
  } catch (const nmt::io::OverrideError& e) {
    // The same command line on every process: each finds the same mistake.
    if (group.is_root()) std::cerr << "nmt-train: " << e.what() << " (see nmt-train --help)\n";
    return finish(group, 2);
  } catch (const std::exception& e) {
    std::cerr << name << ": " << e.what() << "\n";
    return fail(group, 1);
  }
}
