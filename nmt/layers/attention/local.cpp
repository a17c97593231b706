// Luong et al. (2015), section 3.2: local attention over a window [p_t - D, p_t + D].
//
//   local-m (monotonic):  p_t = t, clipped to the last source position.
//   local-p (predictive): p_t = S * sigmoid(v_p^T tanh(W_p h_t))  (eq. 9), S the source
//                         length; the alignment is Gaussian-weighted around p_t with
//                         sigma = D/2 (eq. 10).
//
// Eq. 10 multiplies the window softmax by exp(-(s - p_t)^2 / (2 sigma^2)), which leaves
// weights that no longer sum to one. We add the log of that factor to the scores before the
// softmax instead: the same shape (softmax weights times the Gaussian), renormalised over the
// window so that the context stays a weighted average. Gradients flow through p_t via the
// Gaussian term; the window's edges (which positions take part) are a hard choice.
#include <algorithm>
#include <cmath>

#include "nmt/layers/attention/registry.h"
#include "nmt/layers/attention/score.h"

namespace nmt::layers {
namespace {

class LocalAttention final : public Attention {
 public:
  // predictive: local-p (p_t learnt), else local-m (p_t = t).
  LocalAttention(bool predictive, const AttentionOptions& o, graph::Parameters& params, const std::string& name,
                 std::int64_t q, std::int64_t k, graph::RandomGenerator& gen)
      : predictive_(predictive), window_(o.window), score_(o.local_score, params, name, q, k, o.hidden_size, gen) {
    if (window_ < 0) throw std::invalid_argument(name + ": the window half-width D must be >= 0");
    if (predictive_) {
      position_hidden_ =
          Linear::create(params, name + ".position_hidden", q, o.hidden_size, gen, Bias::without);  // W_p
      position_vector_ =
          Linear::create(params, name + ".position_vector", o.hidden_size, 1, gen, Bias::without);  // v_p
    }
  }
  AttentionMemory prepare(const Var& values, graph::Tensor mask, std::vector<std::int32_t> lengths) const override {
    return {values, score_.keys(values), std::move(mask), std::move(lengths)};
  }

  AttentionResult attend(const AttentionMemory& m, const Var& query, std::int64_t step) const override {
    const std::int64_t rows = m.rows(), length = m.source_length();
    Var scores = score_.scores(query, m.keys);  // [B, 1, S]
    std::vector<float> centre(rows);
    if (!predictive_) {
      for (std::int64_t b = 0; b < rows; ++b)
        centre[b] = static_cast<float>(std::min<std::int64_t>(step, m.lengths[b] - 1));
    } else {
      // p_t = S * sigmoid(v_p^T tanh(W_p h_t)), per sentence length S.
      std::vector<float> lengths(m.lengths.begin(), m.lengths.end());
      const Var unit = graph::sigmoid(position_vector_(graph::tanh(position_hidden_(query))));  // [B, 1]
      const Var position = graph::mul(unit, Var::constant(graph::Tensor::from_values({rows, 1}, lengths)));
      for (std::int64_t b = 0; b < rows; ++b) centre[b] = position.value().data()[b];
      // + log Gaussian = -(s - p_t)^2 / (2 sigma^2), sigma = D / 2.
      std::vector<float> positions(length);
      for (std::int64_t s = 0; s < length; ++s) positions[s] = static_cast<float>(s);
      const Var offset = graph::sub(Var::constant(graph::Tensor::from_values({1, length}, positions)), position);
      const float sigma = std::max(0.5f, static_cast<float>(window_) / 2.0f);
      const Var log_gaussian = graph::scale(graph::mul(offset, offset), -1.0f / (2.0f * sigma * sigma));
      scores = graph::add(scores, graph::reshape(log_gaussian, {rows, 1, length}));
    }
    // The window, intersected with the sentence; it always holds the centre's nearest token.
    graph::Tensor mask = m.mask.clone();
    float* w = mask.data();
    for (std::int64_t b = 0; b < rows; ++b) {
      const float c = std::clamp(centre[b], 0.0f, static_cast<float>(m.lengths[b] - 1));
      const auto nearest = static_cast<std::int64_t>(std::lround(c));
      for (std::int64_t s = 0; s < length; ++s) {
        const bool inside = std::abs(static_cast<float>(s) - c) <= static_cast<float>(window_) || s == nearest;
        if (!inside) w[b * length + s] = 0.0f;
      }
    }
    return attend_with_scores(m, scores, mask);
  }

 private:
  bool predictive_;
  std::int64_t window_;
  Score score_;
  Linear position_hidden_, position_vector_;
};

// The registry entry of local-m (predictive false) or local-p.
template <bool predictive>
AttentionMechanism local_entry(std::string_view name, std::string_view description) {
  return {.name = name,
          .description = description,
          .dot_score = [](const AttentionOptions& o) { return o.local_score == ScoreFunction::dot; },
          .forward_flops =
              [](const AttentionOptions& o, const AttentionSizes& z) {
                // Scores over the whole width (then masked to the window), as attend() computes them;
                // local-p adds p_t = S sigmoid(v_p tanh(W_p h_t)).
                const double hidden = static_cast<double>(o.hidden_size);
                return score_flops(o.local_score, z, hidden) + context_flops(z) +
                       (predictive ? 2 * z.target_positions * (z.query_size * hidden + hidden) : 0.0);
              },
          .make = [](const AttentionOptions& o, graph::Parameters& params, const std::string& prefix, std::int64_t q,
                     std::int64_t k, graph::RandomGenerator& gen) -> std::unique_ptr<Attention> {
            return std::make_unique<LocalAttention>(predictive, o, params, prefix, q, k, gen);
          }};
}

}  // namespace

namespace mechanisms {  // this file's registry entries (registry.h)
std::vector<AttentionMechanism> local() {
  return {
      local_entry<false>("local-m", "Luong et al. 2015, 3.2: local-m, a window of 2D+1 positions around p_t = t"),
      local_entry<true>("local-p", "Luong et al. 2015, 3.2: local-p, a Gaussian-weighted window around a learnt p_t"),
  };
}
}  // namespace mechanisms

}  // namespace nmt::layers
