// add / sub / mul with broadcasting, tanh, sigmoid, relu, exp, scale.
#include <gtest/gtest.h>

#include <cmath>

#include "gradient_check.h"

namespace nmt::graph {
namespace {

using testing::expect_gradients_match;
using testing::random_tensor;

struct BroadcastCase {
  Shape a, b;
};
class BinaryTest : public ::testing::TestWithParam<BroadcastCase> {};

TEST_P(BinaryTest, AddSubMulGradients) {
  const auto& c = GetParam();
  const Tensor a = random_tensor(c.a, 21), b = random_tensor(c.b, 22);
  expect_gradients_match([](const std::vector<Var>& v) { return add(v[0], v[1]); }, {a, b});
  expect_gradients_match([](const std::vector<Var>& v) { return sub(v[0], v[1]); }, {a, b});
  expect_gradients_match([](const std::vector<Var>& v) { return mul(v[0], v[1]); }, {a, b});
}

INSTANTIATE_TEST_SUITE_P(Shapes, BinaryTest,
                         ::testing::Values(BroadcastCase{{3, 4}, {3, 4}}, BroadcastCase{{3, 4}, {4}},
                                           BroadcastCase{{3, 4}, {3, 1}}, BroadcastCase{{1, 4}, {3, 4}},
                                           BroadcastCase{{3, 1}, {1, 5}}, BroadcastCase{{2, 3, 5}, {3, 1}},
                                           BroadcastCase{{1}, {1}}),
                         [](const ::testing::TestParamInfo<BroadcastCase>& info) {
                           std::string name = "a";
                           for (auto d : info.param.a) name.append("_").append(std::to_string(d));
                           name += "_b";
                           for (auto d : info.param.b) name.append("_").append(std::to_string(d));
                           return name;
                         });

TEST(Binary, ValuesBroadcastLikeNumpy) {
  const Tensor a = Tensor::from_values({2, 1}, std::vector<float>{1, 2});
  const Tensor b = Tensor::from_values({3}, std::vector<float>{10, 20, 30});
  testing::expect_close(add(Var::constant(a), Var::constant(b)).value(), {11, 21, 31, 12, 22, 32});
  testing::expect_close(sub(Var::constant(a), Var::constant(b)).value(), {-9, -19, -29, -8, -18, -28});
  testing::expect_close(mul(Var::constant(b), Var::constant(a)).value(), {10, 20, 30, 20, 40, 60});
}

TEST(Binary, IncompatibleShapesNameTheOperation) {
  try {
    add(Var::constant(Tensor::zeros({3, 4})), Var::constant(Tensor::zeros({5})));
    FAIL();
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("add: shapes [3,4] and [5]"), std::string::npos) << e.what();
  }
}

TEST(Eltwise, ValuesMatchLibm) {
  const Tensor x = random_tensor({7}, 23, -2, 2);
  const auto check = [&](Var (*op)(const Var&), double (*ref)(double)) {
    const Tensor y = op(Var::constant(x)).value();
    for (int i = 0; i < 7; ++i) EXPECT_NEAR(y.data()[i], ref(x.data()[i]), 2e-6 * (1 + std::abs(ref(x.data()[i]))));
  };
  check(tanh, [](double v) { return std::tanh(v); });
  check(sigmoid, [](double v) { return 1 / (1 + std::exp(-v)); });
  check(relu, [](double v) { return v > 0 ? v : 0; });
  check(exp, [](double v) { return std::exp(v); });
  testing::expect_close(scale(Var::constant(x), 2.0f, 1.0f).value(), [&] {
    std::vector<float> e;
    for (float v : x.values()) e.push_back(2 * v + 1);
    return e;
  }());
}

TEST(Eltwise, Gradients) {
  const Tensor x = random_tensor({3, 5}, 24, -2, 2);
  expect_gradients_match([](const std::vector<Var>& v) { return tanh(v[0]); }, {x});
  expect_gradients_match([](const std::vector<Var>& v) { return sigmoid(v[0]); }, {x});
  expect_gradients_match([](const std::vector<Var>& v) { return exp(v[0]); }, {x});
  expect_gradients_match([](const std::vector<Var>& v) { return scale(v[0], -3.0f, 0.5f); }, {x});
  // relu: keep inputs away from the kink at 0, where finite differences are not a derivative.
  Tensor away = x.clone();
  for (std::int64_t i = 0; i < away.numel(); ++i) away.data()[i] += away.data()[i] >= 0 ? 0.1f : -0.1f;
  expect_gradients_match([](const std::vector<Var>& v) { return relu(v[0]); }, {away});
}

}  // namespace
}  // namespace nmt::graph
