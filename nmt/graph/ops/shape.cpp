// Shape ops: concat (oneDNN concat), slice and transpose (oneDNN reorders of strided views),
// reshape (a view); forward and backward.
#include <algorithm>
#include <numeric>
#include <span>

#include "nmt/graph/ops.h"
#include "nmt/graph/ops/common.h"

namespace nmt::graph {
namespace {

using dnnl::memory;

int normalise_axis(const char* op, int axis, int rank) {
  const int a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank)
    detail::throw_shape_error(op, "axis " + std::to_string(axis) + " out of range for rank " + std::to_string(rank));
  return a;
}

// The region [offset, offset + shape) of `whole` along `axis`, as a oneDNN sub-memory.
memory region(const Tensor& whole, int axis, std::int64_t offset, std::int64_t length) {
  memory::dims dims(whole.shape().begin(), whole.shape().end());
  memory::dims offsets(dims.size(), 0);
  dims[axis] = length;
  offsets[axis] = offset;
  return whole.memory(whole.desc().submemory_desc(dims, offsets));
}

// x with its axes permuted: out.dim(i) = x.dim(perm[i]); one reorder of a strided view.
Tensor permuted(const Tensor& x, const std::vector<int>& perm) {
  const memory::dims in_dims(x.shape().begin(), x.shape().end());
  const memory::dims in_strides = row_major_strides(in_dims);
  memory::dims dims(perm.size()), strides(perm.size());
  Shape out_shape(perm.size());
  for (std::size_t i = 0; i < perm.size(); ++i) {
    dims[i] = in_dims[perm[i]];
    strides[i] = in_strides[perm[i]];
    out_shape[i] = x.shape()[perm[i]];
  }
  Tensor y = Tensor::empty(out_shape);
  detail::reorder(x.memory(memory::desc(dims, memory::data_type::f32, strides)), y.memory());
  return y;
}

}  // namespace

Var concat(const std::vector<Var>& parts, int axis) {
  if (parts.empty()) detail::throw_shape_error("concat", "no inputs");
  const int rank = static_cast<int>(parts[0].shape().size());
  const int a = normalise_axis("concat", axis, rank);
  Shape out_shape = parts[0].shape();
  out_shape[a] = 0;
  std::vector<memory::desc> mds;
  std::vector<memory> mems;
  PrimitiveKey key("concat");
  key.add(a);
  for (const auto& p : parts) {
    const Shape& s = p.shape();
    bool ok = static_cast<int>(s.size()) == rank;
    for (int i = 0; ok && i < rank; ++i) ok = i == a || s[i] == parts[0].shape()[i];
    if (!ok) {
      std::string all;
      for (const auto& q : parts) all += to_string(q.shape()) + " ";
      detail::throw_shape_error("concat", "shapes differ outside axis " + std::to_string(a) + ": " + all);
    }
    out_shape[a] += s[a];
    key.add(s);
    if (s[a] == 0) continue;  // oneDNN rejects empty inputs; they add nothing
    mds.push_back(p.value().desc());
    mems.push_back(p.value().memory());
  }
  Tensor y = Tensor::empty(out_shape);
  if (!mds.empty()) {
    const auto dst_md = y.desc();
    auto& entry = primitive_cache().get<dnnl::concat>(
        key, [&] { return dnnl::concat::primitive_desc(dst_md, a, mds, cpu_engine()); });
    std::unordered_map<int, memory> args{{DNNL_ARG_DST, y.memory()}};
    for (std::size_t i = 0; i < mems.size(); ++i) args[DNNL_ARG_MULTIPLE_SRC + int(i)] = mems[i];
    detail::execute(entry.primitive, args);
  }
  return Var::make_result("concat", y, parts, [parts, a](const Tensor& dy) {
    std::int64_t offset = 0;
    for (const auto& p : parts) {
      const std::int64_t length = p.shape()[a];
      if (p.requires_grad() && length > 0) {
        auto slot = p.grad_slot();
        detail::reorder(region(dy, a, offset, length), slot.tensor.memory(), slot.accumulate);
      } else if (p.requires_grad()) {
        p.accumulate_grad(Tensor::zeros(p.shape()));
      }
      offset += length;
    }
  });
}

