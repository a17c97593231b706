// How well predicted labels match the gold ones: accuracy and macro-averaged F1, in percent
// like BLEU and chrF. Macro-F1 is the unweighted mean of each label's F1 over the labels that
// occur in the gold or the predicted labels (scikit-learn's f1_score(average="macro")): a
// classifier that ignores a rare label pays for it as much as for a frequent one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "nmt/eval/significance.h"

namespace nmt::eval {

struct LabelScore {
  std::size_t gold = 0, predicted = 0, correct = 0;  // sentences with this label in each
  double precision() const { return predicted ? static_cast<double>(correct) / static_cast<double>(predicted) : 0; }
  double recall() const { return gold ? static_cast<double>(correct) / static_cast<double>(gold) : 0; }
  // 2PR/(P+R), 0 when both are 0.
  double f1() const;
};

struct ClassificationScores {
  std::size_t sentences = 0, correct = 0;
  double accuracy = 0;             // 100 * correct / sentences
  double macro_f1 = 0;             // 100 * the mean F1 of the labels that occur
  std::vector<LabelScore> labels;  // per label id
};

// gold and predicted: label ids in [0, label_count), one per sentence (std::invalid_argument
// for unequal sizes or an id out of range).
ClassificationScores score_classification(std::span<const std::int32_t> gold, std::span<const std::int32_t> predicted,
                                          std::size_t label_count);

// 100 * the mean F1 of the labels that occur (gold or predicted > 0); 0 when none does.
double macro_f1(std::span<const LabelScore> labels);

// Per-sentence statistics for the paired tests of significance.h (bootstrap resampling,
// approximate randomisation), which sum them over a resample and score the sums: accuracy
// from [correct, 1] per sentence, macro-F1 from one-hot rows [gold label, predicted label,
// correct label] over the label_count labels.
SegmentStatistics accuracy_statistics(std::span<const std::int32_t> gold, std::span<const std::int32_t> predicted);
Scorer accuracy_scorer();
SegmentStatistics macro_f1_statistics(std::span<const std::int32_t> gold, std::span<const std::int32_t> predicted,
                                      std::size_t label_count);
Scorer macro_f1_scorer(std::size_t label_count);

}  // namespace nmt::eval
