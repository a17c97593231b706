// Luong, Pham & Manning (2015), "Effective approaches to attention-based neural machine
// translation", section 3.1: global attention over all source positions with the current
// decoder state h_t as the query,
//   a_t(s) = softmax_s(score(h_t, h_s))  (eq. 7), score dot / general / concat (eq. 8).
#include "nmt/layers/attention/registry.h"
#include "nmt/layers/attention/score.h"

namespace nmt::layers {
namespace {

class LuongGlobalAttention final : public Attention {
 public:
  LuongGlobalAttention(ScoreFunction score, const AttentionOptions& o, graph::Parameters& params,
                       const std::string& name, std::int64_t q, std::int64_t k, graph::RandomGenerator& gen)
      : score_(score, params, name, q, k, o.hidden_size, gen) {}
  AttentionMemory prepare(const Var& values, graph::Tensor mask, std::vector<std::int32_t> lengths) const override {
    return {values, score_.keys(values), std::move(mask), std::move(lengths)};
  }
  AttentionResult attend(const AttentionMemory& m, const Var& query, std::int64_t) const override {
    return attend_with_scores(m, score_.scores(query, m.keys), m.mask);
  }

 private:
  Score score_;
};

// The registry entry of global attention with one score function.
template <ScoreFunction score>
AttentionMechanism global_entry(std::string_view name, std::string_view description) {
  return {.name = name,
          .description = description,
          .dot_score = [](const AttentionOptions&) { return score == ScoreFunction::dot; },
          .forward_flops =
              [](const AttentionOptions& o, const AttentionSizes& z) {
                return score_flops(score, z, static_cast<double>(o.hidden_size)) + context_flops(z);
              },
          .make = [](const AttentionOptions& o, graph::Parameters& params, const std::string& prefix, std::int64_t q,
                     std::int64_t k, graph::RandomGenerator& gen) -> std::unique_ptr<Attention> {
            return std::make_unique<LuongGlobalAttention>(score, o, params, prefix, q, k, gen);
          }};
}

}  // namespace

namespace mechanisms {  // this file's registry entries (registry.h)
std::vector<AttentionMechanism> luong_global() {
  return {
      global_entry<ScoreFunction::dot>("luong-dot", "Luong et al. 2015, 3.1: global, score h_t . h_s"),
      global_entry<ScoreFunction::general>("luong-general", "Luong et al. 2015, 3.1: global, score h_t . W_a h_s"),
      global_entry<ScoreFunction::concat>("luong-concat",
                                          "Luong et al. 2015, 3.1: global, score v_a . tanh(W_a [h_t; h_s])"),
  };
}
}  // namespace mechanisms

}  // namespace nmt::layers
