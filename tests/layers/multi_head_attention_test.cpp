// Multi-head attention: gradients of self-attention and of encoder-decoder attention against
// finite differences, weights that are a distribution skipping masked positions; and
// incremental self-attention: the cached steps of decoding reproduce the full causal
// self-attention position by position, across the block boundaries of the key/value cache, and
// the cache's shapes change only every KeyValueCache::kBlock positions; the cache reordered in
// place where that is safe; encoder-decoder attention over queries grouped by sentence gives what
// each row gives with its own copy of the memory.
#include "nmt/layers/multi_head_attention.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "../graph/gradient_check.h"
#include "transformer_layer_fixtures.h"

namespace nmt::layers {
namespace {

using graph::Tensor;
using graph::testing::random_tensor;

// ---- whole sequences at once ----
// (Each group has a namespace of its own, for its own sizes.)

namespace whole_sequences {

using namespace testing;  // sizes and helpers shared with the other Transformer layer specs

TEST(MultiHeadAttention, SelfAttentionGradientsMatchFiniteDifferences) {
  graph::Parameters params;
  graph::RandomGenerator gen(41);
  const layers::MultiHeadAttention attention(params, "attention", layers::MultiHeadAttention::Kind::self, kModel,
                                             kHeads, gen);
  const Var x = Var::parameter(random_tensor({kRows, kSource, kModel}, 42));
  for (const Tensor& mask : {source_mask(), layers::causal_mask(kSource)}) {
    graph::testing::expect_gradients_match(
        [&] {
          graph::RandomGenerator dropout(43);  // the same dropout mask on every evaluation
          return attention.self_attention(x, mask, 0.2f, &dropout).output;
        },
        with_inputs(params, {x}), grad_options());
  }
}

TEST(MultiHeadAttention, EncoderDecoderAttentionGradientsMatchFiniteDifferences) {
  graph::Parameters params;
  graph::RandomGenerator gen(44);
  const layers::MultiHeadAttention attention(params, "attention", layers::MultiHeadAttention::Kind::encoder_decoder,
                                             kModel, kHeads, gen);
  const Var x = Var::parameter(random_tensor({kRows, kLength, kModel}, 45));
  const Var memory = Var::parameter(random_tensor({kRows, kSource, kModel}, 46));
  graph::testing::expect_gradients_match(
      [&] {
        graph::RandomGenerator dropout(43);
        return attention.attend(x, attention.project_memory(memory), source_mask(), 0.2f, &dropout).output;
      },
      with_inputs(params, {x, memory}), grad_options());
}

TEST(MultiHeadAttention, WeightsAreADistributionThatSkipsMaskedPositions) {
  graph::Parameters params;
  graph::RandomGenerator gen(47);
  const layers::MultiHeadAttention attention(params, "attention", layers::MultiHeadAttention::Kind::self, kModel,
                                             kHeads, gen);
  const Var x = Var::constant(random_tensor({kRows, kSource, kModel}, 48));
  const Tensor w = attention.self_attention(x, source_mask(), 0.0f, nullptr).weights.value();
  ASSERT_EQ(w.shape(), (graph::Shape{kRows, kHeads, kSource, kSource}));
  const std::int64_t lengths[] = {5, 2};
  for (std::int64_t b = 0; b < kRows; ++b)
    for (std::int64_t h = 0; h < kHeads; ++h)
      for (std::int64_t t = 0; t < kSource; ++t) {
        double total = 0;
        for (std::int64_t s = 0; s < kSource; ++s) {
          const float v = w.data()[((b * kHeads + h) * kSource + t) * kSource + s];
          if (s >= lengths[b]) {
            EXPECT_EQ(v, 0.0f);
          }
          total += v;
        }
        EXPECT_NEAR(total, 1.0, 1e-5);
      }
}

// Decoding stores the keys transposed ([B*H, d_k, S]) for the product Q K^T: the same attention.
TEST(MultiHeadAttention, TransposedKeysGiveTheSameAttention) {
  graph::Parameters params;
  graph::RandomGenerator gen(49);
  const layers::MultiHeadAttention attention(params, "attention", layers::MultiHeadAttention::Kind::encoder_decoder,
                                             kModel, kHeads, gen);
  const Var x = Var::constant(random_tensor({kRows, kLength, kModel}, 50));
  const Var memory = Var::constant(random_tensor({kRows, kSource, kModel}, 51));
  EXPECT_THROW(attention.project_memory(memory).with_keys_transposed(), std::logic_error);  // decoding only
  graph::NoGradGuard no_grad;
  const AttentionHeads heads = attention.project_memory(memory);
  const AttentionHeads transposed = heads.with_keys_transposed();
  ASSERT_TRUE(transposed.keys_transposed);
  const std::int64_t dk = kModel / kHeads;
  ASSERT_EQ(transposed.keys.shape(), (graph::Shape{kRows * kHeads, dk, kSource}));
  EXPECT_EQ(transposed.length(), kSource);
  for (std::int64_t r = 0; r < kRows * kHeads; ++r)
    for (std::int64_t s = 0; s < kSource; ++s)
      for (std::int64_t d = 0; d < dk; ++d)
        ASSERT_EQ(transposed.keys.value().data()[(r * dk + d) * kSource + s],
                  heads.keys.value().data()[(r * kSource + s) * dk + d]);
  const Tensor expected = attention.attend(x, heads, source_mask(), 0.0f, nullptr).output.value();
  const Tensor got = attention.attend(x, transposed, source_mask(), 0.0f, nullptr).output.value();
  for (std::int64_t i = 0; i < expected.numel(); ++i) EXPECT_NEAR(got.data()[i], expected.data()[i], 1e-6) << i;
  // Selecting rows keeps the layout.
  EXPECT_TRUE(transposed.select_rows(std::vector<std::int32_t>{1, 0}, kHeads).keys_transposed);
}

}  // namespace whole_sequences

// ---- decoding step by step ----

namespace incremental {

// 19 positions: three blocks of the key/value cache.
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
    ASSERT_TRUE(cache.heads.keys_transposed);  // [B*H, d_k, capacity]: what Q K^T reads
    ASSERT_EQ(cache.heads.keys.shape(), (graph::Shape{kRows * kHeads, kModel / kHeads, cache.capacity()}));
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

TEST(KeyValueCache, InPlaceReorderingCopiesOnlyTheRowsThatMoveAndOnlyWhenThatIsSafe) {
  graph::Parameters params;
  graph::RandomGenerator generator(13);
  const MultiHeadAttention attention(params, "self", MultiHeadAttention::Kind::self, kModel, kHeads, generator);
  const Tensor x = random_tensor({kRows, 9, kModel}, 14);
  graph::NoGradGuard no_grad;
  KeyValueCache cache;
  for (std::int64_t t = 0; t < 9; ++t) attention.self_attention_step(graph::slice(Var::constant(x), 1, t, 1), cache);
  const auto same_values = [](const Var& a, const Var& b) {
    return a.shape() == b.shape() &&
           std::equal(a.value().data(), a.value().data() + a.value().numel(), b.value().data());
  };
  // Row 1 takes row 0's prefix; rows 0 and 2 stay: the same storage, the contents of a copy.
  const std::vector<std::int32_t> order{0, 0, 2};
  const KeyValueCache copied = cache.select_rows(order, kHeads);
  const float* storage = cache.heads.keys.value().data();
  ASSERT_TRUE(cache.select_rows_in_place(order, kHeads));
  EXPECT_EQ(cache.heads.keys.value().data(), storage);
  EXPECT_TRUE(same_values(cache.heads.keys, copied.heads.keys));
  EXPECT_TRUE(same_values(cache.heads.values, copied.heads.values));
  EXPECT_EQ(cache.length, 9);
  // Refused, nothing changed: a row read after it is written (a swap), another row count, and
  // storage that another cache shares.
  const KeyValueCache before = cache.select_rows(std::vector<std::int32_t>{0, 1, 2}, kHeads);
  EXPECT_FALSE(cache.select_rows_in_place(std::vector<std::int32_t>{1, 0, 2}, kHeads));
  EXPECT_FALSE(cache.select_rows_in_place(std::vector<std::int32_t>{0, 1}, kHeads));
  const KeyValueCache sharing = cache;
  EXPECT_FALSE(cache.select_rows_in_place(std::vector<std::int32_t>{0, 0, 0}, kHeads));
  EXPECT_TRUE(same_values(cache.heads.keys, before.heads.keys));
  EXPECT_TRUE(same_values(sharing.heads.values, before.heads.values));
}

TEST(QueryGroups, ASentencesRowsFormGroupsOfTheFirstSentencesRowCount) {
  // Beam search's rows: 3 hypotheses per sentence; the last sentence's run padded to 6 rows.
  const QueryGroups beams = QueryGroups::of(std::vector<std::int32_t>{4, 4, 4, 7, 7, 7, 2, 2, 2, 2, 2, 2, 2});
  EXPECT_EQ(beams.size, 3);
  EXPECT_EQ(beams.sentences, (std::vector<std::int32_t>{4, 7, 2, 2, 2}));
  EXPECT_EQ(beams.slot_of_row, (std::vector<std::int32_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
  EXPECT_EQ(beams.row_of_slot, (std::vector<std::int32_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 12, 12}));
  // A sentence with fewer rows leaves slots unused; they repeat its first row.
  const QueryGroups uneven = QueryGroups::of(std::vector<std::int32_t>{5, 5, 6, 8, 8});
  EXPECT_EQ(uneven.size, 2);
  EXPECT_EQ(uneven.sentences, (std::vector<std::int32_t>{5, 6, 8}));
  EXPECT_EQ(uneven.slot_of_row, (std::vector<std::int32_t>{0, 1, 2, 4, 5}));
  EXPECT_EQ(uneven.row_of_slot, (std::vector<std::int32_t>{0, 1, 2, 2, 3, 4}));
  // One row per sentence (greedy search): the groups are the rows.
  const QueryGroups greedy = QueryGroups::of(std::vector<std::int32_t>{3, 1, 1});
  EXPECT_EQ(greedy.size, 1);
  EXPECT_EQ(greedy.sentences, (std::vector<std::int32_t>{3, 1, 1}));
  EXPECT_EQ(greedy.row_of_slot, (std::vector<std::int32_t>{0, 1, 2}));
  EXPECT_EQ(QueryGroups::of({}).sentences.size(), 0u);
}

TEST(MultiHeadAttention, GroupedQueriesAttendAsEachRowWithItsOwnCopyOfTheMemory) {
  graph::Parameters params;
  graph::RandomGenerator generator(15);
  const MultiHeadAttention attention(params, "cross", MultiHeadAttention::Kind::encoder_decoder, kModel, kHeads,
                                     generator);
  constexpr std::int64_t kSentences = 2, kSource = 5;
  graph::NoGradGuard no_grad;
  const AttentionHeads memory =
      attention.project_memory(Var::constant(random_tensor({kSentences, kSource, kModel}, 16)));
  const std::vector<float> mask_values{1, 1, 1, 1, 1, 1, 1, 0, 0, 0};
  const Tensor mask = padding_mask(mask_values, kSentences, kSource);
  // Five rows: three of sentence 1, then two of sentence 0 (one slot of its group unused).
  const std::vector<std::int32_t> row_sentences{1, 1, 1, 0, 0};
  const Var x = Var::constant(random_tensor({5, 1, kModel}, 17));
  const QueryGroups groups = QueryGroups::of(row_sentences);
  ASSERT_EQ(groups.size, 3);
  const AttentionOutput grouped =
      attention.attend_step(x, memory.select_rows(groups.sentences, kHeads),
                            graph::gather_rows(Var::constant(mask), groups.sentences).value(), groups, true);
  const AttentionOutput per_row =
      attention.attend(x, memory.select_rows(row_sentences, kHeads),
                       graph::gather_rows(Var::constant(mask), row_sentences).value(), 0.0f, nullptr);
  ASSERT_EQ(grouped.output.shape(), per_row.output.shape());
  ASSERT_EQ(grouped.weights.shape(), per_row.weights.shape());
  for (std::int64_t i = 0; i < per_row.output.value().numel(); ++i)
    EXPECT_NEAR(grouped.output.value().data()[i], per_row.output.value().data()[i], 1e-6) << "output " << i;
  for (std::int64_t i = 0; i < per_row.weights.value().numel(); ++i)
    EXPECT_NEAR(grouped.weights.value().data()[i], per_row.weights.value().data()[i], 1e-6) << "weight " << i;
  // Without weights asked for, none are gathered back to the rows.
  EXPECT_FALSE(attention
                   .attend_step(x, memory.select_rows(groups.sentences, kHeads),
                                graph::gather_rows(Var::constant(mask), groups.sentences).value(), groups, false)
                   .weights.defined());
}

TEST(KeyValueCache, AppendOutsideDecodingIsAnError) {
  KeyValueCache cache;
  const Var keys = Var::constant(Tensor::zeros({2, 1, 4}));
  EXPECT_THROW(cache.append(keys, keys), std::logic_error);
}

}  // namespace incremental

}  // namespace
}  // namespace nmt::layers
