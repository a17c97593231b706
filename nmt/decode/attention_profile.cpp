#include "nmt/decode/attention_profile.h"

#include <cmath>
#include <vector>

namespace nmt::decode {

AttentionProfile attention_profile(const Translations& translations) {
  AttentionProfile profile;
  // Sums for the pooled correlation and the mean; per sentence for the spread.
  double sum_x = 0, sum_y = 0, sum_xx = 0, sum_yy = 0, sum_xy = 0, spread_sum = 0;
  std::size_t sentences = 0;
  std::vector<double> centres;
  for (const Translation& sentence : translations.sentences) {
    if (sentence.n_best.empty()) continue;
    const auto& rows = sentence.n_best.front().attention;
    // Rows are as wide as the padded batch; the sentence is its pieces and EOS.
    const std::size_t target = rows.size(), source = sentence.source_pieces.size() + 1;
    if (target < 2 || source < 2) continue;
    bool complete = true;
    for (const auto& row : rows) complete = complete && row.size() >= source;
    if (!complete) continue;
    centres.clear();
    for (std::size_t t = 0; t < target; ++t) {
      double weight = 0, centroid = 0;
      for (std::size_t s = 0; s < source; ++s) {
        weight += rows[t][s];
        centroid += rows[t][s] * static_cast<double>(s);
      }
      const double x = weight > 0 ? centroid / weight / static_cast<double>(source - 1) : 0.5;
      const double y = static_cast<double>(t) / static_cast<double>(target - 1);
      centres.push_back(x);
      sum_x += x;
      sum_y += y;
      sum_xx += x * x;
      sum_yy += y * y;
      sum_xy += x * y;
    }
    double mean = 0, variance = 0;
    for (const double x : centres) mean += x / static_cast<double>(target);
    for (const double x : centres) variance += (x - mean) * (x - mean) / static_cast<double>(target);
    spread_sum += std::sqrt(variance);
    ++sentences;
    profile.tokens += target;
  }
  if (profile.tokens == 0) return profile;
  const auto n = static_cast<double>(profile.tokens);
  profile.centre = sum_x / n;
  profile.spread = spread_sum / static_cast<double>(sentences);
  const double covariance = sum_xy / n - (sum_x / n) * (sum_y / n);
  const double variance_x = sum_xx / n - (sum_x / n) * (sum_x / n);
  const double variance_y = sum_yy / n - (sum_y / n) * (sum_y / n);
  profile.diagonal = variance_x > 1e-12 && variance_y > 1e-12 ? covariance / std::sqrt(variance_x * variance_y) : 0.0;
  return profile;
}

}  // namespace nmt::decode
