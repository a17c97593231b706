// Bahdanau, Cho & Bengio (2015), "Neural machine translation by jointly learning to align and
// translate", section 3.1 and appendix A.1.2:
//   e_tj = v_a^T tanh(W_a s_{t-1} + U_a h_j),  a_t = softmax(e_t),  c_t = sum_j a_tj h_j.
// The query is the previous decoder state s_{t-1}; the decoder feeds c_t into its LSTM input
// at step t (the registry's scores_previous_state). U_a h_j is computed once per sentence.
#include "nmt/layers/attention/registry.h"
#include "nmt/layers/attention/score.h"

namespace nmt::layers {
namespace {

class BahdanauAttention final : public Attention {
 public:
  BahdanauAttention(const AttentionOptions& o, graph::Parameters& params, const std::string& name, std::int64_t q,
                    std::int64_t k, graph::RandomGenerator& gen)
      : score_(ScoreFunction::concat, params, name, q, k, o.hidden_size, gen) {}
  AttentionMemory prepare(const Var& values, graph::Tensor mask, std::vector<std::int32_t> lengths) const override {
    return {values, score_.keys(values), std::move(mask), std::move(lengths)};
  }
  AttentionResult attend(const AttentionMemory& m, const Var& query, std::int64_t) const override {
    return attend_with_scores(m, score_.scores(query, m.keys), m.mask);
  }

 private:
  Score score_;
};

}  // namespace

namespace mechanisms {  // this file's registry entry (registry.h)
std::vector<AttentionMechanism> bahdanau() {
  return {
      {.name = "bahdanau",
       .description = "Bahdanau et al. 2015: additive score of the previous decoder state; context into the LSTM input",
       .scores_previous_state = true,
       .forward_flops =
           [](const AttentionOptions& o, const AttentionSizes& z) {
             return score_flops(ScoreFunction::concat, z, static_cast<double>(o.hidden_size)) + context_flops(z);
           },
       .make = [](const AttentionOptions& o, graph::Parameters& params, const std::string& prefix, std::int64_t q,
                  std::int64_t k, graph::RandomGenerator& gen) -> std::unique_ptr<Attention> {
         return std::make_unique<BahdanauAttention>(o, params, prefix, q, k, gen);
       }}};
}
}  // namespace mechanisms

}  // namespace nmt::layers
