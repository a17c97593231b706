// Bahdanau, Cho & Bengio (2015), "Neural machine translation by jointly learning to align and
// translate", section 3.1 and appendix A.1.2:
//   e_tj = v_a^T tanh(W_a s_{t-1} + U_a h_j),  a_t = softmax(e_t),  c_t = sum_j a_tj h_j.
// The query is the previous decoder state s_{t-1}; the decoder feeds c_t into its LSTM input
// at step t (scores_previous_state()). U_a h_j is computed once per sentence.
#include "nmt/layers/attention/mechanisms.h"
#include "nmt/layers/attention/score.h"

namespace nmt::layers {
namespace {

class BahdanauAttention final : public Attention {
 public:
  BahdanauAttention(const AttentionOptions& o, graph::Parameters& params, const std::string& name, std::int64_t q,
                    std::int64_t k, graph::RandomGenerator& gen)
      : score_(ScoreFunction::concat, params, name, q, k, o.hidden_size, gen) {}
  AttentionType type() const override { return AttentionType::bahdanau; }
  bool scores_previous_state() const override { return true; }
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

std::unique_ptr<Attention> make_bahdanau_attention(const AttentionOptions& options, graph::Parameters& params,
                                                   const std::string& prefix, std::int64_t query_size,
                                                   std::int64_t value_size, graph::RandomGenerator& generator) {
  return std::make_unique<BahdanauAttention>(options, params, prefix, query_size, value_size, generator);
}

}  // namespace nmt::layers
