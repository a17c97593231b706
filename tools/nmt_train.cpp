// nmt-train: trains a model from a YAML recipe, or resumes a run directory.
//
//   nmt-train recipes/en-fr.yaml [--set training.max_time=10m]...
//   nmt-train runs/en-fr            (continue the run stored there)
//
// Exit status: 0 when training ended by one of its limits or early stopping (or the recipe
// is valid, with --validate-only), 1 for bad input (recipe, data, files, a run directory in
// use), 2 for a bad command line (--set overrides included), 3 when training diverged,
// 128 + N after signal N (the checkpoint is written first; a second signal stops at once).
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "nmt/graph/build_info.h"
#include "nmt/graph/openmp_waiting.h"
#include "nmt/io/recipe.h"
#include "nmt/train/trainer.h"
#include "tools/log_stream.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

int main(int argc, char** argv) {
  nmt::graph::restart_with_openmp_spin_count(argv);  // before any parallel region; see openmp_waiting.h
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
    std::cerr << "nmt-train: " << e.what() << " (see nmt-train --help)\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << visible << "\n";
    return 0;
  }
  if (vm.count("version")) {
    std::cout << nmt::graph::version_text("nmt-train");
    return 0;
  }
  if (target.empty()) {
    std::cerr << "nmt-train: give a recipe file or a run directory (see nmt-train --help)\n";
    return 2;
  }
  try {
    nmt::io::Recipe recipe;
    if (fs::is_directory(target)) {
      const fs::path stored = fs::path(target) / "recipe.yaml";
      if (!fs::exists(stored)) {
        std::cerr << "nmt-train: " << target << " is a directory without a recipe.yaml: not a run directory\n";
        return 1;
      }
      // The run is where it is now, wherever it was started.
      overrides.push_back("output.directory=" + target);
      recipe = nmt::io::load_recipe(stored.string(), overrides);
    } else {
      recipe = nmt::io::load_recipe(target, overrides);
    }
    if (vm.count("validate-only")) {
      std::cout << nmt::train::Trainer::check(recipe) << "\n";
      return 0;
    }
    const bool quiet = vm.count("quiet") > 0;
    nmt::tools::LogStream log(quiet, log_path);
    if (!log.ok()) {
      std::cerr << "nmt-train: --log " << log_path << ": cannot open the file for writing\n";
      return 2;
    }
    nmt::train::install_stop_signal_handlers();
    // The progress bar is for a terminal alone, not for a --log file.
    nmt::train::Trainer trainer(recipe, log.stream(), !quiet && !log.has_file() && ::isatty(STDERR_FILENO) != 0);
    const nmt::train::TrainingSummary s = trainer.run();
    const std::string& run_dir = recipe.output.directory;
    std::cout << "run directory: " << run_dir << "\n"
              << "model:         "
              << (s.has_model ? s.model_path + " (step " + std::to_string(s.model_step) + ")" : "(none)") << "\n"
              << "metrics:       " << run_dir << "/metrics.jsonl\n"
              << "log:           " << run_dir << "/train.log\n";
    if (s.has_test_scores)
      std::cout << "translations:  " << s.translations_path << "\n"
                << "test BLEU " << s.test_bleu << ", chrF " << s.test_chrf << "\n";
    if (s.stop_reason == nmt::train::StopReason::signal) return 128 + nmt::train::received_stop_signal();
    if (s.stop_reason == nmt::train::StopReason::diverged) {
      std::cerr << "nmt-train: training diverged (non-finite loss in 5 updates in a row); the last good checkpoint "
                   "is in "
                << recipe.output.directory << "/checkpoints\n";
      return 3;
    }
    return 0;
  } catch (const nmt::io::OverrideError& e) {
    std::cerr << "nmt-train: " << e.what() << " (see nmt-train --help)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "nmt-train: " << e.what() << "\n";
    return 1;
  }
}
