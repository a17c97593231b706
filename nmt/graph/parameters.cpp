#include "nmt/graph/parameters.h"

#include <algorithm>
#include <cmath>
#include <span>
#include <stdexcept>

namespace nmt::graph {

Var Parameters::add(const std::string& name, Tensor initial_value) {
  for (const auto& [n, v] : entries_)
    if (n == name) throw std::logic_error("parameters: '" + name + "' registered twice");
  Var v = Var::parameter(std::move(initial_value));
  entries_.emplace_back(name, v);
  return v;
}

const Var& Parameters::get(const std::string& name) const {
  for (const auto& [n, v] : entries_)
    if (n == name) return v;
  throw std::out_of_range("parameters: no parameter named '" + name + "'");
}

std::vector<Var> Parameters::vars() const {
  std::vector<Var> out;
  for (const auto& e : entries_) out.push_back(e.second);
  return out;
}

std::int64_t Parameters::element_count() const {
  std::int64_t n = 0;
  for (const auto& e : entries_) n += e.second.value().numel();
  return n;
}

void Parameters::zero_grads() {
  for (auto& e : entries_) e.second.zero_grad();
}

std::string Parameters::serialize() const {
  NamedTensors tensors;
  for (const auto& [name, v] : entries_) tensors.emplace_back(name, v.value());
  return encode_tensors(tensors);
}

void Parameters::deserialize(std::string_view bytes, const std::string& source) {
  NamedTensors tensors = decode_tensors(bytes, source);
  if (tensors.size() != entries_.size())
    throw FormatError(source + ": holds " + std::to_string(tensors.size()) + " parameters, the model has " +
                      std::to_string(entries_.size()));
  // Check everything before changing anything: a failed load leaves the model as it was.
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const auto& [name, t] = tensors[i];
    if (name != entries_[i].first)
      throw FormatError(source + ": parameter " + std::to_string(i) + " is '" + name + "', expected '" +
                        entries_[i].first + "'");
    if (t.shape() != entries_[i].second.shape() || t.type() != DataType::f32)
      throw FormatError(source + ": parameter '" + name + "' has shape " + to_string(t.shape()) + ", expected " +
                        to_string(entries_[i].second.shape()));
    // A checksum says the bytes are as written, not that the numbers are usable: a diverged
    // run's weights would translate every line to nothing.
    const std::span<const float> values = t.values();
    const auto bad = std::find_if(values.begin(), values.end(), [](float x) { return !std::isfinite(x); });
    if (bad != values.end())
      throw FormatError(source + ": parameter '" + name + "' holds " + (std::isnan(*bad) ? "NaN" : "infinity") +
                        " (element " + std::to_string(bad - values.begin()) + " of " + std::to_string(values.size()) +
                        "): the weights are unusable (did training diverge?)");
  }
  for (std::size_t i = 0; i < tensors.size(); ++i) entries_[i].second.mutable_value().copy_from(tensors[i].second);
}

Tensor uniform_tensor(const Shape& shape, float bound, RandomGenerator& generator) {
  Tensor t = Tensor::empty(shape);
  float* p = t.data();
  for (std::int64_t i = 0; i < t.numel(); ++i) p[i] = (2.0f * generator.uniform() - 1.0f) * bound;
  return t;
}

Tensor normal_tensor(const Shape& shape, float stddev, RandomGenerator& generator) {
  Tensor t = Tensor::empty(shape);
  float* p = t.data();
  for (std::int64_t i = 0; i < t.numel(); ++i) p[i] = generator.normal() * stddev;
  return t;
}

Tensor xavier_uniform(const Shape& shape, std::int64_t fan_in, std::int64_t fan_out, RandomGenerator& generator) {
  return uniform_tensor(shape, std::sqrt(6.0f / static_cast<float>(fan_in + fan_out)), generator);
}

}  // namespace nmt::graph
