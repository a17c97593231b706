// Accuracy and macro-F1 as scikit-learn computes them. Golden values: scikit-learn 1.2.1
// (Debian python3-sklearn), accuracy_score(gold, pred) * 100 and
// f1_score(gold, pred, average="macro", zero_division=0) * 100 on the same lists.
#include "nmt/eval/classification_scores.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace nmt::eval {
namespace {

TEST(ClassificationScores, AccuracyAndMacroF1AreScikitLearns) {
  const std::vector<std::int32_t> gold = {0, 0, 0, 1, 1, 2, 2, 2, 2, 3};
  const std::vector<std::int32_t> predicted = {0, 1, 0, 1, 2, 2, 2, 0, 2, 1};
  const ClassificationScores s = score_classification(gold, predicted, 4);
  EXPECT_EQ(s.correct, 6u);
  EXPECT_DOUBLE_EQ(s.accuracy, 60.0);
  EXPECT_DOUBLE_EQ(s.macro_f1, 45.416666666666664);
  EXPECT_EQ(s.labels[2].gold, 4u);
  EXPECT_EQ(s.labels[2].predicted, 4u);
  EXPECT_DOUBLE_EQ(s.labels[2].f1(), 0.75);
  EXPECT_DOUBLE_EQ(s.labels[3].f1(), 0.0);  // gold once, never predicted: it still counts
}

TEST(ClassificationScores, MacroF1AveragesOverTheLabelsThatOccurInGoldOrPredictions) {
  // Label 2 occurs nowhere and is left out; label 4 is predicted but never gold, label 3 gold
  // but never predicted: both count with F1 0.
  const std::vector<std::int32_t> gold = {0, 1, 1, 3, 3};
  const std::vector<std::int32_t> predicted = {0, 1, 4, 1, 0};
  const ClassificationScores s = score_classification(gold, predicted, 5);
  EXPECT_DOUBLE_EQ(s.accuracy, 40.0);
  EXPECT_DOUBLE_EQ(s.macro_f1, 29.166666666666664);
}

TEST(ClassificationScores, MismatchedInputsAreErrors) {
  const std::vector<std::int32_t> two = {0, 1}, one = {0}, out_of_range = {0, 2};
  EXPECT_THROW(score_classification(two, one, 2), std::invalid_argument);
  EXPECT_THROW(score_classification(two, out_of_range, 2), std::invalid_argument);
  EXPECT_EQ(score_classification({}, {}, 2).accuracy, 0.0);
}

}  // namespace
}  // namespace nmt::eval

namespace nmt::eval {
namespace {

// The per-sentence statistics score, summed, what score_classification scores; and the paired
// bootstrap runs on them as on BLEU's.
TEST(ClassificationScores, SentenceStatisticsSumToTheCorpusScores) {
  const std::vector<std::int32_t> gold = {0, 0, 0, 1, 1, 2, 2, 2, 2, 3};
  const std::vector<std::int32_t> predicted = {0, 1, 0, 1, 2, 2, 2, 0, 2, 1};
  const ClassificationScores s = score_classification(gold, predicted, 4);
  EXPECT_DOUBLE_EQ(accuracy_scorer()(accuracy_statistics(gold, predicted).sum()), s.accuracy);
  EXPECT_DOUBLE_EQ(macro_f1_scorer(4)(macro_f1_statistics(gold, predicted, 4).sum()), s.macro_f1);
  // A system right everywhere against this one: significantly better on 10 sentences? Its
  // accuracy is 100, the p-value small but above 0 (the resampled differences vary).
  const Resamples resamples(gold.size(), 1000, 12345);
  const TestResult better = paired_bootstrap(accuracy_statistics(gold, predicted), accuracy_statistics(gold, gold),
                                             accuracy_scorer(), resamples);
  EXPECT_DOUBLE_EQ(better.score, 100.0);
  ASSERT_TRUE(better.p_value);
  EXPECT_GT(*better.p_value, 0.0);
  EXPECT_LT(*better.p_value, 0.05);
  // One sentence more right out of ten is no evidence.
  std::vector<std::int32_t> one_more = predicted;
  one_more[1] = 0;
  const TestResult close = paired_bootstrap(accuracy_statistics(gold, predicted), accuracy_statistics(gold, one_more),
                                            accuracy_scorer(), resamples);
  EXPECT_DOUBLE_EQ(close.score, 70.0);
  EXPECT_GT(*close.p_value, 0.2);
}

}  // namespace
}  // namespace nmt::eval
