// concat, slice, reshape, transpose.
#include <gtest/gtest.h>

#include "gradient_check.h"

namespace nmt::graph {
namespace {

using testing::expect_gradients_match;
using testing::random_tensor;

TEST(Concat, ValuesAlongEachAxis) {
  const Tensor a = Tensor::from_values({2, 2}, std::vector<float>{1, 2, 3, 4});
  const Tensor b = Tensor::from_values({2, 1}, std::vector<float>{5, 6});
  testing::expect_close(concat({Var::constant(a), Var::constant(b)}, 1).value(), {1, 2, 5, 3, 4, 6});
  testing::expect_close(concat({Var::constant(a), Var::constant(a)}, 0).value(), {1, 2, 3, 4, 1, 2, 3, 4});
  testing::expect_close(concat({Var::constant(a), Var::constant(b)}, -1).value(), {1, 2, 5, 3, 4, 6});
}

TEST(Concat, Gradients) {
  for (int axis : {0, 1, 2})
    expect_gradients_match(
        [axis](const std::vector<Var>& v) {
          return concat({v[0], v[1], v[0]}, axis);
        },
        {random_tensor({2, 3, 4}, 51), random_tensor({2, 3, 4}, 52)});
  expect_gradients_match(
      [](const std::vector<Var>& v) {
        return concat({v[0], v[1]}, 1);
      },
      {random_tensor({3, 1}, 53), random_tensor({3, 5}, 54)});
}

TEST(Concat, MismatchNamesShapes) {
  try {
    concat({Var::constant(Tensor::zeros({2, 3})), Var::constant(Tensor::zeros({3, 3}))}, 1);
    FAIL();
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("[3,3]"), std::string::npos) << e.what();
  }
}

TEST(Slice, ValuesAndGradients) {
  const Tensor x = Tensor::from_values({2, 3}, std::vector<float>{1, 2, 3, 4, 5, 6});
  testing::expect_close(slice(Var::constant(x), 1, 1, 2).value(), {2, 3, 5, 6});
  testing::expect_close(slice(Var::constant(x), 0, 1, 1).value(), {4, 5, 6});
  expect_gradients_match([](const std::vector<Var>& v) { return slice(v[0], 1, 1, 3); },
                         {random_tensor({2, 5, 3}, 55)});
  // Two overlapping slices of one input: their gradients add up.
  expect_gradients_match([](const std::vector<Var>& v) { return add(slice(v[0], 0, 0, 2), slice(v[0], 0, 1, 2)); },
                         {random_tensor({3, 4}, 56)});
  EXPECT_THROW(slice(Var::constant(x), 1, 2, 2), ShapeError);
  EXPECT_THROW(slice(Var::constant(x), 2, 0, 1), ShapeError);
}

TEST(Reshape, SharesStorageAndPassesGradients) {
  const Var x = Var::constant(random_tensor({2, 6}, 57));
  const Var y = reshape(x, {3, -1});
  EXPECT_EQ(y.shape(), (Shape{3, 4}));
  EXPECT_EQ(y.value().raw(), x.value().raw());
  expect_gradients_match(
      [](const std::vector<Var>& v) {
        return tanh(reshape(v[0], {4, 3}));
      },
      {random_tensor({2, 6}, 58)});
  EXPECT_THROW(reshape(x, {5, -1}), ShapeError);
  EXPECT_THROW(reshape(x, {5, 2}), ShapeError);
}

TEST(Transpose, ValuesAndGradients) {
  const Tensor x = Tensor::from_values({2, 3}, std::vector<float>{1, 2, 3, 4, 5, 6});
  testing::expect_close(transpose(Var::constant(x), {1, 0}).value(), {1, 4, 2, 5, 3, 6});
  const Tensor t = random_tensor({2, 3, 4}, 59);
  const Tensor y = transpose(Var::constant(t), {2, 0, 1}).value();
  ASSERT_EQ(y.shape(), (Shape{4, 2, 3}));
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k) EXPECT_EQ(y.data()[k * 6 + i * 3 + j], t.data()[i * 12 + j * 4 + k]);
  expect_gradients_match([](const std::vector<Var>& v) { return transpose(v[0], {1, 2, 0}); }, {t});
  EXPECT_THROW(transpose(Var::constant(t), {0, 0, 1}), ShapeError);
}

}  // namespace
}  // namespace nmt::graph
