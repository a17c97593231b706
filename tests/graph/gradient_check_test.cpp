// The gradient checker itself: every gradient spec of the project rests on it, so it must
// report a backward that is wrong (off by a factor, blind to an input, wrong for one input of
// several) and accept the correct backward of the same function. Without the second half a
// checker that always failed would pass the first; without the first, one that never failed
// would pass every gradient spec.
//
// The functions are custom ops built with Var::make_result, as every op of the library is, so
// that their backward can be written wrong on purpose.
#include "gradient_check.h"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

namespace nmt::graph {
namespace {

using testing::expect_gradients_match;
using testing::random_tensor;

// y = x^3 element-wise, with a backward that gives dy/dx = derivative_factor * x^2: a factor of
// 3 is the true derivative, any other is the kind of slip (a factor of a chain-rule term
// dropped or doubled) that a gradient check exists to catch.
Var cube(const Var& x, float derivative_factor) {
  const float* v = x.value().data();
  Tensor y = Tensor::empty(x.shape());
  for (std::int64_t i = 0; i < y.numel(); ++i) y.data()[i] = v[i] * v[i] * v[i];
  return Var::make_result("cube", y, {x}, [x, derivative_factor](const Tensor& dy) {
    const float* v = x.value().data();
    Tensor dx = Tensor::empty(x.shape());
    for (std::int64_t i = 0; i < dx.numel(); ++i) dx.data()[i] = derivative_factor * v[i] * v[i] * dy.data()[i];
    x.accumulate_grad(dx);
  });
}

enum class ProductBackward { correct, wrong_for_b, forgets_b };

// y = a * b element-wise (a and b of one shape); dy/da = b is always right, dy/db = a is right,
// doubled, or never propagated.
Var product(const Var& a, const Var& b, ProductBackward kind) {
  Tensor y = Tensor::empty(a.shape());
  for (std::int64_t i = 0; i < y.numel(); ++i) y.data()[i] = a.value().data()[i] * b.value().data()[i];
  return Var::make_result("product", y, {a, b}, [a, b, kind](const Tensor& dy) {
    Tensor da = Tensor::empty(a.shape()), db = Tensor::empty(b.shape());
    for (std::int64_t i = 0; i < dy.numel(); ++i) {
      da.data()[i] = b.value().data()[i] * dy.data()[i];
      db.data()[i] = (kind == ProductBackward::wrong_for_b ? 2.0f : 1.0f) * a.value().data()[i] * dy.data()[i];
    }
    a.accumulate_grad(da);
    if (kind != ProductBackward::forgets_b) b.accumulate_grad(db);
  });
}

// One element per input: the checker reports at most one failure per element, and
// EXPECT_NONFATAL_FAILURE demands exactly one failure.
const Tensor& single_x() {
  static const Tensor x = Tensor::from_values({1}, std::vector<float>{0.8f});
  return x;
}
std::vector<Tensor> single_a_and_b() {
  return {Tensor::from_values({1}, std::vector<float>{0.6f}), Tensor::from_values({1}, std::vector<float>{-0.9f})};
}

TEST(GradientCheck, AcceptsTheCorrectBackwardOfACustomOp) {
  const auto correct_cube = [](const std::vector<Var>& v) { return cube(v[0], 3.0f); };
  expect_gradients_match(correct_cube, {single_x()});
  expect_gradients_match(correct_cube, {random_tensor({2, 3}, 701)});
  const auto correct_product = [](const std::vector<Var>& v) { return product(v[0], v[1], ProductBackward::correct); };
  expect_gradients_match(correct_product, single_a_and_b());
  expect_gradients_match(correct_product, {random_tensor({2, 3}, 702), random_tensor({2, 3}, 703)});
}

TEST(GradientCheck, ReportsABackwardThatIsOffByAFactor) {
  // 2x^2 instead of 3x^2: at x = 0.8 the two differ by a third, far beyond the tolerances.
  const auto wrong_cube = [](const std::vector<Var>& v) { return cube(v[0], 2.0f); };
  EXPECT_NONFATAL_FAILURE(expect_gradients_match(wrong_cube, {single_x()}), "input 0 [1] element 0: backward gives");
}

TEST(GradientCheck, ReportsTheInputWhoseGradientIsWrong) {
  // The gradient of a is right, so the one failure must name input 1, and only it.
  const auto wrong_for_b = [](const std::vector<Var>& v) { return product(v[0], v[1], ProductBackward::wrong_for_b); };
  EXPECT_NONFATAL_FAILURE(expect_gradients_match(wrong_for_b, single_a_and_b()), "input 1 [1] element 0");
}

TEST(GradientCheck, ReportsAnInputThatReceivesNoGradient) {
  // A backward that never reaches an input leaves its gradient undefined; the checker must read
  // that as zero, which finite differences contradict, and not skip the input.
  const auto forgets_b = [](const std::vector<Var>& v) { return product(v[0], v[1], ProductBackward::forgets_b); };
  EXPECT_NONFATAL_FAILURE(expect_gradients_match(forgets_b, single_a_and_b()),
                          "input 1 [1] element 0: backward gives 0,");
}

}  // namespace
}  // namespace nmt::graph
