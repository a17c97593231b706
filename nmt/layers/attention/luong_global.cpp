// Luong, Pham & Manning (2015), "Effective approaches to attention-based neural machine
// translation", section 3.1: global attention over all source positions with the current
// decoder state h_t as the query,
//   a_t(s) = softmax_s(score(h_t, h_s))  (eq. 7), score dot / general / concat (eq. 8).
#include "nmt/layers/attention/mechanisms.h"
#include "nmt/layers/attention/score.h"

namespace nmt::layers {
namespace {

ScoreFunction score_of(AttentionType type) {
  return type == AttentionType::luong_dot       ? ScoreFunction::dot
         : type == AttentionType::luong_general ? ScoreFunction::general
                                                : ScoreFunction::concat;
}

class LuongGlobalAttention final : public Attention {
 public:
  LuongGlobalAttention(const AttentionOptions& o, graph::Parameters& params, const std::string& name, std::int64_t q,
                       std::int64_t k, graph::RandomGenerator& gen)
      : type_(o.type), score_(score_of(o.type), params, name, q, k, o.hidden_size, gen) {}
  AttentionType type() const override { return type_; }
  AttentionMemory prepare(const Var& values, graph::Tensor mask, std::vector<std::int32_t> lengths) const override {
    return {values, score_.keys(values), std::move(mask), std::move(lengths)};
  }
  AttentionResult attend(const AttentionMemory& m, const Var& query, std::int64_t) const override {
    return attend_with_scores(m, score_.scores(query, m.keys), m.mask);
  }

 private:
  AttentionType type_;
  Score score_;
};

}  // namespace

std::unique_ptr<Attention> make_luong_global_attention(const AttentionOptions& options, graph::Parameters& params,
                                                       const std::string& prefix, std::int64_t query_size,
                                                       std::int64_t value_size, graph::RandomGenerator& generator) {
  return std::make_unique<LuongGlobalAttention>(options, params, prefix, query_size, value_size, generator);
}

}  // namespace nmt::layers
