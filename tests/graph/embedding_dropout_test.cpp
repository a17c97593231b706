// embedding lookup and dropout.
#include <gtest/gtest.h>

#include "gradient_check.h"

namespace nmt::graph {
namespace {

using testing::expect_gradients_match;
using testing::random_tensor;

TEST(Embedding, GathersRows) {
  const Tensor table = Tensor::from_values({3, 2}, std::vector<float>{0, 1, 10, 11, 20, 21});
  const std::vector<std::int32_t> ids{2, 0, 2};
  const Var y = embedding(Var::constant(table), ids, {3});
  EXPECT_EQ(y.shape(), (Shape{3, 2}));
  testing::expect_close(y.value(), {20, 21, 0, 1, 20, 21});
}

TEST(Embedding, RepeatedIdsAccumulateGradient) {
  const std::vector<std::int32_t> ids{1, 3, 1, 0, 1, 4};
  expect_gradients_match(
      [&](const std::vector<Var>& v) {
        return embedding(v[0], ids, {2, 3});
      },
      {random_tensor({5, 3}, 61)});
}

TEST(Embedding, OutOfRangeIdIsAnError) {
  const std::vector<std::int32_t> ids{0, 5};
  EXPECT_THROW(embedding(Var::constant(Tensor::zeros({5, 2})), ids, {2}), ShapeError);
  const std::vector<std::int32_t> negative{-1};
  EXPECT_THROW(embedding(Var::constant(Tensor::zeros({5, 2})), negative, {1}), ShapeError);
}

TEST(GatherRows, ReordersRepeatsAndScattersGradients) {
  const Tensor x = Tensor::from_values({3, 1, 2}, std::vector<float>{0, 1, 10, 11, 20, 21});
  const std::vector<std::int32_t> rows{2, 2, 0};
  testing::expect_close(gather_rows(Var::constant(x), rows).value(), {20, 21, 20, 21, 0, 1});
  expect_gradients_match([&](const std::vector<Var>& v) { return gather_rows(v[0], rows); },
                         {random_tensor({3, 2, 2}, 65)});
  const std::vector<std::int32_t> bad{3};
  EXPECT_THROW(gather_rows(Var::constant(x), bad), ShapeError);
}

TEST(Dropout, SameSeedSameMaskAndGradientIsTheMask) {
  const Tensor x = random_tensor({4, 50}, 62, 0.5f, 1.5f);
  RandomGenerator g1(7), g2(7);
  const Tensor y1 = dropout(Var::constant(x), 0.3f, g1).value();
  const Tensor y2 = dropout(Var::constant(x), 0.3f, g2).value();
  EXPECT_EQ(y1.to_vector(), y2.to_vector());
  int dropped = 0;
  for (std::int64_t i = 0; i < x.numel(); ++i) {
    if (y1.data()[i] == 0.0f)
      ++dropped;
    else
      EXPECT_NEAR(y1.data()[i], x.data()[i] / 0.7f, 1e-6);
  }
  EXPECT_GT(dropped, 30);  // about 60 of 200 expected
  EXPECT_LT(dropped, 90);
  // The next call draws a different mask.
  EXPECT_NE(dropout(Var::constant(x), 0.3f, g1).value().to_vector(), y1.to_vector());
  expect_gradients_match(
      [](const std::vector<Var>& v) {
        RandomGenerator g(11);
        return dropout(v[0], 0.4f, g);
      },
      {random_tensor({3, 7}, 63)});
}

TEST(Dropout, ZeroProbabilityIsIdentityAndBadProbabilityThrows) {
  RandomGenerator g(1);
  const Var x = Var::constant(random_tensor({3}, 64));
  EXPECT_EQ(dropout(x, 0.0f, g).value().to_vector(), x.value().to_vector());
  EXPECT_THROW(dropout(x, 1.0f, g), ShapeError);
  EXPECT_THROW(dropout(x, -0.1f, g), ShapeError);
}

}  // namespace
}  // namespace nmt::graph
