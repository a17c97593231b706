#include "nmt/report/run_spec.h"

#include <filesystem>
#include <map>
#include <set>

#include "nmt/graph/memory_pool.h"
#include "nmt/graph/primitive_cache.h"
#include "nmt/io/section_file.h"
#include "nmt/train/run_directory.h"
#include "nmt/train/trainer.h"

namespace nmt::report {

namespace fs = std::filesystem;

namespace {

// The name of a path's last component, without ".yaml"/".yml" for recipe files.
std::string display_name(const std::string& argument, bool directory) {
  fs::path p(argument);
  if (!p.has_filename()) p = p.parent_path();  // "runs/x/"
  return directory ? p.filename().string() : p.stem().string();
}

// A YAML scalar that reads back as `text` whatever it holds (the value of a --set override).
std::string yaml_quoted(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  return quoted + "'";
}

std::string normalized(const std::string& path) {
  return path.empty() ? path : fs::path(path).lexically_normal().string();
}

}  // namespace

RunSpec resolve_run(const std::string& argument, const std::vector<std::string>& overrides) {
  RunSpec spec;
  spec.argument = argument;
  if (fs::is_directory(argument)) {
    const fs::path stored = fs::path(argument) / "recipe.yaml";
    if (!fs::exists(stored)) throw ReportError(argument + " is a directory without a recipe.yaml: not a run directory");
    std::vector<std::string> all = overrides;
    all.push_back("output.directory=" + argument);
    spec.recipe = io::load_recipe(stored.string(), all);
    spec.from_directory = true;
  } else {
    spec.recipe = io::load_recipe(argument, overrides);
  }
  spec.name = display_name(argument, spec.from_directory);
  spec.recipe_name = spec.name;
  return spec;
}

std::vector<RunSpec> resolve_runs(const std::vector<std::string>& arguments, const std::vector<std::string>& overrides,
                                  int seeds) {
  if (seeds < 1) throw ReportError("--seeds must be at least 1, not " + std::to_string(seeds));
  std::vector<RunSpec> specs;
  for (const auto& a : arguments) {
    RunSpec first = resolve_run(a, overrides);
    if (seeds == 1) {
      specs.push_back(std::move(first));
      continue;
    }
    if (first.from_directory)
      throw ReportError(a + " is a run directory, trained with one seed; --seeds " + std::to_string(seeds) +
                        " trains recipes: give the recipe file");
    const std::int64_t seed = first.recipe.training.seed;
    std::string directory = first.directory();
    while (directory.size() > 1 && directory.back() == '/') directory.pop_back();  // "runs/x/" -> runs/x-seed2
    for (int k = 0; k < seeds; ++k) {
      std::vector<std::string> with_seed = overrides;
      with_seed.push_back("training.seed=" + std::to_string(seed + k));
      if (k > 0) with_seed.push_back("output.directory=" + yaml_quoted(directory + "-seed" + std::to_string(seed + k)));
      RunSpec spec = resolve_run(a, with_seed);
      spec.name += " seed " + std::to_string(seed + k);
      specs.push_back(std::move(spec));
    }
  }
  std::map<std::string, const RunSpec*> directories;
  std::map<std::string, std::set<std::string>> arguments_named;  // recipe name -> the arguments it names
  for (const auto& s : specs) {
    const std::string dir = normalized(s.directory());
    if (const auto it = directories.find(dir); it != directories.end())
      throw ReportError(it->second->argument + " and " + s.argument + " both use the run directory " + s.directory() +
                        ": give each recipe its own output.directory");
    directories[dir] = &s;
    arguments_named[s.recipe_name].insert(s.argument);
  }
  // Two arguments of one name (a/x.yaml, b/x.yaml): every run of both is named by its argument.
  for (auto& s : specs)
    if (arguments_named[s.recipe_name].size() > 1) {
      const std::string seed_suffix = s.name.substr(s.recipe_name.size());
      s.name = s.argument + seed_suffix;
      s.recipe_name = s.argument;
    }
  const auto& first = specs.front();
  const bool classifiers = first.recipe.model.type == "classifier";
  // What the test sentences are scored against: references, or a classifier's labels.
  const auto answers = [](const io::Recipe& r) {
    return r.model.type == "classifier" ? r.data.test_labels : r.data.test_target;
  };
  const std::string answers_key = classifiers ? "data.test_labels" : "data.test_target";
  for (const auto& s : specs) {
    if ((s.recipe.model.type == "classifier") != classifiers)
      throw ReportError(first.argument + " is a " + (classifiers ? "classifier" : "translation model") + " but " +
                        s.argument + " a " + (classifiers ? "translation model" : "classifier") +
                        ": nmt-compare compares translation models or classifiers, not both");
    const auto& a = first.recipe.data;
    const auto& b = s.recipe.data;
    if (b.test_source.empty() || answers(s.recipe).empty())
      throw ReportError(s.recipe.origin + ": no data.test_source and " + answers_key + ": nothing to compare on");
    if (normalized(a.test_source) != normalized(b.test_source) ||
        normalized(answers(first.recipe)) != normalized(answers(s.recipe)))
      throw ReportError(first.argument + " tests on " + a.test_source + " / " + answers(first.recipe) + " but " +
                        s.argument + " on " + b.test_source + " / " + answers(s.recipe) +
                        ": their scores would not be comparable");
  }
  return specs;
}

void check_collectable(const RunSpec& spec) {
  const fs::path dir = spec.directory();
  const std::string hint = spec.from_directory ? "" : " (the output.directory of " + spec.argument + ")";
  if (!fs::is_directory(dir))
    throw ReportError(dir.string() + ": no run directory" + hint + "; train it first, or leave out --collect-only");
  const fs::path stored = dir / "recipe.yaml";
  if (!fs::exists(stored)) throw ReportError(dir.string() + ": no recipe.yaml: not a run directory" + hint);
  if (!spec.from_directory) {
    // The run must be of this recipe: same data and model (limits may differ, as on resume).
    // The trainer stores its paths made absolute against the directory it ran in: compare both
    // sides' paths made absolute (against this directory where one is relative).
    const std::string cwd = fs::current_path().string();
    const auto there =
        io::with_absolute_paths(io::parse_recipe(io::read_file(stored.string()), stored.string()), cwd).values;
    const io::Recipe here = io::with_absolute_paths(spec.recipe, cwd);
    for (const auto& [key, value] : here.values) {
      // The seed too: with --seeds, DIR-seedN must hold the run of seed N.
      if (key.rfind("data.", 0) != 0 && key.rfind("model.", 0) != 0 && key != "training.seed") continue;
      const auto it = there.find(key);
      const std::string old = it == there.end() ? "(unset)" : it->second;
      if (old != value)
        throw ReportError(dir.string() + " holds a run of a different recipe than " + spec.argument + ": " + key +
                          " is '" + old + "' there and '" + value + "' here");
    }
  }
  if (!fs::exists(dir / "metrics.jsonl"))
    throw ReportError((dir / "metrics.jsonl").string() + ": missing: the run has not started training");
  read_run_metrics((dir / "metrics.jsonl").string());  // throws for an empty or damaged log
  if (!fs::exists(dir / "model.nmt"))
    throw ReportError((dir / "model.nmt").string() + ": missing: no model to " +
                      (spec.recipe.model.type == "classifier" ? "classify" : "translate") + " with");
}

TrainingOutcome train_unless_finished(const RunSpec& spec, std::ostream& log, bool progress_bar) {
  const fs::path dir = spec.directory(), metrics = dir / "metrics.jsonl";
  bool finished = false;
  if (fs::exists(metrics) && fs::file_size(metrics) > 0 && fs::exists(dir / "model.nmt"))
    finished = run_finished(read_run_metrics(metrics.string()), spec.recipe.training);
  if (finished) {
    // Only the stored recipe is compared: a finished run needs neither its corpus nor a model.
    const train::RunDirectory directory(dir);
    directory.check_not_in_use();
    if (const std::string difference = directory.difference_from(spec.recipe); !difference.empty())
      throw io::RecipeError(dir.string() + " holds a run of a different recipe: " + difference);
    return TrainingOutcome::already_finished;
  }
  train::TrainingSummary summary;
  {
    // Constructing the trainer checks that the directory holds a run of this recipe.
    train::Trainer trainer(spec.recipe, log, progress_bar);
    summary = trainer.run();
  }
  // The next recipe has other shapes: the primitives compiled for this one and the buffers
  // cached for its tensors would only hold memory (gigabytes after a long run) while the
  // following recipes train in the same process.
  graph::clear_primitive_caches();
  graph::release_cached_buffers();
  if (summary.stop_reason == train::StopReason::signal) return TrainingOutcome::stopped_by_signal;
  if (summary.stop_reason == train::StopReason::diverged) return TrainingOutcome::diverged;
  return TrainingOutcome::trained;
}

}  // namespace nmt::report
