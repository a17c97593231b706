#include "nmt/layers/attention/score.h"

#include <stdexcept>

namespace nmt::layers {

using graph::Shape;

Score::Score(ScoreFunction function, graph::Parameters& params, const std::string& name, std::int64_t query_size,
             std::int64_t value_size, std::int64_t hidden_size, graph::RandomGenerator& generator)
    : function_(function) {
  switch (function) {
    case ScoreFunction::dot:
      if (query_size != value_size)
        throw std::invalid_argument(name + ": the dot score needs the decoder state size (" +
                                    std::to_string(query_size) + ") to equal the encoder state size (" +
                                    std::to_string(value_size) + ")");
      break;
    case ScoreFunction::general:
      key_projection_ = Linear::create(params, name + ".general", value_size, query_size, generator, Bias::without);
      break;
    case ScoreFunction::concat:
      key_projection_ = Linear::create(params, name + ".keys", value_size, hidden_size, generator, Bias::without);
      query_projection_ = Linear::create(params, name + ".query", query_size, hidden_size, generator);
      vector_ = Linear::create(params, name + ".v", hidden_size, 1, generator, Bias::without);
      break;
  }
}

Var Score::keys(const Var& values) const { return function_ == ScoreFunction::dot ? values : key_projection_(values); }

Var Score::scores(const Var& query, const Var& keys) const {
  const std::int64_t rows = query.shape()[0];
  if (function_ != ScoreFunction::concat)  // [B,1,Q] x [B,S,Q]^T
    return graph::matmul(graph::reshape(query, {rows, 1, -1}), keys, false, true);
  const Var q = graph::reshape(query_projection_(query), {rows, 1, -1});  // [B, 1, A]
  const Var hidden = graph::tanh(graph::add(keys, q));                    // [B, S, A]
  return graph::reshape(vector_(hidden), {rows, 1, -1});                  // [B, 1, S]
}

AttentionResult attend_with_scores(const AttentionMemory& memory, const Var& scores, const graph::Tensor& mask) {
  const std::int64_t rows = memory.rows();
  const Var weights = graph::softmax(scores, mask);           // [B, 1, S]
  const Var context = graph::matmul(weights, memory.values);  // [B, 1, K]
  return {graph::reshape(context, {rows, -1}), graph::reshape(weights, {rows, -1})};
}

double score_flops(ScoreFunction function, const AttentionSizes& z, double hidden_size) {
  switch (function) {
    case ScoreFunction::dot:
      return 2 * z.target_positions * z.source_width * z.value_size;
    case ScoreFunction::general:  // W_a h_s once per source position, then h_t . (W_a h_s)
      return 2 * z.source_positions * z.value_size * z.query_size +
             2 * z.target_positions * z.source_width * z.query_size;
    case ScoreFunction::concat:  // W_2 h_s once, W_1 h_t per query, v_a . tanh(...) per pair
      return 2 * z.source_positions * z.value_size * hidden_size + 2 * z.target_positions * z.query_size * hidden_size +
             2 * z.target_positions * z.source_width * hidden_size;
  }
  return 0;
}

double context_flops(const AttentionSizes& z) { return 2 * z.target_positions * z.source_width * z.value_size; }

}  // namespace nmt::layers
