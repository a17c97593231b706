#include "nmt/train/trainer_state.h"

namespace nmt::train {

nlohmann::json TrainerState::to_json() const {
  nlohmann::json j{{"step", step},
                   {"epoch", position.epoch},
                   {"batch", position.batch},
                   {"dropout_position", dropout_position},
                   {"seconds", seconds},
                   {"target_tokens", target_tokens},
                   {"has_best", has_best},
                   {"best_metric", best_metric},
                   {"best_step", best_step},
                   {"stalled_validations", stalled_validations},
                   {"plateau_scale", plateau_scale},
                   {"plateau_stalled", plateau_stalled},
                   {"skipped_updates", skipped_updates},
                   {"last_validated_step", last_validated_step},
                   {"has_model", has_model},
                   {"model_metric", model_metric},
                   {"model_step", model_step}};
  if (processes > 1) {
    j["processes"] = processes;
    j["other_dropout_positions"] = other_dropout_positions;
  }
  return j;
}

TrainerState TrainerState::from_json(const nlohmann::json& j) {
  TrainerState s;
  s.step = j.at("step");
  s.position.epoch = j.at("epoch");
  s.position.batch = j.at("batch");
  s.dropout_position = j.at("dropout_position");
  s.seconds = j.at("seconds");
  s.target_tokens = j.at("target_tokens");
  s.has_best = j.at("has_best");
  s.best_metric = j.at("best_metric");
  s.best_step = j.at("best_step");
  s.stalled_validations = j.at("stalled_validations");
  s.plateau_scale = j.at("plateau_scale");
  s.plateau_stalled = j.at("plateau_stalled");
  s.skipped_updates = j.at("skipped_updates");
  s.last_validated_step = j.value("last_validated_step", std::int64_t{-1});
  s.has_model = j.value("has_model", s.has_best);
  s.model_metric = j.value("model_metric", s.best_metric);
  s.model_step = j.value("model_step", s.best_step);
  s.processes = j.value("processes", std::int64_t{1});
  s.other_dropout_positions = j.value("other_dropout_positions", std::vector<std::uint64_t>{});
  return s;
}

}  // namespace nmt::train
