#include "nmt/eval/significance.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string_view>

#include "nmt/eval/detail/references.h"

namespace nmt::eval {
namespace {

// A seeded generator, or one seeded by the operating system for "none".
std::mt19937_64 make_generator(std::optional<std::uint64_t> seed) {
  if (seed) return std::mt19937_64(*seed);
  std::random_device device;
  std::seed_seq sequence{device(), device(), device(), device()};
  return std::mt19937_64(sequence);
}

// A uniform integer in [0, bound) without modulo bias (Lemire, 2019), the same on every
// platform (std::uniform_int_distribution is not specified bit for bit).
std::uint32_t uniform_below(std::mt19937_64& generator, std::uint32_t bound) {
  std::uint64_t product = static_cast<std::uint64_t>(static_cast<std::uint32_t>(generator() >> 32)) * bound;
  auto low = static_cast<std::uint32_t>(product);
  if (low < bound) {
    const std::uint32_t threshold = static_cast<std::uint32_t>(-bound) % bound;
    while (low < threshold) {
      product = static_cast<std::uint64_t>(static_cast<std::uint32_t>(generator() >> 32)) * bound;
      low = static_cast<std::uint32_t>(product);
    }
  }
  return static_cast<std::uint32_t>(product >> 32);
}

void check_paired(const SegmentStatistics& baseline, const SegmentStatistics& system) {
  if (baseline.width != system.width || baseline.segments() != system.segments()) {
    throw std::invalid_argument(fmt::format("paired test: the baseline has {} segments, the system {}",
                                            baseline.segments(), system.segments()));
  }
}

// One row per segment, appended by `append_row(hypothesis, its references, values)`; the
// references lined up as the corpus scores line them up (detail/references.h).
template <class AppendRow>
SegmentStatistics segment_statistics(std::string_view metric, std::size_t width,
                                     const std::vector<std::string>& hypotheses,
                                     const std::vector<std::vector<std::string>>& references, AppendRow append_row) {
  detail::check_corpus_shape(metric, hypotheses.size(), references);
  SegmentStatistics statistics{width, {}};
  statistics.values.reserve(hypotheses.size() * width);
  std::vector<std::string_view> segment_references;
  for (std::size_t i = 0; i < hypotheses.size(); ++i) {
    detail::segment_references(metric, references, i, segment_references);
    append_row(hypotheses[i], segment_references, statistics.values);
  }
  return statistics;
}

}  // namespace

std::optional<std::uint64_t> significance_seed_from_environment() {
  const char* value = std::getenv("SACREBLEU_SEED");
  if (value == nullptr) return kDefaultSignificanceSeed;
  std::string lowered(value);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lowered == "none") return std::nullopt;
  std::uint64_t seed = 0;
  const auto [end, error] = std::from_chars(value, value + lowered.size(), seed);
  if (error != std::errc() || end != value + lowered.size()) {
    throw std::invalid_argument(
        fmt::format("SACREBLEU_SEED='{}' is neither a non-negative integer nor 'None'", std::string_view(value)));
  }
  return seed;
}

std::string seed_label(std::optional<std::uint64_t> seed) { return seed ? std::to_string(*seed) : "none"; }

std::vector<double> SegmentStatistics::sum() const {
  std::vector<double> total(width, 0.0);
  for (std::size_t i = 0; i < segments(); ++i) {
    const auto r = row(i);
    for (std::size_t k = 0; k < width; ++k) total[k] += r[k];
  }
  return total;
}

// BLEU's row: matches of orders 1-4, totals of orders 1-4, hypothesis and reference length.
SegmentStatistics bleu_statistics(const std::vector<std::string>& hypotheses,
                                  const std::vector<std::vector<std::string>>& references, const BleuOptions& options) {
  BleuCounter counter(options);
  return segment_statistics(
      "BLEU", 2 * kBleuMaxOrder + 2, hypotheses, references,
      [&](std::string_view hypothesis, std::span<const std::string_view> segment_references, std::vector<double>& row) {
        const BleuStats stats = counter.count(hypothesis, segment_references);
        for (const auto count : stats.counts) row.push_back(static_cast<double>(count));
        for (const auto total : stats.totals) row.push_back(static_cast<double>(total));
        row.push_back(static_cast<double>(stats.sys_len));
        row.push_back(static_cast<double>(stats.ref_len));
      });
}