Var slice(const Var& x, int axis, std::int64_t start, std::int64_t length) {
  const int a = normalise_axis("slice", axis, static_cast<int>(x.shape().size()));
  if (start < 0 || length < 0 || start + length > x.shape()[a])
    detail::throw_shape_error("slice", "[" + std::to_string(start) + ", " + std::to_string(start + length) +
                                           ") along axis " + std::to_string(a) + " of " + to_string(x.shape()));
  Shape out_shape = x.shape();
  out_shape[a] = length;
  Tensor y = Tensor::empty(out_shape);
  if (y.numel() > 0) detail::reorder(region(x.value(), a, start, length), y.memory());
  return Var::make_result("slice", y, {x}, [x, a, start, length](const Tensor& dy) {
    auto slot = x.grad_slot();
    if (!slot.accumulate) slot.tensor.fill(0.0f);
    if (dy.numel() > 0) detail::reorder(dy.memory(), region(slot.tensor, a, start, length), slot.accumulate);
  });
}

Var reshape(const Var& x, Shape shape) {
  Tensor y = x.value().reshaped(std::move(shape));
  return Var::make_result("reshape", y, {x}, [x](const Tensor& dy) { x.accumulate_grad(dy.reshaped(x.shape())); });
}

Var transpose(const Var& x, const std::vector<int>& perm) {
  const int rank = static_cast<int>(x.shape().size());
  std::vector<int> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int> identity(rank);
  std::iota(identity.begin(), identity.end(), 0);
  if (sorted != identity) {
    std::string p;
    for (int v : perm) p += std::to_string(v) + " ";
    detail::throw_shape_error("transpose", "(" + p + ") is not a permutation of the axes of " + to_string(x.shape()));
  }
  std::vector<int> inverse(rank);
  for (int i = 0; i < rank; ++i) inverse[perm[i]] = i;
  return Var::make_result("transpose", permuted(x.value(), perm), {x},
                          [x, inverse](const Tensor& dy) { x.accumulate_grad(permuted(dy, inverse)); });
}

std::vector<Var> split_heads(const Var& x, std::int64_t parts, std::int64_t heads) {
  const Shape& s = x.shape();
  if (s.size() != 3 || parts < 1 || heads < 1 || s[2] % (parts * heads) != 0)
    detail::throw_shape_error("split_heads", to_string(s) + " into " + std::to_string(parts) + " parts of " +
                                                 std::to_string(heads) + " heads");
  const std::int64_t b = s[0], t = s[1], width = s[2], d = width / (parts * heads);
  // Part p seen as [B, H, T, d] inside x: a strided view starting at column p * H * d.
  const memory::desc view({b, heads, t, d}, memory::data_type::f32, memory::dims{t * width, d, width, 1});
  const memory::desc plain = plain_desc({b, heads, t, d});
  const auto part_of = [view, heads, d](const Tensor& whole, std::int64_t p) {
    return memory(view, cpu_engine(), static_cast<float*>(whole.raw()) + p * heads * d);
  };
  std::vector<Tensor> outputs;
  for (std::int64_t p = 0; p < parts; ++p) {
    Tensor y = Tensor::empty({b * heads, t, d});
    if (y.numel() > 0) detail::reorder(part_of(x.value(), p), y.memory(plain));
    outputs.push_back(y);
  }
  return Var::make_results("split_heads", std::move(outputs), {x},
                           [x, parts, view, plain, part_of](std::span<const Tensor> grads) {
                             if (!x.requires_grad() || x.value().numel() == 0) return;
                             auto slot = x.grad_slot();
                             bool complete = true;
                             for (const Tensor& g : grads) complete = complete && g.defined();
                             // The parts cover every column: a fresh buffer needs zeros only where a part has no
                             // gradient.
                             if (!slot.accumulate && !complete) slot.tensor.fill(0.0f);
                             for (std::int64_t p = 0; p < parts; ++p)
                               if (grads[p].defined())
                                 detail::reorder(grads[p].memory(plain), part_of(slot.tensor, p), slot.accumulate);
                           });
}

}  // namespace nmt::graph
