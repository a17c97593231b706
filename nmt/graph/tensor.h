// A dense, contiguous, row-major tensor: a shape, an element type and pooled storage.
//
// Copies share storage (like a shared_ptr); `clone()` copies the data. Views that keep the
// element order (reshape) share storage too; every other layout change materialises a new
// tensor through a oneDNN reorder, so every kernel sees plain row-major memory.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <oneapi/dnnl/dnnl.hpp>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace nmt::graph {

using Shape = std::vector<std::int64_t>;

// f32 is what ops compute in and return; bf16 holds the rounded operands of bf16 products
// (precision.h). data() and values() read f32 tensors only.
enum class DataType : std::uint8_t { f32 = 0, bf16 = 1 };

std::size_t element_size(DataType type);
std::int64_t element_count(const Shape& shape);
std::string to_string(const Shape& shape);

// Thrown for every shape or argument mismatch; the message names the operation and shapes.
class ShapeError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class Tensor {
 public:
  Tensor() = default;

  static Tensor empty(Shape shape, DataType type = DataType::f32);  // uninitialised
  static Tensor zeros(Shape shape);
  static Tensor filled(Shape shape, float value);
  static Tensor from_values(Shape shape, std::span<const float> values);
  static Tensor scalar(float value) { return filled({}, value); }

  bool defined() const { return storage_ != nullptr; }
  const Shape& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  std::int64_t dim(int axis) const;  // negative axes count from the end
  std::int64_t numel() const { return element_count(shape_); }
  DataType type() const { return type_; }
  std::size_t bytes() const { return static_cast<std::size_t>(numel()) * element_size(type_); }

  float* data();
  const float* data() const;
  void* raw() const { return storage_.get(); }
  std::span<const float> values() const { return {data(), static_cast<std::size_t>(numel())}; }
  std::vector<float> to_vector() const;
  float item() const;  // the single value of a one-element tensor

  Tensor reshaped(Shape shape) const;  // same storage; one dimension may be -1
  Tensor clone() const;
  void fill(float value);
  void copy_from(const Tensor& other);  // same shape required

  // True when no other tensor shares this storage, so writing in place is invisible to others.
  bool is_sole_owner() const { return storage_.use_count() == 1; }

  // oneDNN views of this tensor: plain row-major, or with explicit dims and strides.
  dnnl::memory::desc desc() const;
  dnnl::memory memory() const;
  dnnl::memory memory(const dnnl::memory::desc& desc) const;

 private:
  Shape shape_;
  DataType type_ = DataType::f32;
  std::shared_ptr<void> storage_;
};

// Row-major strides of a shape, and a plain oneDNN descriptor for it (a rank-0 shape is {1}).
dnnl::memory::dims row_major_strides(const dnnl::memory::dims& dims);
dnnl::memory::desc plain_desc(const Shape& shape, DataType type = DataType::f32);
dnnl::memory::data_type to_dnnl(DataType type);

}  // namespace nmt::graph