Scorer bleu_scorer(const BleuOptions& options) {
  return [options](std::span<const double> sum) {
    BleuStats stats;
    for (int k = 0; k < kBleuMaxOrder; ++k) {
      stats.counts[k] = std::llround(sum[k]);
      stats.totals[k] = std::llround(sum[kBleuMaxOrder + k]);
    }
    stats.sys_len = std::llround(sum[2 * kBleuMaxOrder]);
    stats.ref_len = std::llround(sum[2 * kBleuMaxOrder + 1]);
    return compute_bleu(stats, options).score;
  };
}

// chrF's row: hypothesis n-grams, reference n-grams and matches of every order.
SegmentStatistics chrf_statistics(const std::vector<std::string>& hypotheses,
                                  const std::vector<std::vector<std::string>>& references, const ChrfOptions& options) {
  const auto orders = static_cast<std::size_t>(options.char_order + options.word_order);
  ChrfCounter counter(options);
  return segment_statistics(
      "chrF", 3 * orders, hypotheses, references,
      [&](std::string_view hypothesis, std::span<const std::string_view> segment_references, std::vector<double>& row) {
        const ChrfStats stats = counter.count(hypothesis, segment_references);
        for (std::size_t k = 0; k < orders; ++k) {
          const NgramMatches& order = k < stats.orders.size() ? stats.orders[k] : NgramMatches{};
          row.push_back(static_cast<double>(order.hyp));
          row.push_back(static_cast<double>(order.ref));
          row.push_back(static_cast<double>(order.match));
        }
      });
}

Scorer chrf_scorer(const ChrfOptions& options) {
  const auto orders = static_cast<std::size_t>(options.char_order + options.word_order);
  return [options, orders](std::span<const double> sum) {
    ChrfStats stats;
    stats.orders.resize(orders);
    for (std::size_t k = 0; k < orders; ++k) {
      stats.orders[k] = {std::llround(sum[3 * k]), std::llround(sum[3 * k + 1]), std::llround(sum[3 * k + 2])};
    }
    return chrf_f_score(stats, options);
  };
}

Resamples::Resamples(std::size_t segments, int count, std::optional<std::uint64_t> seed)
    : segments_(segments), count_(count), seed_(seed ? *seed : make_generator(std::nullopt)()) {
  if (count <= 0) throw std::invalid_argument(fmt::format("bootstrap: {} resamples; at least 1 is needed", count));
  if (segments == 0) throw std::invalid_argument("bootstrap: no segments to resample");
  if (segments > UINT32_MAX) throw std::invalid_argument("bootstrap: more than 2^32 segments");
}

void Resamples::for_each(const std::function<void(int, std::span<const std::uint32_t>)>& visit) const {
  std::mt19937_64 generator(seed_);
  std::vector<std::uint32_t> indices(segments_);
  for (int r = 0; r < count_; ++r) {
    for (auto& index : indices) index = uniform_below(generator, static_cast<std::uint32_t>(segments_));
    visit(r, indices);
  }
}

std::vector<double> resampled_scores(const SegmentStatistics& statistics, const Scorer& scorer,
                                     const Resamples& resamples) {
  if (resamples.segments() != statistics.segments()) {
    throw std::invalid_argument(fmt::format("bootstrap: resamples of {} segments for statistics of {}",
                                            resamples.segments(), statistics.segments()));
  }
  std::vector<double> scores;
  scores.reserve(static_cast<std::size_t>(resamples.count()));
  std::vector<double> total(statistics.width);
  resamples.for_each([&](int, std::span<const std::uint32_t> indices) {
    std::fill(total.begin(), total.end(), 0.0);
    for (const std::uint32_t segment : indices) {
      const auto row = statistics.row(segment);
      for (std::size_t k = 0; k < statistics.width; ++k) total[k] += row[k];
    }
    scores.push_back(scorer(total));
  });
  return scores;
}

