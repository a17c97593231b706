#include "nmt/report/run_metrics.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>

#include "nmt/train/stop_reason.h"

namespace nmt::report {

using nlohmann::json;

namespace {

// A numeric field of a record, or ReportError naming the line.
double number(const json& record, const char* key, const std::string& where) {
  const auto it = record.find(key);
  if (it == record.end())
    throw ReportError(where + ": a '" + record.value("event", "") + "' record without \"" + key + "\"");
  if (!it->is_number()) throw ReportError(where + ": \"" + key + "\" is not a number");
  return it->get<double>();
}

std::int64_t integer(const json& record, const char* key, const std::string& where) {
  const auto it = record.find(key);
  if (it == record.end())
    throw ReportError(where + ": a '" + record.value("event", "") + "' record without \"" + key + "\"");
  if (!it->is_number_integer()) throw ReportError(where + ": \"" + key + "\" is not a whole number");
  return it->get<std::int64_t>();
}

// Drops the records of steps at or after `step`: a resumed run is redoing them.
template <typename T>
void drop_from(std::vector<std::pair<std::int64_t, T>>& records, std::int64_t step) {
  while (!records.empty() && records.back().first >= step) records.pop_back();
}

}  // namespace

std::optional<double> RunMetrics::mean_tokens_per_second() const {
  if (tokens_per_second.empty()) return std::nullopt;
  return std::accumulate(tokens_per_second.begin(), tokens_per_second.end(), 0.0) /
         static_cast<double>(tokens_per_second.size());
}

std::optional<double> RunMetrics::best_dev_perplexity() const {
  std::optional<double> best;
  for (const auto& v : validations)
    if (!best || v.dev_perplexity < *best) best = v.dev_perplexity;
  return best;
}

namespace {

// The highest value of an optional field of the validations.
std::optional<double> highest(const std::vector<ValidationPoint>& validations,
                              std::optional<double> ValidationPoint::*field) {
  std::optional<double> best;
  for (const auto& v : validations)
    if ((v.*field) && (!best || *(v.*field) > *best)) best = v.*field;
  return best;
}

}  // namespace

std::optional<double> RunMetrics::best_dev_bleu() const { return highest(validations, &ValidationPoint::dev_bleu); }
std::optional<double> RunMetrics::best_dev_accuracy() const {
  return highest(validations, &ValidationPoint::dev_accuracy);
}
std::optional<double> RunMetrics::best_dev_macro_f1() const {
  return highest(validations, &ValidationPoint::dev_macro_f1);
}

RunMetrics read_run_metrics(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ReportError(path + ": cannot open (a run directory has a metrics.jsonl once training started)");
  RunMetrics m;
  m.path = path;
  std::vector<std::pair<std::int64_t, ValidationPoint>> validations;
  std::vector<std::pair<std::int64_t, double>> throughput;
  std::optional<StopRecord> stop;
  std::string line;
  std::size_t line_number = 0, records = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    const std::string where = path + ":" + std::to_string(line_number);
    json record = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (record.is_discarded() || !record.is_object()) throw ReportError(where + ": not a JSON object");
    const auto event = record.find("event");
    if (event == record.end() || !event->is_string()) throw ReportError(where + ": a record without an \"event\"");
    const std::string kind = event->get<std::string>();
    const std::int64_t step = integer(record, "step", where);
    const double time = number(record, "time", where);
    ++records;
    if (kind == "train") {
      drop_from(throughput, step);
      drop_from(validations, step + 1);  // a validation follows the train record of its step
      throughput.emplace_back(
          step, number(record, record.contains("sentences_per_second") ? "sentences_per_second" : "tokens_per_second",
                       where));
    } else if (kind == "validation") {
      drop_from(validations, step);
      ValidationPoint v;
      v.step = step;
      v.time = time;
      v.dev_perplexity = number(record, "dev_perplexity", where);
      if (record.contains("dev_bleu")) v.dev_bleu = number(record, "dev_bleu", where);
      if (record.contains("dev_accuracy")) v.dev_accuracy = number(record, "dev_accuracy", where);
      if (record.contains("dev_macro_f1")) v.dev_macro_f1 = number(record, "dev_macro_f1", where);
      validations.emplace_back(step, v);
    } else if (kind == "stop") {
      const auto reason = record.find("reason");
      if (reason == record.end() || !reason->is_string())
        throw ReportError(where + ": a stop record without a \"reason\"");
      stop = StopRecord{step, time, integer(record, "epoch", where), reason->get<std::string>()};
    } else if (kind == "test") {
      continue;  // written after the stop record; not part of training
    } else if (kind != "skip") {
      throw ReportError(where + ": unknown event '" + kind + "'");
    }
    if (kind != "stop") stop.reset();  // training went on after an earlier stop
    m.steps = step;
    m.training_seconds = time;
  }
  if (records == 0) throw ReportError(path + ": no records: the run has not trained yet");
  for (auto& [step, v] : validations) m.validations.push_back(v);
  for (auto& [step, t] : throughput) m.tokens_per_second.push_back(t);
  m.stop = stop;
  return m;
}

bool run_finished(const RunMetrics& metrics, const io::TrainingRecipe& training) {
  if (!metrics.stop) return false;
  const StopRecord& s = *metrics.stop;
  const auto reason = train::parse_stop_reason(s.reason);
  if (reason && train::is_final(*reason)) return true;
  return (training.max_steps > 0 && s.step >= training.max_steps) ||
         (training.max_epochs > 0 && s.epoch >= training.max_epochs) ||
         (training.max_seconds > 0 && s.time >= training.max_seconds);
}

}  // namespace nmt::report
