// The tape: accumulation over several uses, no-grad mode, gradient release, seeds; the
// primitive cache and memory pool that the ops rely on.
#include <gtest/gtest.h>

#include "gradient_check.h"
#include "nmt/graph/memory_pool.h"
#include "nmt/graph/primitive_cache.h"

namespace nmt::graph {
namespace {

using testing::expect_gradients_match;
using testing::random_tensor;

TEST(Autodiff, ValueUsedManyTimesGetsTheSumOfItsGradients) {
  // y = x*x + x  ->  dy/dx = 2x + 1
  const Var x = Var::parameter(Tensor::from_values({3}, std::vector<float>{1, -2, 0.5f}));
  backward(sum(add(mul(x, x), x)));
  testing::expect_close(x.grad(), {3, -3, 2});
}

TEST(Autodiff, DiamondGraph) {
  expect_gradients_match(
      [](const std::vector<Var>& v) {
        const Var a = tanh(v[0]);
        const Var b = sigmoid(a), c = exp(scale(a, 0.5f));
        return mul(add(b, c), sub(c, v[1]));
      },
      {random_tensor({2, 3}, 101), random_tensor({3}, 102)});
}

TEST(Autodiff, GradientsAccumulateAcrossBackwardCallsUntilZeroed) {
  const Var x = Var::parameter(Tensor::from_values({2}, std::vector<float>{1, 2}));
  backward(sum(scale(x, 3.0f)));
  backward(sum(scale(x, 3.0f)));
  testing::expect_close(x.grad(), {6, 6});
  x.zero_grad();
  backward(sum(x));
  testing::expect_close(x.grad(), {1, 1});
}

TEST(Autodiff, NoGradRecordsNothing) {
  const Var x = Var::parameter(random_tensor({2, 2}, 103));
  NoGradGuard guard;
  const Var y = tanh(x);
  EXPECT_FALSE(y.requires_grad());
  backward(sum(y));
  EXPECT_FALSE(x.grad().defined());
}

TEST(Autodiff, ConstantsGetNoGradient) {
  const Var c = Var::constant(random_tensor({2}, 104));
  const Var p = Var::parameter(random_tensor({2}, 105));
  backward(sum(mul(c, p)));
  EXPECT_FALSE(c.grad().defined());
  testing::expect_close(p.grad(), c.value().to_vector());
}

TEST(Autodiff, SeedMustMatchOutputShape) {
  const Var p = Var::parameter(random_tensor({2, 2}, 106));
  EXPECT_THROW(backward(tanh(p)), ShapeError);  // not a scalar, no seed
  EXPECT_THROW(backward(tanh(p), Tensor::zeros({3})), ShapeError);
}

TEST(Autodiff, IntermediateGradientsAreReleased) {
  const Var p = Var::parameter(random_tensor({2}, 107));
  const Var hidden = tanh(p);
  backward(sum(hidden));
  EXPECT_FALSE(hidden.grad().defined());
  EXPECT_TRUE(p.grad().defined());
}

TEST(PrimitiveCache, SameShapesReuseThePrimitive) {
  const Var a = Var::constant(random_tensor({3, 8}, 108)), b = Var::constant(random_tensor({8, 5}, 109));
  matmul(a, b);
  const std::size_t size = primitive_cache().size(), misses = primitive_cache().misses();
  for (int i = 0; i < 5; ++i) matmul(a, b);
  EXPECT_EQ(primitive_cache().size(), size);
  EXPECT_EQ(primitive_cache().misses(), misses);
  matmul(a, Var::constant(random_tensor({8, 6}, 110)));
  EXPECT_EQ(primitive_cache().size(), size + 1);
}

#ifndef NMT_NO_MEMORY_POOL
TEST(MemoryPool, SteadyStateStepsAllocateNothing) {
  const auto step = [] {
    const Var x = Var::parameter(random_tensor({16, 32}, 111));
    const Var w = Var::parameter(random_tensor({24, 32}, 112));
    backward(sum(tanh(linear(x, w))));
  };
  step();
  step();
  const auto before = memory_pool_stats().system_allocations;
  for (int i = 0; i < 3; ++i) step();
  EXPECT_EQ(memory_pool_stats().system_allocations, before);
}
#endif

}  // namespace
}  // namespace nmt::graph
