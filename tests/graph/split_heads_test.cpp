// split_heads: values against index arithmetic, gradients against finite differences (all parts
// used, some parts unused, and x also used elsewhere so the gradient accumulates).
#include <gtest/gtest.h>

#include "gradient_check.h"
#include "nmt/graph/ops.h"

namespace nmt::graph {
namespace {

using testing::random_tensor;

TEST(SplitHeads, PartsAndHeadsAreColumnBlocksOfEveryPosition) {
  const std::int64_t b = 2, t = 3, parts = 3, heads = 2, d = 4, width = parts * heads * d;
  const Tensor x = random_tensor({b, t, width}, 31);
  const std::vector<Var> out = split_heads(Var::constant(x), parts, heads);
  ASSERT_EQ(out.size(), 3u);
  for (std::int64_t p = 0; p < parts; ++p) {
    ASSERT_EQ(out[p].shape(), (Shape{b * heads, t, d}));
    for (std::int64_t r = 0; r < b; ++r)
      for (std::int64_t h = 0; h < heads; ++h)
        for (std::int64_t i = 0; i < t; ++i)
          for (std::int64_t j = 0; j < d; ++j)
            EXPECT_EQ(out[p].value().data()[((r * heads + h) * t + i) * d + j],
                      x.data()[(r * t + i) * width + (p * heads + h) * d + j]);
  }
  EXPECT_THROW(split_heads(Var::constant(x), 5, 2), ShapeError);  // 24 columns are not 5 x 2 blocks
  EXPECT_THROW(split_heads(Var::constant(Tensor::zeros({4, 6})), 1, 2), ShapeError);
}

TEST(SplitHeads, GradientsMatchFiniteDifferences) {
  const Tensor x = random_tensor({2, 3, 12}, 32);
  // Every part, each weighted differently.
  testing::expect_gradients_match(
      [](const std::vector<Var>& v) {
        const std::vector<Var> p = split_heads(v[0], 3, 2);
        return add(add(p[0], scale(p[1], 2.0f)), mul(p[2], p[2]));
      },
      {x});
  // Only the middle part: the other columns get zero gradient.
  testing::expect_gradients_match([](const std::vector<Var>& v) { return split_heads(v[0], 3, 2)[1]; }, {x});
  // x also feeds another op, so split_heads adds into an existing gradient.
  testing::expect_gradients_match(
      [](const std::vector<Var>& v) {
        const Var other = sum(mul(v[0], v[0]));
        return add(split_heads(v[0], 1, 4)[0], other);
      },
      {x});
}

}  // namespace
}  // namespace nmt::graph
