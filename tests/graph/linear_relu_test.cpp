// linear_relu: the same values and gradients as relu(linear(...)), and gradients against finite
// differences (biases of +-3 keep every pre-activation away from ReLU's kink at 0, where a
// finite difference measures a jump, while both sides of it are exercised).
#include <gtest/gtest.h>

#include "gradient_check.h"
#include "nmt/graph/ops.h"

namespace nmt::graph {
namespace {

using testing::expect_gradients_match;
using testing::random_tensor;

Tensor kink_free_bias(std::int64_t out) {
  Tensor b = Tensor::empty({out});
  for (std::int64_t i = 0; i < out; ++i) b.data()[i] = i % 2 ? -3.0f : 3.0f;
  return b;
}

TEST(LinearRelu, EqualsReluOfLinear) {
  const Tensor x = random_tensor({2, 5, 6}, 21), w = random_tensor({7, 6}, 22), b = random_tensor({7}, 23);
  const Tensor seed = random_tensor({2, 5, 7}, 24);
  std::vector<Var> fused{Var::parameter(x.clone()), Var::parameter(w.clone()), Var::parameter(b.clone())};
  std::vector<Var> plain{Var::parameter(x.clone()), Var::parameter(w.clone()), Var::parameter(b.clone())};
  const Var y_fused = linear_relu(fused[0], fused[1], fused[2]);
  const Var y_plain = relu(linear(plain[0], plain[1], plain[2]));
  ASSERT_EQ(y_fused.shape(), (Shape{2, 5, 7}));
  int zeros = 0;
  for (std::int64_t i = 0; i < y_plain.value().numel(); ++i) zeros += y_plain.value().data()[i] == 0.0f;
  EXPECT_GT(zeros, 5) << "both sides of the ReLU must be exercised";
  testing::expect_close(y_fused.value(), y_plain.value().to_vector(), 1e-5f);
  backward(y_fused, seed);
  backward(y_plain, seed);
  for (int i = 0; i < 3; ++i) testing::expect_close(fused[i].grad(), plain[i].grad().to_vector(), 1e-5f);
}

TEST(LinearRelu, GradientsMatchFiniteDifferences) {
  expect_gradients_match([](const std::vector<Var>& v) { return linear_relu(v[0], v[1], v[2]); },
                         {random_tensor({3, 4, 5}, 25), random_tensor({6, 5}, 26, -0.3f, 0.3f), kink_free_bias(6)});
  // x and the weight used again elsewhere: the gradients accumulate.
  expect_gradients_match(
      [](const std::vector<Var>& v) { return add(linear_relu(v[0], v[1], v[2]), linear(v[0], v[1])); },
      {random_tensor({4, 3}, 27), random_tensor({2, 3}, 28, -0.3f, 0.3f), kink_free_bias(2)});
}

TEST(LinearRelu, ShapeMismatchNamesTheOp) {
  try {
    linear_relu(Var::constant(Tensor::zeros({3, 4})), Var::constant(Tensor::zeros({2, 5})));
    FAIL();
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("linear_relu"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace nmt::graph
