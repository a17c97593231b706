// The training log that reports and plots are made from: one JSON object per line
// (metrics.jsonl in the run directory). Every record has "event", "step", "time" (seconds of
// training so far, across resumptions) and "epoch"; the other fields depend on the event:
//   train       train_loss (per target token), learning_rate, tokens_per_second, grad_norm;
//               primitives_created, primitives_evicted, pool_system_allocations (counts since
//               the process started), pool_cached_mib, pool_peak_in_use_mib, resident_mib (now)
//   validation  dev_perplexity, dev_bleu (when decoded), best (the best so far), saved (written
//               to model.nmt), final (the validation when training stopped between two)
//   skip        reason (a non-finite loss or gradient; the update was not applied)
//   test        test_bleu, test_chrf, bleu_verbose, translations (file), sentences,
//               sentences_per_second, decoding ("greedy"), model_step
//   stop        reason, model_step (the step model.nmt is from; null if none was written),
//               peak_resident_mib
#pragma once

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace nmt::train {

class MetricsLog {
 public:
  explicit MetricsLog(const std::string& path);  // appends
  void write(const nlohmann::json& record);

 private:
  std::string path_;
  std::ofstream out_;
};

}  // namespace nmt::train
