#include "nmt/graph/tensor.h"

#include <algorithm>
#include <cstring>

#include "nmt/graph/engine.h"
#include "nmt/graph/memory_pool.h"

namespace nmt::graph {

std::size_t element_size(DataType type) { return type == DataType::f32 ? 4 : 2; }

std::int64_t element_count(const Shape& shape) {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

std::string to_string(const Shape& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

Tensor Tensor::empty(Shape shape, DataType type) {
  for (auto d : shape)
    if (d < 0) throw ShapeError("tensor: negative dimension in shape " + to_string(shape));
  Tensor t;
  t.type_ = type;
  t.shape_ = std::move(shape);
  t.storage_ = allocate_buffer(t.bytes());
  return t;
}

Tensor Tensor::zeros(Shape shape) {
  Tensor t = empty(std::move(shape));
  std::memset(t.raw(), 0, t.bytes());
  return t;
}

Tensor Tensor::filled(Shape shape, float value) {
  Tensor t = empty(std::move(shape));
  t.fill(value);
  return t;
}

Tensor Tensor::from_values(Shape shape, std::span<const float> values) {
  if (element_count(shape) != static_cast<std::int64_t>(values.size()))
    throw ShapeError("tensor: " + std::to_string(values.size()) + " values for shape " + to_string(shape));
  Tensor t = empty(std::move(shape));
  std::copy(values.begin(), values.end(), t.data());
  return t;
}

std::int64_t Tensor::dim(int axis) const {
  const int r = rank();
  const int a = axis < 0 ? axis + r : axis;
  if (a < 0 || a >= r)
    throw ShapeError("tensor: axis " + std::to_string(axis) + " out of range for shape " + to_string(shape_));
  return shape_[a];
}

float* Tensor::data() {
  if (type_ != DataType::f32) throw std::logic_error("tensor: data() needs f32 storage");
  return static_cast<float*>(storage_.get());
}

const float* Tensor::data() const {
  if (type_ != DataType::f32) throw std::logic_error("tensor: data() needs f32 storage");
  return static_cast<const float*>(storage_.get());
}

std::vector<float> Tensor::to_vector() const {
  auto v = values();
  return {v.begin(), v.end()};
}

float Tensor::item() const {
  if (numel() != 1) throw ShapeError("tensor: item() of a tensor of shape " + to_string(shape_));
  return data()[0];
}

Tensor Tensor::reshaped(Shape shape) const {
  int inferred = -1;
  std::int64_t known = 1;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      if (inferred >= 0) throw ShapeError("reshape: more than one -1 in " + to_string(shape));
      inferred = static_cast<int>(i);
    } else {
      if (shape[i] < 0) throw ShapeError("reshape: negative dimension in " + to_string(shape));
      known *= shape[i];
    }
  }
  if (inferred >= 0) {
    if (known == 0 || numel() % known != 0)
      throw ShapeError("reshape: cannot reshape " + to_string(shape_) + " into " + to_string(shape));
    shape[inferred] = numel() / known;
  }
  if (element_count(shape) != numel())
    throw ShapeError("reshape: cannot reshape " + to_string(shape_) + " (" + std::to_string(numel()) +
                     " elements) into " + to_string(shape));
  Tensor t = *this;
  t.shape_ = std::move(shape);
  return t;
}

Tensor Tensor::clone() const {
  Tensor t = empty(shape_, type_);
  if (bytes()) std::memcpy(t.raw(), raw(), bytes());
  return t;
}

void Tensor::fill(float value) { std::fill_n(data(), numel(), value); }

void Tensor::copy_from(const Tensor& other) {
  if (other.shape_ != shape_ || other.type_ != type_)
    throw ShapeError("copy: shapes " + to_string(other.shape_) + " and " + to_string(shape_) + " differ");
  if (bytes()) std::memcpy(raw(), other.raw(), bytes());
}

dnnl::memory::data_type to_dnnl(DataType type) {
  return type == DataType::f32 ? dnnl::memory::data_type::f32 : dnnl::memory::data_type::bf16;
}

dnnl::memory::dims row_major_strides(const dnnl::memory::dims& dims) {
  dnnl::memory::dims strides(dims.size());
  dnnl::memory::dim s = 1;
  for (std::size_t i = dims.size(); i-- > 0;) {
    strides[i] = s;
    s *= std::max<dnnl::memory::dim>(dims[i], 1);
  }
  return strides;
}

dnnl::memory::desc plain_desc(const Shape& shape, DataType type) {
  dnnl::memory::dims dims(shape.begin(), shape.end());
  if (dims.empty()) dims = {1};
  return {dims, to_dnnl(type), row_major_strides(dims)};
}

dnnl::memory::desc Tensor::desc() const { return plain_desc(shape_, type_); }

dnnl::memory Tensor::memory() const { return memory(desc()); }

dnnl::memory Tensor::memory(const dnnl::memory::desc& md) const {
  return dnnl::memory(md, cpu_engine(), storage_.get());
}

}  // namespace nmt::graph
