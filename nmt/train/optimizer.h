// Optimizers and gradient clipping.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "nmt/graph/tensor_io.h"
#include "nmt/graph/var.h"

namespace nmt::train {

using graph::Var;

struct AdamOptions {
  float learning_rate = 1e-3f;
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float epsilon = 1e-8f;
  // Decoupled weight decay (Loshchilov & Hutter 2019, "AdamW"): w -= lr * decay * w.
  float weight_decay = 0.0f;
};

// Adam (Kingma & Ba 2015, Algorithm 1) with bias-corrected moments.
class Adam {
 public:
  Adam(std::vector<Var> parameters, AdamOptions options);
  // One update from the parameters' current gradients (parameters without one are skipped).
  void step();
  void set_learning_rate(float lr) { options_.learning_rate = lr; }
  float learning_rate() const { return options_.learning_rate; }
  std::int64_t step_count() const { return steps_; }

  // Moments and step count, for exact resumption.
  graph::NamedTensors state() const;
  void load_state(const graph::NamedTensors& state, const std::string& source);

 private:
  std::vector<Var> parameters_;
  std::vector<graph::Tensor> first_moment_, second_moment_;
  AdamOptions options_;
  std::int64_t steps_ = 0;
};

// The L2 norm of all gradients together.
double global_grad_norm(std::span<const Var> parameters);
// Scales all gradients so that their global norm is at most max_norm (Pascanu et al. 2013);
// returns the norm before clipping.
double clip_grad_norm(std::span<const Var> parameters, double max_norm);
// The same, given their norm (the processes of a data-parallel run clip by process 0's, so that
// machines whose instruction sets round the norm differently still make the same update).
void clip_grad_norm(std::span<const Var> parameters, double max_norm, double norm);

}  // namespace nmt::train
