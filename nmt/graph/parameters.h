// A model's named parameters, their initialisation and their (de)serialisation.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "nmt/graph/random.h"
#include "nmt/graph/tensor_io.h"
#include "nmt/graph/var.h"

namespace nmt::graph {

class Parameters {
 public:
  // Registers a trainable parameter; names are unique ("encoder.lstm.0.weights_input").
  Var add(const std::string& name, Tensor initial_value);
  const Var& get(const std::string& name) const;
  const std::vector<std::pair<std::string, Var>>& entries() const { return entries_; }
  std::vector<Var> vars() const;
  std::int64_t element_count() const;
  void zero_grads();

  // The values as named tensors (tensor_io format); load checks that names and shapes match
  // and that every value is finite (FormatError naming the parameter for a NaN or infinity).
  std::string serialize() const;
  void deserialize(std::string_view bytes, const std::string& source);

 private:
  std::vector<std::pair<std::string, Var>> entries_;
};

// Initial values.
Tensor uniform_tensor(const Shape& shape, float bound, RandomGenerator& generator);  // U(-b, b)
Tensor normal_tensor(const Shape& shape, float stddev, RandomGenerator& generator);
// Glorot & Bengio (2010): U(-sqrt(6/(fan_in+fan_out)), +...).
Tensor xavier_uniform(const Shape& shape, std::int64_t fan_in, std::int64_t fan_out, RandomGenerator& generator);

}  // namespace nmt::graph
