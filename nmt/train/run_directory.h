// A training run's directory (trainer.h lists what it holds): its lock, the recipe stored in it
// and its checkpoints. nmt-train opens it to train; --validate-only and nmt-compare look at it
// without reading a corpus or building a model.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "nmt/io/recipe.h"

namespace nmt::train {

// Keys a resumed run may change: its limits, its reporting and where it runs, not what it
// computes (training.threads changes no result; tests/train/trainer_test.cpp checks it).
bool may_change_on_resume(const std::string& key);

class RunDirectory {
 public:
  explicit RunDirectory(std::filesystem::path path);
  ~RunDirectory();  // releases the lock if it holds it
  RunDirectory(const RunDirectory&) = delete;
  RunDirectory& operator=(const RunDirectory&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path checkpoint_dir() const { return path_ / "checkpoints"; }
  std::vector<std::filesystem::path> checkpoints_newest_first() const;
  bool has_checkpoint() const { return !checkpoints_newest_first().empty(); }

  // The first difference between the recipe stored here (recipe.yaml) and `recipe` in a key a
  // resumed run may not change, or empty (also when none is stored). Paths compare by meaning:
  // both made absolute against the working directory.
  std::string difference_from(const io::Recipe& recipe) const;

  // Takes the advisory lock (flock) and writes this process into it: a second trainer refuses
  // at once with an io::RecipeError naming the holder. The kernel drops the lock with its
  // holder, so kill -9 leaves none behind. The directory must exist.
  void lock();
  // Throws the same error when another process holds the lock, without taking it.
  void check_not_in_use() const;

 private:
  std::filesystem::path path_;
  int lock_fd_ = -1;
};

}  // namespace nmt::train
