#include "nmt/eval/classification_scores.h"

#include <stdexcept>
#include <string>

namespace nmt::eval {

double LabelScore::f1() const {
  const double p = precision(), r = recall();
  return p + r > 0 ? 2 * p * r / (p + r) : 0;
}

ClassificationScores score_classification(std::span<const std::int32_t> gold, std::span<const std::int32_t> predicted,
                                          std::size_t label_count) {
  if (gold.size() != predicted.size())
    throw std::invalid_argument("score_classification: " + std::to_string(gold.size()) + " gold labels but " +
                                std::to_string(predicted.size()) + " predictions");
  ClassificationScores s;
  s.labels.resize(label_count);
  const auto check = [label_count](std::int32_t id) {
    if (id < 0 || static_cast<std::size_t>(id) >= label_count)
      throw std::invalid_argument("score_classification: label id " + std::to_string(id) + " outside [0, " +
                                  std::to_string(label_count) + ")");
    return static_cast<std::size_t>(id);
  };
  for (std::size_t i = 0; i < gold.size(); ++i) {
    const std::size_t g = check(gold[i]), p = check(predicted[i]);
    ++s.labels[g].gold;
    ++s.labels[p].predicted;
    if (g == p) {
      ++s.labels[g].correct;
      ++s.correct;
    }
  }
  s.sentences = gold.size();
  s.accuracy = s.sentences ? 100.0 * static_cast<double>(s.correct) / static_cast<double>(s.sentences) : 0;
  double f1_sum = 0;
  std::size_t occurring = 0;
  for (const LabelScore& label : s.labels) {
    if (label.gold == 0 && label.predicted == 0) continue;
    f1_sum += label.f1();
    ++occurring;
  }
  s.macro_f1 = occurring ? 100.0 * f1_sum / static_cast<double>(occurring) : 0;
  return s;
}

}  // namespace nmt::eval
