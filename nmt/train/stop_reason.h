// Why a training run stopped, as metrics.jsonl's stop record and the log write it.
#pragma once

#include <optional>
#include <string_view>
#include <utility>

namespace nmt::train {

enum class StopReason {
  max_steps,       // training.max_steps updates made
  max_epochs,      // training.max_epochs epochs done
  max_time,        // training.max_time of training time spent
  early_stopping,  // validation.patience validations without improvement
  signal,          // SIGINT or SIGTERM: checkpointed, resumable
  diverged,        // a non-finite loss in 5 updates in a row; the last good checkpoint stays
};

inline constexpr std::pair<StopReason, std::string_view> kStopReasonNames[] = {
    {StopReason::max_steps, "max_steps"}, {StopReason::max_epochs, "max_epochs"},
    {StopReason::max_time, "max_time"},   {StopReason::early_stopping, "early_stopping"},
    {StopReason::signal, "signal"},       {StopReason::diverged, "diverged"},
};

inline std::string_view stop_reason_name(StopReason reason) {
  for (const auto& [r, name] : kStopReasonNames)
    if (r == reason) return name;
  return "?";
}

// The reason a stop record names; nullopt for a name this build does not know.
inline std::optional<StopReason> parse_stop_reason(std::string_view name) {
  for (const auto& [r, n] : kStopReasonNames)
    if (n == name) return r;
  return std::nullopt;
}

// A run stopped for one of these is done: running it again does not train further.
inline bool is_final(StopReason reason) {
  return reason == StopReason::early_stopping || reason == StopReason::diverged;
}

}  // namespace nmt::train
