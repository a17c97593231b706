// Incremental self-attention: the cached steps of decoding reproduce the full causal
// self-attention position by position, across the block boundaries of the key/value cache, and
// the cache's shapes change only every KeyValueCache::kBlock positions.
#include <cmath>
#include <set>

#include <gtest/gtest.h>

#include "../graph/gradient_check.h"
#include "nmt/layers/multi_head_attention.h"

namespace nmt::layers {
namespace {

using graph::Tensor;
using graph::testing::random_tensor;

constexpr std::int64_t kRows = 3, kLength = 19, kModel = 8, kHeads = 2;

TEST(KeyValueCache, StepsReproduceCausalSelfAttentionAcrossBlocks) {
  graph::Parameters params;
  graph::RandomGenerator generator(5);
  const MultiHeadAttention attention(params, "self", MultiHeadAttention::Kind::self, kModel, kHeads, generator);
  const Tensor x = random_tensor({kRows, kLength, kModel}, 7);
  graph::NoGradGuard no_grad;
  const Tensor full = attention.self_attention(Var::constant(x), causal_mask(kLength), 0.0f, nullptr).output.value();

  KeyValueCache cache;
  std::set<std::int64_t> capacities;
  for (std::int64_t t = 0; t < kLength; ++t) {
    const Var position = graph::slice(Var::constant(x), 1, t, 1);
    const Tensor y = attention.self_attention_step(position, cache).output.value();  // [B, 1, d_model]
    EXPECT_EQ(cache.length, t + 1);
    EXPECT_EQ(cache.capacity() % KeyValueCache::kBlock, 0);
    EXPECT_GE(cache.capacity(), t + 1);
    EXPECT_LT(cache.capacity(), t + 1 + KeyValueCache::kBlock);
    capacities.insert(cache.capacity());
    for (std::int64_t b = 0; b < kRows; ++b)
      for (std::int64_t d = 0; d < kModel; ++d)
        EXPECT_NEAR(y.data()[b * kModel + d], full.data()[(b * kLength + t) * kModel + d], 1e-5)
            << "row " << b << " position " << t;
  }
  EXPECT_EQ(capacities, (std::set<std::int64_t>{8, 16, 24}));
}

TEST(KeyValueCache, ReorderedRowsContinueAsTheRowsTheyCameFrom) {
  graph::Parameters params;
  graph::RandomGenerator generator(9);
  const MultiHeadAttention attention(params, "self", MultiHeadAttention::Kind::self, kModel, kHeads, generator);
  const Tensor x = random_tensor({kRows, 10, kModel}, 11);
  graph::NoGradGuard no_grad;
  KeyValueCache cache, reference;
  for (std::int64_t t = 0; t < 9; ++t) {
    const Var position = graph::slice(Var::constant(x), 1, t, 1);
    attention.self_attention_step(position, cache);
    attention.self_attention_step(position, reference);
  }
  const std::vector<std::int32_t> order{2, 0, 0};
  KeyValueCache moved = cache.select_rows(order, kHeads);
  KeyValueCache shared = cache;  // the same tensors: appending to one must not write into the other
  EXPECT_EQ(moved.length, 9);
  const Var last = graph::slice(Var::constant(x), 1, 9, 1);
  const Var other = Var::constant(random_tensor({kRows, 1, kModel}, 12));
  const Tensor y = attention.self_attention_step(graph::gather_rows(last, order), moved).output.value();
  // Within a block, a step writes into the cache in place: no copy of the prefix per step.
  const float* storage = moved.heads.keys.value().data();
  attention.self_attention_step(graph::gather_rows(last, order), moved);
  EXPECT_EQ(moved.length, 11);
  EXPECT_EQ(moved.heads.keys.value().data(), storage);
  attention.self_attention_step(other, shared);
  const Tensor from_cache = attention.self_attention_step(last, cache).output.value();
  const Tensor expected = attention.self_attention_step(last, reference).output.value();
  for (std::size_t i = 0; i < order.size(); ++i)
    for (std::int64_t d = 0; d < kModel; ++d) {
      EXPECT_NEAR(y.data()[i * kModel + d], expected.data()[order[i] * kModel + d], 1e-6) << "row " << i;
      EXPECT_EQ(from_cache.data()[i * kModel + d], expected.data()[i * kModel + d]) << "row " << i;
    }
}

TEST(KeyValueCache, AppendOutsideDecodingIsAnError) {
  KeyValueCache cache;
  const Var keys = Var::constant(Tensor::zeros({2, 1, 4}));
  EXPECT_THROW(cache.append(keys, keys), std::logic_error);
}

}  // namespace
}  // namespace nmt::layers
