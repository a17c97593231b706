// Luong et al. (2015), section 3.1, the location-based function: a_t = softmax(W_a h_t).
// The scores come from the decoder state alone, one per source position up to a maximum
// length (W_a has max_source_length rows); positions past a sentence's end are masked.
#include <stdexcept>

#include "nmt/layers/attention/registry.h"
#include "nmt/layers/attention/score.h"

namespace nmt::layers {
namespace {

class LuongLocationAttention final : public Attention {
 public:
  LuongLocationAttention(const AttentionOptions& o, graph::Parameters& params, const std::string& name, std::int64_t q,
                         graph::RandomGenerator& gen)
      : location_(Linear::create(params, name + ".location", q, o.max_source_length, gen)) {}
  AttentionMemory prepare(const Var& values, graph::Tensor mask, std::vector<std::int32_t> lengths) const override {
    if (values.shape()[1] > location_.out_features())
      throw std::invalid_argument("luong-location attention: source of " + std::to_string(values.shape()[1]) +
                                  " positions exceeds its maximum of " + std::to_string(location_.out_features()));
    return {values, values, std::move(mask), std::move(lengths)};
  }
  AttentionResult attend(const AttentionMemory& m, const Var& query, std::int64_t) const override {
    const Var all = location_(query);  // [B, max_source_length]
    const Var scores = graph::slice(all, 1, 0, m.source_length());
    return attend_with_scores(m, graph::reshape(scores, {m.rows(), 1, -1}), m.mask);
  }

 private:
  Linear location_;
};

}  // namespace

namespace mechanisms {  // this file's registry entry (registry.h)
std::vector<AttentionMechanism> luong_location() {
  return {{.name = "luong-location",
           .description = "Luong et al. 2015, 3.1: location-based, scores W_a h_t from the decoder state alone",
           .limits_source_length = true,
           .forward_flops =
               [](const AttentionOptions& o, const AttentionSizes& z) {
                 return 2 * z.target_positions * z.query_size * static_cast<double>(o.max_source_length) +
                        context_flops(z);
               },
           .make = [](const AttentionOptions& o, graph::Parameters& params, const std::string& prefix, std::int64_t q,
                      std::int64_t, graph::RandomGenerator& gen) -> std::unique_ptr<Attention> {
             return std::make_unique<LuongLocationAttention>(o, params, prefix, q, gen);
           }}};
}
}  // namespace mechanisms

}  // namespace nmt::layers
