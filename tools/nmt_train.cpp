// nmt-train: trains a model from a YAML recipe, or resumes a run directory.
//
//   nmt-train recipes/en-fr.yaml [--set training.max_time=10m]...
//   nmt-train runs/en-fr            (continue the run stored there)
//
// Exit status: 0 when training ended by one of its limits or early stopping, 1 for bad input
// (recipe, data, files), 2 for a bad command line, 3 when training diverged, 128 + N after
// signal N (the checkpoint is written first).
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include <boost/program_options.hpp>

#include "nmt/io/recipe.h"
#include "nmt/train/trainer.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

int main(int argc, char** argv) {
  std::string target;
  std::vector<std::string> overrides;
  po::options_description visible(
      "nmt-train RECIPE.yaml | RUN_DIRECTORY [options]\n\n"
      "Trains the model a recipe describes (docs/recipes.md), writing checkpoints, the model,\n"
      "metrics.jsonl and test translations to the recipe's output.directory. Given a run\n"
      "directory (or a recipe whose output.directory holds a run), training resumes exactly\n"
      "where it stopped. SIGINT/SIGTERM write a checkpoint and stop.\n\nOptions");
  visible.add_options()("help,h", "show this help")(
      "set", po::value(&overrides)->composing(),
      "override a recipe key, e.g. --set training.max_time=10m (repeatable; recorded in the run)");
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
      overrides.push_back("output.directory=" + target);
      recipe = nmt::io::load_recipe(stored.string(), overrides);
    } else {
      recipe = nmt::io::load_recipe(target, overrides);
    }
    nmt::train::install_stop_signal_handlers();
    nmt::train::Trainer trainer(recipe, std::cerr, ::isatty(STDERR_FILENO) != 0);
    const nmt::train::TrainingSummary s = trainer.run();
    std::cout << "run directory: " << recipe.output.directory << "\n"
              << "model:         " << s.model_path << "\n"
              << "metrics:       " << recipe.output.directory << "/metrics.jsonl\n"
              << "log:           " << recipe.output.directory << "/train.log\n";
    if (s.has_test_scores)
      std::cout << "translations:  " << s.translations_path << "\n"
                << "test BLEU " << s.test_bleu << ", chrF " << s.test_chrf << "\n";
    if (s.stop_reason == "signal") return 128 + nmt::train::received_stop_signal();
    if (s.stop_reason == "diverged") {
      std::cerr << "nmt-train: training diverged (non-finite loss in 5 updates in a row); the last good checkpoint "
                   "is in "
                << recipe.output.directory << "/checkpoints\n";
      return 3;
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "nmt-train: " << e.what() << "\n";
    return 1;
  }
}
