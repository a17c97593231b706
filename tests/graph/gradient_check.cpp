#include "gradient_check.h"

#include <algorithm>
#include <cmath>

namespace nmt::graph::testing {

Tensor random_tensor(const Shape& shape, std::uint64_t seed, float low, float high) {
  RandomGenerator gen(seed);
  Tensor t = Tensor::empty(shape);
  for (std::int64_t i = 0; i < t.numel(); ++i) t.data()[i] = low + (high - low) * gen.uniform();
  return t;
}

namespace {
double weighted_sum(const Tensor& y, const Tensor& weights) {
  double s = 0;
  for (std::int64_t i = 0; i < y.numel(); ++i) s += double(y.data()[i]) * weights.data()[i];
  return s;
}
}  // namespace

void expect_gradients_match(const Function& f, const std::vector<Tensor>& inputs, const GradCheckOptions& options) {
  std::vector<Var> vars;
  for (const auto& t : inputs) vars.push_back(Var::parameter(t.clone()));
  expect_gradients_match([&] { return f(vars); }, vars, options);
}

void expect_gradients_match(const std::function<Var()>& f, const std::vector<Var>& vars_in,
                            const GradCheckOptions& options) {
  std::vector<Var> vars = vars_in;
  for (auto& v : vars) v.zero_grad();
  const Var out = f();
  const Tensor weights = random_tensor(out.shape(), 12345, -1.0f, 1.0f);
  backward(out, weights);

  for (std::size_t i = 0; i < vars.size(); ++i) {
    if (!options.check_input.empty() && !options.check_input[i]) continue;
    const Tensor& value = vars[i].value();
    const Tensor analytic = vars[i].grad().defined() ? vars[i].grad().clone() : Tensor::zeros(value.shape());
    const std::int64_t n = value.numel();
    const std::int64_t count = std::min<std::int64_t>(n, options.max_elements_per_input);
    int failures = 0;
    for (std::int64_t k = 0; k < count; ++k) {
      const std::int64_t j = count == n ? k : k * n / count;
      const float original = value.data()[j];
      double plus, minus;
      {
        NoGradGuard no_grad;
        // Each change goes through mutable_value(), so caches of derived data see it.
        vars[i].mutable_value().data()[j] = original + options.step;
        plus = weighted_sum(f().value(), weights);
        vars[i].mutable_value().data()[j] = original - options.step;
        minus = weighted_sum(f().value(), weights);
        vars[i].mutable_value().data()[j] = original;
      }
      const double numeric = (plus - minus) / (2.0 * options.step);
      const double a = analytic.data()[j];
      const double tolerance =
          options.absolute_tolerance + options.relative_tolerance * std::max(std::abs(a), std::abs(numeric));
      if (std::abs(a - numeric) > tolerance && failures++ < 5)
        ADD_FAILURE() << "input " << i << " " << to_string(value.shape()) << " element " << j << ": backward gives "
                      << a << ", finite differences " << numeric;
    }
  }
}

void expect_close(const Tensor& actual, const std::vector<float>& expected, float tolerance) {
  ASSERT_EQ(actual.numel(), static_cast<std::int64_t>(expected.size()));
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_NEAR(actual.data()[i], expected[i], tolerance) << "element " << i;
}

}  // namespace nmt::graph::testing
