// Paired significance tests (sacreBLEU's significance.py). No sacreBLEU is at hand here, so
// the random tests are checked against what sacreBLEU's procedure gives exactly on cases
// small enough to enumerate every resample or every swap, within sampling error; the
// deterministic parts (the interval's percentiles, the p-value's count, the statistics of
// BLEU and chrF) against values computed by hand and against corpus scores.
#include "nmt/eval/significance.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <numeric>
#include <string>
#include <vector>

#include "nmt/eval/line_reader.h"

namespace nmt::eval {
namespace {

namespace fs = std::filesystem;
const fs::path kVectors = fs::path(NMT_SOURCE_DIR) / "tests" / "data" / "bleu";

// A metric simple enough to enumerate: each segment has (correct, total) and the corpus
// score is 100 * sum(correct) / sum(total), like an accuracy.
double accuracy(std::span<const double> sum) { return sum[1] == 0.0 ? 0.0 : 100.0 * sum[0] / sum[1]; }

SegmentStatistics rows(std::vector<std::pair<double, double>> segments) {
  SegmentStatistics statistics{2, {}};
  for (const auto& [correct, total] : segments) {
    statistics.values.push_back(correct);
    statistics.values.push_back(total);
  }
  return statistics;
}

// Four standard errors of a proportion estimated from `n` draws (and a floor for p near 0 or 1).
double tolerance(double p, int n) { return 4.0 * std::sqrt(p * (1.0 - p) / n) + 2.0 / n; }

TEST(Significance, IntervalIsHalfTheDistanceBetweenThe2Point5And97Point5Percentiles) {
  std::vector<double> scores(100);
  std::iota(scores.rbegin(), scores.rend(), 1.0);  // 100, 99, ..., 1
  // n // 40 = 2: sorted[2] = 3 and sorted[100 - 2 - 1] = 98.
  const MeanAndInterval estimate = estimate_interval(scores);
  EXPECT_DOUBLE_EQ(estimate.mean, 50.5);
  EXPECT_DOUBLE_EQ(estimate.half_width, 0.5 * (98.0 - 3.0));
  std::vector<double> thousand(1000);
  std::iota(thousand.begin(), thousand.end(), 0.0);
  EXPECT_DOUBLE_EQ(estimate_interval(thousand).half_width, 0.5 * (974.0 - 25.0));
}

TEST(Significance, PValueCountsStrictlyLargerStatisticsPlusOne) {
  const std::vector<double> statistics{0.1, 0.5, 0.7, 0.4};
  EXPECT_DOUBLE_EQ(p_value(statistics, 0.4), 3.0 / 5.0);  // 0.5 and 0.7, not 0.4 itself
  EXPECT_DOUBLE_EQ(p_value(statistics, 0.9), 1.0 / 5.0);
  EXPECT_DOUBLE_EQ(p_value(statistics, 0.0), 5.0 / 5.0);
}

TEST(Significance, ResamplesAreReproducibleAndUniform) {
  const auto draws = [](const Resamples& resamples) {
    std::vector<std::uint32_t> all;
    resamples.for_each(
        [&](int, std::span<const std::uint32_t> indices) { all.insert(all.end(), indices.begin(), indices.end()); });
    return all;
  };
  const Resamples a(10, 1000, 12345), b(10, 1000, 12345), c(10, 1000, 7), unseeded(10, 1000, std::nullopt);
  const std::vector<std::uint32_t> drawn = draws(a);
  ASSERT_EQ(drawn.size(), 10000u);
  EXPECT_EQ(drawn, draws(a)) << "every pass sees the same resamples";
  EXPECT_EQ(drawn, draws(b));
  EXPECT_NE(drawn, draws(c));
  EXPECT_EQ(draws(unseeded), draws(unseeded)) << "'none' draws its seed once";
  std::vector<int> counts(10, 0);
  for (const auto index : drawn) ++counts.at(index);
  for (const int count : counts) EXPECT_NEAR(count, 1000, 4 * std::sqrt(10000 * 0.1 * 0.9)) << "10,000 draws";
}

TEST(Significance, OneSegmentResamplesToItself) {
  const SegmentStatistics baseline = rows({{3, 4}}), system = rows({{1, 4}});
  const Resamples resamples(1, 200, 12345);
  const TestResult base = bootstrap_interval(baseline, accuracy, resamples);
  EXPECT_DOUBLE_EQ(base.score, 75.0);
  EXPECT_DOUBLE_EQ(*base.mean, 75.0);
  EXPECT_DOUBLE_EQ(*base.interval, 0.0);
  EXPECT_FALSE(base.p_value);
  const TestResult paired = paired_bootstrap(baseline, system, accuracy, resamples);
  EXPECT_DOUBLE_EQ(paired.score, 25.0);
  EXPECT_DOUBLE_EQ(*paired.mean, 25.0);
  // Every resample has the real difference: centred, none exceeds it.
  EXPECT_DOUBLE_EQ(*paired.p_value, 1.0 / 201.0);
}

// As in sacreBLEU (multeval's strict '>'), a system against itself gets the smallest p-value
// the number of samples allows: no sample differs more than the real difference of 0.
TEST(Significance, ASystemAgainstItselfHasTheSmallestPValue) {
  const SegmentStatistics system = rows({{1, 2}, {2, 3}, {0, 4}});
  EXPECT_DOUBLE_EQ(*paired_bootstrap(system, system, accuracy, Resamples(3, 100, 12345)).p_value, 1.0 / 101.0);
  EXPECT_DOUBLE_EQ(*paired_approximate_randomization(system, system, accuracy, 50, 12345).p_value, 1.0 / 51.0);
}

// Twelve segments: all 4,096 ways of swapping the two systems' outputs give the exact
// p-value that approximate randomisation estimates from its trials.
TEST(Significance, ApproximateRandomizationEstimatesTheExactPermutationPValue) {
  const SegmentStatistics baseline =
      rows({{3, 5}, {4, 6}, {2, 4}, {5, 5}, {1, 3}, {6, 8}, {2, 7}, {4, 4}, {3, 6}, {5, 9}, {0, 2}, {4, 5}});
  const SegmentStatistics system =
      rows({{4, 5}, {4, 6}, {3, 4}, {4, 5}, {2, 3}, {7, 8}, {2, 7}, {4, 4}, {5, 6}, {6, 9}, {1, 2}, {3, 5}});
  const std::size_t n = baseline.segments();
  const double real = std::abs(accuracy(baseline.sum()) - accuracy(system.sum()));
  int exceeding = 0;
  for (unsigned swaps = 0; swaps < (1U << n); ++swaps) {
    std::vector<double> a(2, 0.0), b(2, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      const bool swapped = (swaps >> i) & 1U;
      for (std::size_t k = 0; k < 2; ++k) {
        a[k] += (swapped ? system : baseline).row(i)[k];
        b[k] += (swapped ? baseline : system).row(i)[k];
      }
    }
    if (std::abs(accuracy(a) - accuracy(b)) > real) ++exceeding;
  }
  const double exact = static_cast<double>(exceeding) / (1U << n);
  ASSERT_GT(exact, 0.02);  // a case where the answer is neither 0 nor 1 (0.035)
  ASSERT_LT(exact, 0.5);
  constexpr int kTrials = 10000;
  const TestResult result = paired_approximate_randomization(baseline, system, accuracy, kTrials, 12345);
  EXPECT_DOUBLE_EQ(result.score, accuracy(system.sum()));
  EXPECT_NEAR(*result.p_value, exact, tolerance(exact, kTrials)) << "exact " << exact;
  EXPECT_FALSE(result.mean);
  // Another seed, another estimate of the same value.
  const TestResult other = paired_approximate_randomization(baseline, system, accuracy, kTrials, 99);
  EXPECT_NE(*other.p_value, *result.p_value);
  EXPECT_NEAR(*other.p_value, exact, tolerance(exact, kTrials));
}

// Six segments: all 6^6 = 46,656 equally likely resamples give the exact distribution that
// paired bootstrap resampling samples from; its p-value, mean and interval must agree.
TEST(Significance, PairedBootstrapEstimatesTheExactResamplingDistribution) {
  const SegmentStatistics baseline = rows({{3, 5}, {4, 6}, {1, 4}, {5, 5}, {1, 3}, {6, 8}});
  const SegmentStatistics system = rows({{4, 5}, {4, 6}, {3, 4}, {4, 5}, {2, 3}, {7, 8}});
  const std::size_t n = baseline.segments();
  std::size_t resamples_total = 1;
  for (std::size_t i = 0; i < n; ++i) resamples_total *= n;
  std::vector<double> system_scores, differences;
  for (std::size_t code = 0; code < resamples_total; ++code) {
    std::vector<double> a(2, 0.0), b(2, 0.0);
    for (std::size_t i = 0, rest = code; i < n; ++i, rest /= n) {
      const std::size_t segment = rest % n;
      for (std::size_t k = 0; k < 2; ++k) {
        a[k] += baseline.row(segment)[k];
        b[k] += system.row(segment)[k];
      }
    }
    system_scores.push_back(accuracy(b));
    differences.push_back(std::abs(accuracy(b) - accuracy(a)));
  }
  const double mean_difference = std::accumulate(differences.begin(), differences.end(), 0.0) / resamples_total;
  const double real = std::abs(accuracy(baseline.sum()) - accuracy(system.sum()));
  const double exact_p = static_cast<double>(std::count_if(differences.begin(), differences.end(),
                                                           [&](double d) { return d - mean_difference > real; })) /
                         resamples_total;
  const double exact_mean = std::accumulate(system_scores.begin(), system_scores.end(), 0.0) / resamples_total;
  std::sort(system_scores.begin(), system_scores.end());
  const auto quantile = [&](double q) { return system_scores[static_cast<std::size_t>(q * (resamples_total - 1))]; };
  double variance = 0.0;
  for (const double score : system_scores) variance += (score - exact_mean) * (score - exact_mean);
  const double deviation = std::sqrt(variance / resamples_total);
  ASSERT_GT(exact_p, 0.05);
  ASSERT_LT(exact_p, 0.5);

  constexpr int kResamples = 1000;
  const TestResult result = paired_bootstrap(baseline, system, accuracy, Resamples(n, kResamples, 12345));
  EXPECT_DOUBLE_EQ(result.score, accuracy(system.sum()));
  EXPECT_NEAR(*result.p_value, exact_p, tolerance(exact_p, kResamples)) << "exact " << exact_p;
  EXPECT_NEAR(*result.mean, exact_mean, 4.0 * deviation / std::sqrt(kResamples));
  // The sorted scores at 25 and 974 of 1,000 lie between the exact 1% and 5% quantiles
  // (and 95% and 99%) but with a negligible chance.
  EXPECT_GE(*result.interval, 0.5 * (quantile(0.95) - quantile(0.05)) - 1e-9);
  EXPECT_LE(*result.interval, 0.5 * (quantile(0.99) - quantile(0.01)) + 1e-9);
}

TEST(Significance, BleuAndChrfStatisticsAddUpToTheCorpusScores) {
  for (const std::string case_name : {"heavy", "two-refs"}) {
    SCOPED_TRACE(case_name);
    const std::vector<std::string> hypotheses = read_segments_file(kVectors / case_name / "hyp.txt").lines;
    std::vector<std::vector<std::string>> references{read_segments_file(kVectors / case_name / "ref0.txt").lines};
    if (fs::exists(kVectors / case_name / "ref1.txt")) {
      references.push_back(read_segments_file(kVectors / case_name / "ref1.txt").lines);
    }
    const BleuOptions bleu;
    const SegmentStatistics bleu_rows = bleu_statistics(hypotheses, references, bleu);
    EXPECT_EQ(bleu_rows.segments(), hypotheses.size());
    EXPECT_DOUBLE_EQ(bleu_scorer(bleu)(bleu_rows.sum()), corpus_bleu(hypotheses, references, bleu).score);
    for (const ChrfOptions& chrf : {ChrfOptions{}, chrf_plus_plus()}) {
      const SegmentStatistics chrf_rows = chrf_statistics(hypotheses, references, chrf);
      EXPECT_DOUBLE_EQ(chrf_scorer(chrf)(chrf_rows.sum()), corpus_chrf(hypotheses, references, chrf).score);
    }
  }
}

TEST(Significance, SeedComesFromSacrebleuSeed) {
  ::unsetenv("SACREBLEU_SEED");
  EXPECT_EQ(significance_seed_from_environment(), kDefaultSignificanceSeed);
  ::setenv("SACREBLEU_SEED", "42", 1);
  EXPECT_EQ(significance_seed_from_environment(), 42U);
  ::setenv("SACREBLEU_SEED", "None", 1);
  EXPECT_EQ(significance_seed_from_environment(), std::nullopt);
  EXPECT_EQ(seed_label(std::nullopt), "none");
  ::setenv("SACREBLEU_SEED", "4x2", 1);
  EXPECT_THROW(significance_seed_from_environment(), std::invalid_argument);
  ::unsetenv("SACREBLEU_SEED");
}

TEST(Significance, MismatchedSystemsAreRefused) {
  const SegmentStatistics two = rows({{1, 2}, {2, 3}}), three = rows({{1, 2}, {2, 3}, {0, 1}});
  EXPECT_THROW(paired_bootstrap(two, three, accuracy, Resamples(2, 10, 1)), std::invalid_argument);
  EXPECT_THROW(paired_approximate_randomization(two, three, accuracy, 10, 1), std::invalid_argument);
  EXPECT_THROW(Resamples(0, 10, 1), std::invalid_argument);
}

}  // namespace
}  // namespace nmt::eval