MeanAndInterval estimate_interval(std::vector<double> scores) {
  if (scores.empty()) throw std::invalid_argument("confidence interval of no scores");
  std::sort(scores.begin(), scores.end());
  const std::size_t n = scores.size();
  const std::size_t lower = n / 40;  // 2.5% from either end
  const std::size_t upper = n - lower - 1;
  const double mean = std::accumulate(scores.begin(), scores.end(), 0.0) / static_cast<double>(n);
  return {mean, 0.5 * (scores[upper] - scores[lower])};
}

double p_value(std::span<const double> statistics, double real_difference) {
  // multeval's StratifiedApproximateRandomizationTest: strictly greater, and the +1 keeps
  // the chance of a false rejection at or below the level for few trials.
  const auto exceeding = std::count_if(statistics.begin(), statistics.end(),
                                       [real_difference](double statistic) { return statistic > real_difference; });
  return static_cast<double>(exceeding + 1) / static_cast<double>(statistics.size() + 1);
}

TestResult bootstrap_interval(const SegmentStatistics& baseline, const Scorer& scorer, const Resamples& resamples) {
  const MeanAndInterval estimate = estimate_interval(resampled_scores(baseline, scorer, resamples));
  return TestResult{scorer(baseline.sum()), std::nullopt, estimate.mean, estimate.half_width};
}

TestResult paired_bootstrap(const SegmentStatistics& baseline, const SegmentStatistics& system, const Scorer& scorer,
                            const Resamples& resamples) {
  check_paired(baseline, system);
  const double system_score = scorer(system.sum());
  const double real_difference = std::abs(scorer(baseline.sum()) - system_score);
  const std::vector<double> baseline_scores = resampled_scores(baseline, scorer, resamples);
  const std::vector<double> system_scores = resampled_scores(system, scorer, resamples);
  // The resampled differences, centred on their mean: under the null hypothesis the
  // difference is 0, so the spread around the mean is what chance alone produces.
  std::vector<double> differences(system_scores.size());
  for (std::size_t r = 0; r < differences.size(); ++r) differences[r] = std::abs(system_scores[r] - baseline_scores[r]);
  const double mean_difference =
      std::accumulate(differences.begin(), differences.end(), 0.0) / static_cast<double>(differences.size());
  for (double& difference : differences) difference -= mean_difference;
  const MeanAndInterval estimate = estimate_interval(system_scores);
  return TestResult{system_score, p_value(differences, real_difference), estimate.mean, estimate.half_width};
}

TestResult paired_approximate_randomization(const SegmentStatistics& baseline, const SegmentStatistics& system,
                                            const Scorer& scorer, int trials, std::optional<std::uint64_t> seed) {
  check_paired(baseline, system);
  if (trials <= 0) throw std::invalid_argument(fmt::format("approximate randomization: {} trials", trials));
  const std::size_t width = baseline.width, segments = baseline.segments();
  const std::vector<double> baseline_total = baseline.sum(), system_total = system.sum();
  const double system_score = scorer(system_total);
  const double real_difference = std::abs(scorer(baseline_total) - system_score);
  // A trial swaps a random half of the segments' outputs between the two systems: the
  // pseudo-baseline is the baseline plus (system - baseline) over the swapped segments.
  std::vector<double> change(baseline.values.size());
  for (std::size_t i = 0; i < change.size(); ++i) change[i] = system.values[i] - baseline.values[i];
  std::mt19937_64 generator = make_generator(seed);
  std::vector<double> swapped(width), pseudo_baseline(width), pseudo_system(width), statistics;
  statistics.reserve(static_cast<std::size_t>(trials));
  for (int t = 0; t < trials; ++t) {
    std::fill(swapped.begin(), swapped.end(), 0.0);
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < segments; ++i) {
      if (i % 64 == 0) bits = generator();
      if ((bits >> (i % 64)) & 1U) {
        for (std::size_t k = 0; k < width; ++k) swapped[k] += change[i * width + k];
      }
    }
    for (std::size_t k = 0; k < width; ++k) {
      pseudo_baseline[k] = baseline_total[k] + swapped[k];
      pseudo_system[k] = system_total[k] - swapped[k];
    }
    statistics.push_back(std::abs(scorer(pseudo_baseline) - scorer(pseudo_system)));
  }
  return TestResult{system_score, p_value(statistics, real_difference), std::nullopt, std::nullopt};
}

}  // namespace nmt::eval
