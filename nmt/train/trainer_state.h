// What a checkpoint's "trainer" section holds besides parameters and moments: where the run is
// (step, batch position, dropout stream, timers) and what its validations decided.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "nmt/data/batching.h"

namespace nmt::train {

struct TrainerState {
  std::int64_t step = 0;
  data::BatchPosition position;
  std::uint64_t dropout_position = 0;
  // A data-parallel run (issue 18): its number of processes, which a resumed run must have too
  // (each trains on its share of every batch with a dropout stream of its own), and the stream
  // positions of processes 1 .. processes-1 (dropout_position is process 0's). Written only when
  // processes > 1, so one-process checkpoints are as before.
  std::int64_t processes = 1;
  std::vector<std::uint64_t> other_dropout_positions;
  double seconds = 0;  // training time, validations included
  std::int64_t target_tokens = 0;
  // The best_* fields record the scheduled validations (every validation.every_steps), which
  // drive early stopping and the plateau schedule; the model_* fields record what model.nmt
  // holds, which also the validation at the end of a run may replace. Keeping the two apart
  // keeps a stopped and resumed run on the same schedule as an uninterrupted one.
  bool has_best = false;
  double best_metric = 0;
  std::int64_t best_step = 0;
  std::int64_t stalled_validations = 0;
  double plateau_scale = 1.0;
  std::int64_t plateau_stalled = 0;
  std::int64_t skipped_updates = 0;
  std::int64_t last_validated_step = -1;
  bool has_model = false;
  double model_metric = 0;
  std::int64_t model_step = 0;

  nlohmann::json to_json() const;
  // Reads what to_json wrote, and the checkpoints of older versions (without the model_* and
  // last_validated_step fields: model.nmt was then the best scheduled one).
  static TrainerState from_json(const nlohmann::json& j);
};

}  // namespace nmt::train
