// matmul and linear: values against plain loops, gradients against finite differences.
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>

#include "gradient_check.h"
#include "nmt/graph/primitive_cache.h"

namespace nmt::graph {
namespace {

using testing::expect_gradients_match;
using testing::random_tensor;

// C[b] = op(A[b]) op(B[b]) computed with loops, for stored A and B.
std::vector<float> reference_matmul(const Tensor& a, bool ta, const Tensor& b, bool tb) {
  const int r = a.rank();
  const std::int64_t batch = r == 3 ? a.dim(0) : 1;
  const std::int64_t m = ta ? a.dim(-1) : a.dim(-2), k = ta ? a.dim(-2) : a.dim(-1);
  const std::int64_t n = tb ? b.dim(-2) : b.dim(-1);
  std::vector<float> c(batch * m * n, 0.0f);
  for (std::int64_t s = 0; s < batch; ++s)
    for (std::int64_t i = 0; i < m; ++i)
      for (std::int64_t j = 0; j < n; ++j) {
        double acc = 0;
        for (std::int64_t q = 0; q < k; ++q) {
          const float av = ta ? a.data()[s * m * k + q * m + i] : a.data()[s * m * k + i * k + q];
          const float bv = tb ? b.data()[s * k * n + j * k + q] : b.data()[s * k * n + q * n + j];
          acc += double(av) * bv;
        }
        c[s * m * n + i * n + j] = static_cast<float>(acc);
      }
  return c;
}

struct MatmulCase {
  Shape a, b;
  bool ta, tb;
};

class MatmulTest : public ::testing::TestWithParam<MatmulCase> {};

TEST_P(MatmulTest, MatchesLoopsAndFiniteDifferences) {
  const auto& c = GetParam();
  const Tensor a = random_tensor(c.a, 1), b = random_tensor(c.b, 2);
  const Var y = matmul(Var::constant(a), Var::constant(b), c.ta, c.tb);
  testing::expect_close(y.value(), reference_matmul(a, c.ta, b, c.tb), 1e-4f);
  expect_gradients_match([&](const std::vector<Var>& v) { return matmul(v[0], v[1], c.ta, c.tb); }, {a, b});
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, MatmulTest,
    ::testing::Values(MatmulCase{{3, 4}, {4, 5}, false, false}, MatmulCase{{4, 3}, {4, 5}, true, false},
                      MatmulCase{{3, 4}, {5, 4}, false, true}, MatmulCase{{4, 3}, {5, 4}, true, true},
                      MatmulCase{{1, 7}, {7, 1}, false, false},  // batch 1, odd sizes
                      MatmulCase{{2, 3, 5}, {2, 5, 4}, false, false}, MatmulCase{{2, 5, 3}, {2, 4, 5}, true, true},
                      MatmulCase{{1, 3, 5}, {1, 3, 4}, true, false}),
    [](const ::testing::TestParamInfo<MatmulCase>& info) {
      std::string name;
      for (auto d : info.param.a) name += std::to_string(d) + "x";
      name += info.param.ta ? "T_" : "_";
      for (auto d : info.param.b) name += std::to_string(d) + "x";
      return name + (info.param.tb ? "T" : "");
    });

TEST(Matmul, BatchTimesSharedMatrixIsOneProduct) {
  const Tensor a = random_tensor({2, 3, 5}, 3), b = random_tensor({5, 4}, 4);
  const Var y = matmul(Var::constant(a), Var::constant(b));
  EXPECT_EQ(y.shape(), (Shape{2, 3, 4}));
  testing::expect_close(y.value(), reference_matmul(a.reshaped({6, 5}), false, b, false), 1e-4f);
  expect_gradients_match([](const std::vector<Var>& v) { return matmul(v[0], v[1], false, true); },
                         {a, random_tensor({4, 5}, 5)});
}

TEST(Matmul, ShapeMismatchNamesOperationAndShapes) {
  const Var a = Var::constant(Tensor::zeros({2, 3})), b = Var::constant(Tensor::zeros({4, 5}));
  try {
    matmul(a, b);
    FAIL() << "no exception";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("matmul"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("[2,3]"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("[4,5]"), std::string::npos);
  }
  EXPECT_THROW(matmul(Var::constant(Tensor::zeros({2, 3, 4})), Var::constant(Tensor::zeros({3, 4, 2}))), ShapeError);
  EXPECT_THROW(matmul(Var::constant(Tensor::zeros({3})), b), ShapeError);
}

TEST(Linear, MatchesLoops) {
  const Tensor x = random_tensor({3, 4}, 6), w = random_tensor({2, 4}, 7), b = random_tensor({2}, 8);
  const Var y = linear(Var::constant(x), Var::constant(w), Var::constant(b));
  std::vector<float> expected(6);
  for (int i = 0; i < 3; ++i)
    for (int o = 0; o < 2; ++o) {
      double acc = b.data()[o];
      for (int k = 0; k < 4; ++k) acc += double(x.data()[i * 4 + k]) * w.data()[o * 4 + k];
      expected[i * 2 + o] = static_cast<float>(acc);
    }
  testing::expect_close(y.value(), expected, 1e-5f);
}

TEST(Linear, GradientsWithBiasAnd3DInput) {
  expect_gradients_match([](const std::vector<Var>& v) { return linear(v[0], v[1], v[2]); },
                         {random_tensor({2, 3, 5}, 9), random_tensor({7, 5}, 10), random_tensor({7}, 11)});
}

TEST(Linear, GradientsWithoutBiasBatchOne) {
  expect_gradients_match([](const std::vector<Var>& v) { return linear(v[0], v[1]); },
                         {random_tensor({1, 3}, 12), random_tensor({1, 3}, 13)});
}

TEST(Linear, WeightUsedTwiceAccumulatesBothGradients) {
  expect_gradients_match([](const std::vector<Var>& v) { return add(linear(v[0], v[1]), linear(tanh(v[0]), v[1])); },
                         {random_tensor({3, 4}, 14), random_tensor({2, 4}, 15)});
}

// Batch shapes vary from step to step: a product whose rows are tokens (a 2-D, not transposed)
// takes its row count at run time from 1,024 rows on (a training batch's tokens), so one
// primitive serves every such row count (issue 15), and each still computes its own rows.
TEST(Linear, OnePrimitiveServesEveryRowCount) {
  const NoGradGuard no_grad;
  const Tensor w = random_tensor({6, 5}, 16), b = random_tensor({6}, 17), w2 = random_tensor({5, 3}, 18);
  const auto run = [&](std::int64_t rows) {
    const Tensor x = random_tensor({rows, 5}, 19 + static_cast<std::uint64_t>(rows));
    const Var y = linear_relu(Var::constant(x), Var::constant(w), Var::constant(b));
    const Var z = matmul(Var::constant(x), Var::constant(w2));
    std::vector<float> expected_y(rows * 6);
    for (std::int64_t i = 0; i < rows; ++i)
      for (int o = 0; o < 6; ++o) {
        double acc = b.data()[o];
        for (int k = 0; k < 5; ++k) acc += double(x.data()[i * 5 + k]) * w.data()[o * 5 + k];
        expected_y[i * 6 + o] = std::max(0.0f, static_cast<float>(acc));
      }
    testing::expect_close(y.value(), expected_y, 1e-5f);
    testing::expect_close(z.value(), reference_matmul(x, false, w2, false), 1e-5f);
  };
  run(1024);  // creates the two primitives
  const std::size_t misses = primitive_cache().misses();
  for (std::int64_t rows : {1025, 1632, 2000, 1024}) run(rows);
  EXPECT_EQ(primitive_cache().misses(), misses);
}

// The same for training: from 1,024 tokens on, the weight gradient dW = dY^T X and the bias
// gradient (sums over the tokens) take the token count at run time, so a new batch shape
// creates no new primitive for them; the gradients equal the sums written out.
TEST(Linear, GradientsOfEveryTokenCountShareOnePrimitive) {
  const Tensor w = random_tensor({6, 5}, 40), b = random_tensor({6}, 41);
  const auto run = [&](std::int64_t rows) {
    const Tensor x = random_tensor({rows, 5}, 42 + static_cast<std::uint64_t>(rows));
    const Tensor dy = random_tensor({rows, 6}, 43 + static_cast<std::uint64_t>(rows));
    const Var weight = Var::parameter(w), bias = Var::parameter(b);
    backward(linear(Var::constant(x), weight, bias), dy);
    std::vector<float> expected_dw(6 * 5), expected_db(6);
    for (int o = 0; o < 6; ++o) {
      double db = 0;
      for (std::int64_t i = 0; i < rows; ++i) db += dy.data()[i * 6 + o];
      expected_db[o] = static_cast<float>(db);
      for (int k = 0; k < 5; ++k) {
        double dw = 0;
        for (std::int64_t i = 0; i < rows; ++i) dw += double(dy.data()[i * 6 + o]) * x.data()[i * 5 + k];
        expected_dw[o * 5 + k] = static_cast<float>(dw);
      }
    }
    testing::expect_close(weight.grad(), expected_dw, 1e-3f);
    testing::expect_close(bias.grad(), expected_db, 1e-3f);
  };
  run(1024);  // creates the primitives
  const std::size_t misses = primitive_cache().misses();
  for (std::int64_t rows : {1025, 1632, 2000, 1024}) run(rows);
  EXPECT_EQ(primitive_cache().misses(), misses);
}

// Without gradients (decoding) a linear layer reads its weights from a copy packed in the
// kernel's layout; the copy must follow every change of the weights, and be made anew after
// release_packed_weights(). Shapes of a decoder step, so that the kernel does ask for packing.
TEST(Linear, WithoutGradientsPackedWeightsFollowTheirUpdates) {
  const Tensor x = random_tensor({5, 256}, 30), b = random_tensor({1024}, 31);
  Var w = Var::constant(random_tensor({1024, 256}, 32));
  const auto loops = [&] {
    std::vector<float> expected(5 * 1024);
    for (int i = 0; i < 5; ++i)
      for (int o = 0; o < 1024; ++o) {
        double acc = b.data()[o];
        for (int k = 0; k < 256; ++k) acc += double(x.data()[i * 256 + k]) * w.value().data()[o * 256 + k];
        expected[i * 1024 + o] = static_cast<float>(acc);
      }
    return expected;
  };
  const NoGradGuard no_grad;
  testing::expect_close(linear(Var::constant(x), w, Var::constant(b)).value(), loops(), 1e-4f);
  float* values = w.mutable_value().data();  // an update: the version moves on
  for (int i = 0; i < 1024 * 256; i += 3) values[i] = -values[i];
  testing::expect_close(linear(Var::constant(x), w, Var::constant(b)).value(), loops(), 1e-4f);
  release_packed_weights();
  values[7] = 2.5f;
  testing::expect_close(linear(Var::constant(x), w, Var::constant(b)).value(), loops(), 1e-4f);
}

// Threads decoding side by side (decode/translator.cpp) read one packed copy of each weight
// matrix: a copy one thread made serves the others.
TEST(Linear, ThreadsShareOnePackedCopyOfTheWeights) {
  release_packed_weights();
  const Tensor x = random_tensor({5, 256}, 33);
  const Var w = Var::constant(random_tensor({1024, 256}, 34));
  std::vector<Tensor> outputs(2);
  std::vector<std::size_t> copies;  // seen by the main thread after each thread's product
  for (const int thread : {1, 0}) {
    int team = 0;
#pragma omp parallel num_threads(2)
    {
      omp_set_num_threads(1);  // as decoding's threads do: each runs oneDNN on itself alone
      const NoGradGuard no_grad;
      if (omp_get_thread_num() == thread) {
        team = omp_get_num_threads();
        outputs[static_cast<std::size_t>(thread)] = linear(Var::constant(x), w).value();
      }
    }
    ASSERT_EQ(team, 2);
    copies.push_back(packed_weight_copies());
  }
  EXPECT_EQ(copies, (std::vector<std::size_t>{1, 1}));  // made by thread 1, used by thread 0
  EXPECT_TRUE(std::equal(outputs[0].data(), outputs[0].data() + outputs[0].numel(), outputs[1].data()));
  release_packed_weights();
  EXPECT_EQ(packed_weight_copies(), 0u);
}

TEST(Linear, ShapeMismatch) {
  EXPECT_THROW(linear(Var::constant(Tensor::zeros({3, 4})), Var::constant(Tensor::zeros({2, 5}))), ShapeError);
  EXPECT_THROW(linear(Var::constant(Tensor::zeros({3, 4})), Var::constant(Tensor::zeros({2, 4})),
                      Var::constant(Tensor::zeros({3}))),
               ShapeError);
}

}  // namespace
}  // namespace nmt::graph
