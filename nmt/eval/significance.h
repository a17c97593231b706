// Paired significance tests between translation systems, with the methods and defaults of
// sacreBLEU 2.x (significance.py):
//
//   paired bootstrap resampling (Koehn, 2004): 1,000 resamples of the test set's segments,
//     drawn with replacement, each scored for the baseline and the system; the p-value
//     counts resamples whose centred |difference| exceeds the real one; the system's mean
//     and 95% confidence interval come from the same resamples;
//   approximate randomisation (Riezler & Maxwell, 2005): 10,000 trials, each swapping
//     every segment's two outputs with probability 1/2; the p-value counts trials whose
//     |difference| exceeds the real one.
//
// Both use a seeded generator (12345 unless SACREBLEU_SEED says otherwise), so a report is
// reproducible. The draws are not numpy's: p-values and intervals agree with sacreBLEU's
// within sampling error, not to the digit.
//
//   SegmentStatistics base = bleu_statistics(baseline, references, options);
//   SegmentStatistics mine = bleu_statistics(system, references, options);
//   Resamples resamples(base.segments(), 1000, 12345);
//   TestResult r = paired_bootstrap(base, mine, bleu_scorer(options), resamples);
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "nmt/eval/bleu.h"
#include "nmt/eval/chrf.h"

namespace nmt::eval {

inline constexpr int kDefaultBootstrapResamples = 1000;    // sacreBLEU's --paired-bs-n
inline constexpr int kDefaultRandomizationTrials = 10000;  // sacreBLEU's --paired-ar-n
inline constexpr std::uint64_t kDefaultSignificanceSeed = 12345;

// The seed sacreBLEU would use: SACREBLEU_SEED if set ("none", any case: a seed from the
// operating system, returned as nullopt), 12345 otherwise. Throws std::invalid_argument
// naming the variable if it is neither an integer nor "none".
std::optional<std::uint64_t> significance_seed_from_environment();
std::string seed_label(std::optional<std::uint64_t> seed);  // "12345" or "none", as in signatures

// One system's sufficient statistics under one metric: a row of `width` numbers per
// segment; a corpus score is computed from the rows' sum.
struct SegmentStatistics {
  std::size_t width = 0;
  std::vector<double> values;  // segments x width, row after row

  std::size_t segments() const { return width == 0 ? 0 : values.size() / width; }
  std::span<const double> row(std::size_t segment) const { return {values.data() + segment * width, width}; }
  std::vector<double> sum() const;
};

// The corpus score (0 to 100) of statistics summed over segments.
using Scorer = std::function<double(std::span<const double>)>;

SegmentStatistics bleu_statistics(const std::vector<std::string>& hypotheses,
                                  const std::vector<std::vector<std::string>>& references, const BleuOptions& options);
Scorer bleu_scorer(const BleuOptions& options);
SegmentStatistics chrf_statistics(const std::vector<std::string>& hypotheses,
                                  const std::vector<std::vector<std::string>>& references, const ChrfOptions& options);
Scorer chrf_scorer(const ChrfOptions& options);

// `count` resamples of `segments` segments, drawn with replacement. The same object serves the
// baseline and every system, which is what makes the test paired. The indices are drawn again
// from the seed on every pass instead of being stored (count x segments can be gigabytes).
class Resamples {
 public:
  // A seed of nullopt ("none") is drawn from the operating system once, here.
  Resamples(std::size_t segments, int count, std::optional<std::uint64_t> seed);
  int count() const { return count_; }
  std::size_t segments() const { return segments_; }
  // Calls visit(r, indices of resample r) for r = 0, 1, ..., count - 1; the same on every call.
  void for_each(const std::function<void(int, std::span<const std::uint32_t>)>& visit) const;

 private:
  std::size_t segments_;
  int count_;
  std::uint64_t seed_;
};

// The score of every resample.
std::vector<double> resampled_scores(const SegmentStatistics& statistics, const Scorer& scorer,
                                     const Resamples& resamples);

struct MeanAndInterval {
  double mean = 0.0;
  double half_width = 0.0;  // the 95% interval is mean +- half_width
};
// sacreBLEU's estimate_ci(): the mean of the scores and half the distance between the
// sorted scores at n//40 and n - n//40 - 1.
MeanAndInterval estimate_interval(std::vector<double> scores);

// (count of statistics > real_difference, + 1) / (n + 1): multeval's and sacreBLEU's p-value.
double p_value(std::span<const double> statistics, double real_difference);

// A system's line in the report. The baseline has no p-value; approximate randomisation
// gives no mean and interval.
struct TestResult {
  double score = 0.0;
  std::optional<double> p_value;
  std::optional<double> mean;
  std::optional<double> interval;  // half-width of the 95% confidence interval
};

// The baseline's score, with mean and interval from `resamples`.
TestResult bootstrap_interval(const SegmentStatistics& baseline, const Scorer& scorer, const Resamples& resamples);

// Paired bootstrap resampling of `system` against `baseline` (same segments).
TestResult paired_bootstrap(const SegmentStatistics& baseline, const SegmentStatistics& system, const Scorer& scorer,
                            const Resamples& resamples);

// Paired approximate randomisation of `system` against `baseline` (same segments).
TestResult paired_approximate_randomization(const SegmentStatistics& baseline, const SegmentStatistics& system,
                                            const Scorer& scorer, int trials, std::optional<std::uint64_t> seed);

}  // namespace nmt::eval
