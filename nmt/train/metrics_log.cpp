#include "nmt/train/metrics_log.h"

#include <stdexcept>

namespace nmt::train {

MetricsLog::MetricsLog(const std::string& path) : path_(path), out_(path, std::ios::app) {
  if (!out_) throw std::runtime_error(path + ": cannot open the metrics log for writing");
}

void MetricsLog::write(const nlohmann::json& record) {
  out_ << record.dump() << '\n';
  out_.flush();
  if (!out_) throw std::runtime_error(path_ + ": cannot write the metrics log");
}

}  // namespace nmt::train
