// The Transformer's sinusoidal positional encodings (section 3.5 of Vaswani et al. 2017), and
// their sum with embeddings scaled by sqrt(d_model) (section 3.4).
#include "nmt/layers/positional_encoding.h"

#include <gtest/gtest.h>

#include <cmath>

namespace nmt::layers {
namespace {

using graph::Tensor;
using graph::Var;

TEST(PositionalEncoding, MatchesTheSinusoidsOfSection3_5) {
  const Tensor pe = layers::sinusoidal_positions(3, 2, 6);  // positions 3 and 4
  ASSERT_EQ(pe.shape(), (graph::Shape{2, 6}));
  for (int p = 0; p < 2; ++p)
    for (int i = 0; i < 6; i += 2) {
      const double angle = (3 + p) / std::pow(10000.0, i / 6.0);
      EXPECT_NEAR(pe.data()[p * 6 + i], std::sin(angle), 1e-6);
      EXPECT_NEAR(pe.data()[p * 6 + i + 1], std::cos(angle), 1e-6);
    }
  // Embeddings are scaled by sqrt(d_model) before the encodings are added (section 3.4).
  const Var table = Var::constant(Tensor::from_values({2, 4}, std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8}));
  const std::vector<std::int32_t> ids{1, 0};
  const Var x = layers::embed_with_positions(table, ids, {1, 2}, 0);
  const Tensor positions = layers::sinusoidal_positions(0, 2, 4);
  for (int j = 0; j < 4; ++j) {
    EXPECT_NEAR(x.value().data()[j], 2 * (5 + j) + positions.data()[j], 1e-5);
    EXPECT_NEAR(x.value().data()[4 + j], 2 * (1 + j) + positions.data()[4 + j], 1e-5);
  }
}

}  // namespace
}  // namespace nmt::layers
