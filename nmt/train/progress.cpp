#include "nmt/train/progress.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace nmt::train {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<long>(seconds);
  return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
                   : fmt::format("{}:{:02}", s / 60, s % 60);
}

void ProgressWindow::add(double loss, double target_tokens, double seconds, double grad_norm) {
  loss_ += loss;
  tokens_ += target_tokens;
  seconds_ += seconds;
  grad_norm_ += grad_norm;
  ++steps_;
}

double eta_seconds(const io::TrainingRecipe& t, const RunPosition& at, double steps_per_second) {
  double best = std::numeric_limits<double>::infinity();
  if (t.max_seconds > 0) best = std::min(best, t.max_seconds - at.seconds);
  if (steps_per_second > 0 && t.max_steps > 0)
    best = std::min(best, static_cast<double>(t.max_steps - at.step) / steps_per_second);
  if (steps_per_second > 0 && t.max_epochs > 0) {
    const double batches_left = (static_cast<double>(t.max_epochs) - static_cast<double>(at.batch.epoch)) *
                                    static_cast<double>(at.batches_per_epoch) -
                                static_cast<double>(at.batch.batch);
    best = std::min(best, batches_left / static_cast<double>(t.accumulate) / steps_per_second);
  }
  return best;
}

std::string log_line(const RunPosition& at, const ProgressWindow& window, double learning_rate, double eta,
                     const std::string& unit) {
  return fmt::format("step {} epoch {} loss {:.4f} lr {:.3g} {:.0f} {}/s elapsed {} ETA {}", at.step, at.batch.epoch,
                     window.loss_per_token(), learning_rate, window.tokens_per_second(), unit,
                     format_duration(at.seconds), format_duration(eta));
}

std::string bar_line(const RunPosition& at, const ProgressWindow& window, double learning_rate, double eta,
                     const std::string& unit) {
  return fmt::format("step {} | epoch {} | {:.0f} {}/s | loss {:.3f} | lr {:.2e} | ETA {}", at.step, at.batch.epoch,
                     window.tokens_per_second(), unit, window.loss_per_token(), learning_rate, format_duration(eta));
}

}  // namespace nmt::train
