#include "nmt/train/optimizer.h"

#include <cmath>
#include <stdexcept>

#include "nmt/graph/kernels.h"

namespace nmt::train {

using graph::Tensor;

Adam::Adam(std::vector<Var> parameters, AdamOptions options) : parameters_(std::move(parameters)), options_(options) {
  for (const auto& p : parameters_) {
    first_moment_.push_back(Tensor::zeros(p.shape()));
    second_moment_.push_back(Tensor::zeros(p.shape()));
  }
}

void Adam::step() {
  ++steps_;
  const float b1 = options_.beta1, b2 = options_.beta2, eps = options_.epsilon;
  const double t = static_cast<double>(steps_);
  // Bias corrections folded into the step size (Kingma & Ba, end of section 2).
  const float correction1 = static_cast<float>(1.0 - std::pow(b1, t));
  const float correction2 = static_cast<float>(1.0 - std::pow(b2, t));
  const float lr = options_.learning_rate;
  const float decay = lr * options_.weight_decay;
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    const Tensor& grad = parameters_[i].grad();
    if (!grad.defined()) continue;
    Tensor& value = parameters_[i].mutable_value();
    float* w = value.data();
    const float* g = grad.data();
    float* m = first_moment_[i].data();
    float* v = second_moment_[i].data();
    const std::int64_t n = value.numel();
    // One fused pass over the four arrays; oneDNN has no optimizer primitive, and chaining its
    // element-wise kernels would read and write every array six times.
#pragma omp parallel for simd if (n > 65536)
    for (std::int64_t j = 0; j < n; ++j) {
      m[j] = b1 * m[j] + (1.0f - b1) * g[j];
      v[j] = b2 * v[j] + (1.0f - b2) * g[j] * g[j];
      const float m_hat = m[j] / correction1;
      const float v_hat = v[j] / correction2;
      w[j] -= lr * m_hat / (std::sqrt(v_hat) + eps) + decay * w[j];
    }
  }
}

graph::NamedTensors Adam::state() const {
  graph::NamedTensors out;
  out.emplace_back("adam.steps", Tensor::scalar(static_cast<float>(steps_)));
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    out.emplace_back("adam.m." + std::to_string(i), first_moment_[i]);
    out.emplace_back("adam.v." + std::to_string(i), second_moment_[i]);
  }
  return out;
}

void Adam::load_state(const graph::NamedTensors& state, const std::string& source) {
  if (state.size() != 1 + 2 * parameters_.size() || state[0].first != "adam.steps")
    throw graph::FormatError(source + ": optimizer state for " + std::to_string((state.size() - 1) / 2) +
                             " parameters, the model has " + std::to_string(parameters_.size()));
  // f32 scalars and moments only (a bf16 tensor in a checkpoint no trainer wrote made
  // item() and copy_from() throw other errors: found by model_fuzz).
  for (const auto& [name, tensor] : state)
    if (tensor.type() != graph::DataType::f32)
      throw graph::FormatError(source + ": optimizer state '" + name + "' is not f32");
  if (state[0].second.numel() != 1)
    throw graph::FormatError(source + ": optimizer state 'adam.steps' has shape " +
                             graph::to_string(state[0].second.shape()) + ", not one number");
  for (std::size_t i = 0; i < parameters_.size(); ++i)
    for (int k = 0; k < 2; ++k)
      if (state[1 + 2 * i + k].second.shape() != parameters_[i].shape())
        throw graph::FormatError(source + ": optimizer state '" + state[1 + 2 * i + k].first + "' has shape " +
                                 graph::to_string(state[1 + 2 * i + k].second.shape()) + ", the parameter has " +
                                 graph::to_string(parameters_[i].shape()));
  steps_ = static_cast<std::int64_t>(state[0].second.item());
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    first_moment_[i].copy_from(state[1 + 2 * i].second);
    second_moment_[i].copy_from(state[2 + 2 * i].second);
  }
}

double global_grad_norm(std::span<const Var> parameters) {
  double squares = 0.0;
  for (const auto& p : parameters)
    if (p.grad().defined()) squares += graph::sum_of_squares(p.grad());
  return std::sqrt(squares);
}

double clip_grad_norm(std::span<const Var> parameters, double max_norm) {
  const double norm = global_grad_norm(parameters);
  clip_grad_norm(parameters, max_norm, norm);
  return norm;
}

void clip_grad_norm(std::span<const Var> parameters, double max_norm, double norm) {
  if (norm > max_norm && norm > 0) {
    const float factor = static_cast<float>(max_norm / norm);
    for (const auto& p : parameters)
      if (p.grad().defined()) graph::scale_in_place(const_cast<Tensor&>(p.grad()), factor);
  }
}

}  // namespace nmt::train
