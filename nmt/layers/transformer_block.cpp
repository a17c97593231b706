#include "nmt/layers/transformer_block.h"

#include "nmt/graph/profiler.h"
namespace nmt::layers {

using graph::Tensor;

TransformerEncoderBlock::TransformerEncoderBlock(graph::Parameters& params, const std::string& name,
                                                 const TransformerBlockOptions& options,
                                                 graph::RandomGenerator& generator)
    : options_(options),
      self_attention_(params, name + ".self_attention", MultiHeadAttention::Kind::self, options.d_model, options.heads,
                      generator),
      feed_forward_(
          FeedForward::create(params, name + ".feed_forward", options.d_model, options.feed_forward, generator)),
      attention_residual_{LayerNorm::create(params, name + ".self_attention_norm", options.d_model), options.pre_norm},
      feed_forward_residual_{LayerNorm::create(params, name + ".feed_forward_norm", options.d_model),
                             options.pre_norm} {}

Var TransformerEncoderBlock::operator()(const Var& x, const Tensor& mask, graph::RandomGenerator* generator) const {
  const Var h = attention_residual_(x, options_.dropout, generator, [&](const Var& in) {
    return self_attention_.self_attention(in, mask, options_.attention_dropout, generator).output;
  });
  return feed_forward_residual_(h, options_.dropout, generator, [&](const Var& in) {
    return feed_forward_(in, options_.feed_forward_dropout, generator);
  });
}

TransformerDecoderBlock::TransformerDecoderBlock(graph::Parameters& params, const std::string& name,
                                                 const TransformerBlockOptions& options,
                                                 graph::RandomGenerator& generator)
    : options_(options),
      self_attention_(params, name + ".self_attention", MultiHeadAttention::Kind::self, options.d_model, options.heads,
                      generator),
      cross_attention_(params, name + ".cross_attention", MultiHeadAttention::Kind::encoder_decoder, options.d_model,
                       options.heads, generator),
      feed_forward_(
          FeedForward::create(params, name + ".feed_forward", options.d_model, options.feed_forward, generator)),
      self_residual_{LayerNorm::create(params, name + ".self_attention_norm", options.d_model), options.pre_norm},
      cross_residual_{LayerNorm::create(params, name + ".cross_attention_norm", options.d_model), options.pre_norm},
      feed_forward_residual_{LayerNorm::create(params, name + ".feed_forward_norm", options.d_model),
                             options.pre_norm} {}

AttentionHeads TransformerDecoderBlock::project_memory(const Var& encoder_output) const {
  return cross_attention_.project_memory(encoder_output);
}

template <class SelfAttention, class CrossAttention>
TransformerDecoderBlock::Output TransformerDecoderBlock::run(const Var& y, SelfAttention&& self, CrossAttention&& cross,
                                                             graph::RandomGenerator* generator) const {
  // The sections of a profile (graph/profiler.h; a branch each when profiling is off).
  Output out;
  Var h = [&] {
    const graph::ProfileSection section("self-attention");
    return self_residual_(y, options_.dropout, generator, self);
  }();
  {
    const graph::ProfileSection section("cross-attention");
    h = cross_residual_(h, options_.dropout, generator, [&](const Var& in) {
      AttentionOutput a = cross(in);
      out.cross_weights = a.weights;
      return a.output;
    });
  }
  const graph::ProfileSection section("feed-forward");
  out.output = feed_forward_residual_(h, options_.dropout, generator, [&](const Var& in) {
    return feed_forward_(in, options_.feed_forward_dropout, generator);
  });
  return out;
}

TransformerDecoderBlock::Output TransformerDecoderBlock::operator()(const Var& y, const Tensor& causal,
                                                                    const AttentionHeads& memory,
                                                                    const Tensor& memory_mask,
                                                                    graph::RandomGenerator* generator) const {
  return run(
      y,
      [&](const Var& in) {
        return self_attention_.self_attention(in, causal, options_.attention_dropout, generator).output;
      },
      [&](const Var& in) {
        return cross_attention_.attend(in, memory, memory_mask, options_.attention_dropout, generator);
      },
      generator);
}

TransformerDecoderBlock::Output TransformerDecoderBlock::step(const Var& y, KeyValueCache& cache,
                                                              const AttentionHeads& memory, const Tensor& memory_mask,
                                                              const QueryGroups& groups, bool with_weights) const {
  return run(
      y, [&](const Var& in) { return self_attention_.self_attention_step(in, cache).output; },
      [&](const Var& in) { return cross_attention_.attend_step(in, memory, memory_mask, groups, with_weights); },
      nullptr);
}

}  // namespace nmt::layers
