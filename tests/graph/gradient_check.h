// Gradient checking against central finite differences.
//
// For a function f of some inputs, the scalar L = sum(R * f(x)) with a fixed random R makes
// every output element matter with its own weight, so a wrong sign, a missing term or a
// transposed gradient shows up. dL/dx from backward() is compared with
// (L(x + e) - L(x - e)) / 2e element by element (all elements of small inputs, an even sample
// of larger ones).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "nmt/graph/ops.h"

namespace nmt::graph::testing {

Tensor random_tensor(const Shape& shape, std::uint64_t seed, float low = -1.0f, float high = 1.0f);

struct GradCheckOptions {
  float step = 1e-2f;  // the finite-difference step e
  double relative_tolerance = 1e-2;
  double absolute_tolerance = 1e-3;
  int max_elements_per_input = 96;
  std::vector<bool> check_input;  // empty: all inputs
};

using Function = std::function<Var(const std::vector<Var>&)>;

// Adds a GoogleTest failure for every element whose gradients disagree.
void expect_gradients_match(const Function& f, const std::vector<Tensor>& inputs, const GradCheckOptions& options = {});

// The same for a function of existing variables (a layer's parameters and inputs): `vars`
// are perturbed in place, and their gradients are cleared first.
void expect_gradients_match(const std::function<Var()>& f, const std::vector<Var>& vars,
                            const GradCheckOptions& options = {});

// Element-wise comparison of two tensors.
void expect_close(const Tensor& actual, const std::vector<float>& expected, float tolerance = 1e-5f);

}  // namespace nmt::graph::testing
