// The runs a comparison is about: each argument is a recipe file or a run directory, made into
// the effective recipe of its run, and trained (or resumed) unless it has already finished.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "nmt/io/recipe.h"
#include "nmt/report/run_metrics.h"

namespace nmt::report {

struct RunSpec {
  std::string name;         // its row in the table: the recipe file's or the directory's name (+ " seed S")
  std::string recipe_name;  // the recipe file's or directory's name: the row of its seeds' summary
  std::string argument;     // as given
  bool from_directory = false;
  io::Recipe recipe{};  // effective: the overrides applied; output.directory is the run
  std::string directory() const { return recipe.output.directory; }
};

// A recipe file or a run directory (a directory holding recipe.yaml; the overrides apply to
// it as nmt-train applies them). io::RecipeError or ReportError naming the file.
RunSpec resolve_run(const std::string& argument, const std::vector<std::string>& overrides);

// Every argument resolved; ReportError when two share a run directory or differ in their test
// set (their BLEU would not be comparable). Names are made unique (the argument as given
// replaces a name that occurs twice).
//
// With seeds > 1, each recipe gives that many runs, trained with training.seed S, S + 1, ...
// (S the recipe's seed): the first in the recipe's own output.directory (so a run made
// without --seeds counts as the first seed), the others in OUTPUT.DIRECTORY-seedN. Run
// directories as arguments are refused then (their seed is the one they were trained with).
std::vector<RunSpec> resolve_runs(const std::vector<std::string>& arguments, const std::vector<std::string>& overrides,
                                  int seeds = 1);

// Checks that a run can be collected without training: its directory holds recipe.yaml (of the
// same data and model as `spec`), metrics.jsonl with records, and model.nmt. ReportError
// naming what is missing.
void check_collectable(const RunSpec& spec);

enum class TrainingOutcome { already_finished, trained, stopped_by_signal, diverged };

// Trains the run through nmt::train::Trainer (which starts it, or resumes it from its newest
// checkpoint), unless its metrics show it has finished under the recipe's limits: training a
// finished run again would only append records and re-translate its test set.
TrainingOutcome train_unless_finished(const RunSpec& spec, std::ostream& log, bool progress_bar);

}  // namespace nmt::report
