// The Transformer's encoder and decoder blocks, with pre- and post-layer normalisation:
// gradients of the block's inputs and of all its parameters against finite differences, with
// dropout on (the same masks on every evaluation) and a padded source batch.
#include "nmt/layers/transformer_block.h"

#include <gtest/gtest.h>

#include <string>

#include "../graph/gradient_check.h"
#include "transformer_layer_fixtures.h"

namespace nmt::layers {
namespace {

using namespace testing;  // sizes and helpers shared with the other Transformer layer specs

using graph::Var;
using graph::testing::random_tensor;

layers::TransformerBlockOptions block_options(bool pre_norm) {
  layers::TransformerBlockOptions o;
  o.d_model = kModel;
  o.heads = kHeads;
  o.feed_forward = 12;
  o.dropout = 0.1f;
  o.attention_dropout = 0.2f;
  o.feed_forward_dropout = 0.15f;
  o.pre_norm = pre_norm;
  return o;
}

class BlockTest : public ::testing::TestWithParam<bool> {};  // pre_norm

TEST_P(BlockTest, EncoderBlockGradientsMatchFiniteDifferences) {
  graph::Parameters params;
  graph::RandomGenerator gen(51);
  const layers::TransformerEncoderBlock block(params, "block", block_options(GetParam()), gen);
  keep_relu_units_away_from_the_kink(params);
  const Var x = Var::parameter(random_tensor({kRows, kSource, kModel}, 52));
  graph::testing::expect_gradients_match(
      [&] {
        graph::RandomGenerator dropout(53);
        return block(x, source_mask(), &dropout);
      },
      with_inputs(params, {x}), grad_options());
}

TEST_P(BlockTest, DecoderBlockGradientsMatchFiniteDifferences) {
  graph::Parameters params;
  graph::RandomGenerator gen(54);
  const layers::TransformerDecoderBlock block(params, "block", block_options(GetParam()), gen);
  keep_relu_units_away_from_the_kink(params);
  const Var y = Var::parameter(random_tensor({kRows, kLength, kModel}, 55));
  const Var memory = Var::parameter(random_tensor({kRows, kSource, kModel}, 56));
  graph::testing::expect_gradients_match(
      [&] {
        graph::RandomGenerator dropout(57);
        return block(y, layers::causal_mask(kLength), block.project_memory(memory), source_mask(), &dropout).output;
      },
      with_inputs(params, {y, memory}), grad_options());
}

INSTANTIATE_TEST_SUITE_P(Norm, BlockTest, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return std::string(info.param ? "pre_norm" : "post_norm");
                         });

}  // namespace
}  // namespace nmt::layers
