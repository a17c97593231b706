#include "nmt/train/run_directory.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "nmt/io/section_file.h"

namespace nmt::train {

namespace fs = std::filesystem;

namespace {

std::string holder_of(const fs::path& lock) {
  std::string holder = io::read_file(lock.string());
  while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
  return holder.empty() ? std::string("process unknown") : holder;
}

}  // namespace

bool may_change_on_resume(const std::string& key) {
  return key == "training.max_epochs" || key == "training.max_steps" || key == "training.max_time" ||
         key == "validation.patience" || key == "training.log_every" || key == "output.translate_test" ||
         key == "output.keep_checkpoints" || key == "output.directory" || key == "training.threads";
}

RunDirectory::RunDirectory(fs::path path) : path_(std::move(path)) {}

RunDirectory::~RunDirectory() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

std::vector<fs::path> RunDirectory::checkpoints_newest_first() const {
  std::vector<fs::path> all;
  if (!fs::exists(checkpoint_dir())) return all;
  for (const auto& e : fs::directory_iterator(checkpoint_dir()))
    if (e.path().extension() == ".ckpt") all.push_back(e.path());
  std::sort(all.rbegin(), all.rend());  // step-0000000123.ckpt: names sort as steps do
  return all;
}

std::string RunDirectory::difference_from(const io::Recipe& recipe) const {
  const fs::path stored = path_ / "recipe.yaml";
  if (!fs::exists(stored)) return "";
  const std::string here = fs::current_path().string();
  const auto before =
      io::with_absolute_paths(io::parse_recipe(io::read_file(stored.string()), stored.string()), here).values;
  const auto after = io::with_absolute_paths(recipe, here).values;
  for (const auto& [key, value] : after) {
    if (may_change_on_resume(key)) continue;
    const auto it = before.find(key);
    const std::string old = it == before.end() ? "(unset)" : it->second;
    if (old != value) return key + " is '" + old + "' there and '" + value + "' here";
  }
  return "";
}

void RunDirectory::lock() {
  const fs::path path = path_ / "lock";
  lock_fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) throw io::RecipeError(path.string() + ": cannot open the run's lock file: " + std::strerror(errno));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    const std::string holder = holder_of(path);
    ::close(lock_fd_);
    lock_fd_ = -1;
    throw io::RecipeError(path_.string() + " is in use by another nmt-train (" + holder +
                          "); wait for it to end or stop it first");
  }
  const std::string pid = "process " + std::to_string(::getpid()) + "\n";
  if (::ftruncate(lock_fd_, 0) != 0 ||
      ::pwrite(lock_fd_, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size()))
    throw io::RecipeError(path.string() + ": cannot write the run's lock file: " + std::strerror(errno));
}

void RunDirectory::check_not_in_use() const {
  const fs::path path = path_ / "lock";
  if (!fs::exists(path)) return;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0;
  ::close(fd);
  if (held)
    throw io::RecipeError(path_.string() + " is in use by another nmt-train (" + holder_of(path) +
                          "); wait for it to end or stop it first");
}

}  // namespace nmt::train
