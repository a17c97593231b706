// The training log that reports and plots are made from: one JSON object per line
// (metrics.jsonl in the run directory). Every record has "event", "step", "time" (seconds of
// training so far, across resumptions) and "epoch"; the other fields depend on the event:
//   train       train_loss (per target token), learning_rate, tokens_per_second, grad_norm
//   validation  dev_perplexity, dev_bleu (when decoded), best (bool)
//   skip        reason (a non-finite loss or gradient; the update was not applied)
//   test        test_bleu, test_chrf, bleu_signature, translations (file)
//   stop        reason
#pragma once

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

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
