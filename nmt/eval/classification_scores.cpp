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
  s.macro_f1 = macro_f1(s.labels);
  return s;
}

double macro_f1(std::span<const LabelScore> labels) {
  double f1_sum = 0;
  std::size_t occurring = 0;
  for (const LabelScore& label : labels) {
    if (label.gold == 0 && label.predicted == 0) continue;
    f1_sum += label.f1();
    ++occurring;
  }
  return occurring ? 100.0 * f1_sum / static_cast<double>(occurring) : 0;
}

SegmentStatistics accuracy_statistics(std::span<const std::int32_t> gold, std::span<const std::int32_t> predicted) {
  if (gold.size() != predicted.size())
    throw std::invalid_argument("accuracy_statistics: " + std::to_string(gold.size()) + " gold labels but " +
                                std::to_string(predicted.size()) + " predictions");
  SegmentStatistics s;
  s.width = 2;
  for (std::size_t i = 0; i < gold.size(); ++i) {
    s.values.push_back(gold[i] == predicted[i] ? 1 : 0);
    s.values.push_back(1);
  }
  return s;
}

Scorer accuracy_scorer() {
  return [](std::span<const double> sums) { return sums[1] > 0 ? 100.0 * sums[0] / sums[1] : 0.0; };
}

SegmentStatistics macro_f1_statistics(std::span<const std::int32_t> gold, std::span<const std::int32_t> predicted,
                                      std::size_t label_count) {
  score_classification(gold, predicted, label_count);  // checks sizes and ids
  SegmentStatistics s;
  s.width = 3 * label_count;
  s.values.assign(gold.size() * s.width, 0.0);
  for (std::size_t i = 0; i < gold.size(); ++i) {
    double* row = s.values.data() + i * s.width;
    const auto g = static_cast<std::size_t>(gold[i]), p = static_cast<std::size_t>(predicted[i]);
    row[g] = 1;
    row[label_count + p] = 1;
    if (g == p) row[2 * label_count + g] = 1;
  }
  return s;
}

Scorer macro_f1_scorer(std::size_t label_count) {
  return [label_count](std::span<const double> sums) {
    std::vector<LabelScore> labels(label_count);
    for (std::size_t l = 0; l < label_count; ++l) {
      labels[l].gold = static_cast<std::size_t>(sums[l]);
      labels[l].predicted = static_cast<std::size_t>(sums[label_count + l]);
      labels[l].correct = static_cast<std::size_t>(sums[2 * label_count + l]);
    }
    return macro_f1(labels);
  };
}

}  // namespace nmt::eval
