// matmul and linear: forward and backward.
#include <utility>

#include "nmt/graph/ops.h"
#include "nmt/graph/ops/common.h"
#include "nmt/graph/ops/derived_cache.h"
#include "nmt/graph/precision.h"

namespace nmt::graph {

Tensor detail::rounded_to_bf16(const Tensor& t) {
  if (t.type() == DataType::bf16) return t;
  Tensor rounded = Tensor::empty(t.shape(), DataType::bf16);
  reorder(t.memory(), rounded.memory());
  return rounded;
}

namespace {

using dnnl::memory;

// The logical (possibly transposed) view of a stored 2-D or 3-D operand: swapping the last two
// dims and their strides lets oneDNN read a transposed operand without a copy.
memory::desc operand_desc(const Tensor& t, bool transposed, int rank) {
  memory::dims dims(t.shape().begin(), t.shape().end());
  memory::dims strides = row_major_strides(dims);
  if (transposed) {
    std::swap(dims[dims.size() - 1], dims[dims.size() - 2]);
    std::swap(strides[strides.size() - 1], strides[strides.size() - 2]);
  }
  if (static_cast<int>(dims.size()) < rank) {  // a shared 2-D operand in a batched product
    dims.insert(dims.begin(), 1);
    strides.insert(strides.begin(), dims[1] * dims[2]);
  }
  return {dims, to_dnnl(t.type()), strides};
}

using detail::rounded_to_bf16;
bool products_in_bf16() { return products_precision() == Precision::bf16; }

// The same 2-D descriptor with its row count left to execution time (DNNL_RUNTIME_DIM_VAL; the
// row stride is the column count, fixed).
memory::desc with_runtime_rows(const memory::desc& md) {
  const memory::dims dims = md.dims();
  return {{DNNL_RUNTIME_DIM_VAL, dims[1]}, md.data_type(), memory::dims{dims[1], 1}};
}

// Products whose rows are tokens (a 2-D a stored [M, K]: a linear layer's forward and input
// gradient, the tied output projection) use one primitive for every row count, created with M
// as a runtime dimension: batch shapes vary from step to step, and a primitive per shape made
// them 350 of the 1,582 primitives of bench-train-transformer's first 18 steps (issue 15).
// oneDNN runs them on its gemm:jit kernel, which bench-runtime-dims measured at 0.86-0.89x
// the time of the fixed-shape brg:avx512_core kernels for these shapes (Intel Xeon
// avx512_core_vnni, 2 threads; Zen 5: 0.95x). Weight gradients do the same with their
// reduction dimension (below); the batched attention products keep a primitive per shape
// (at run time 2.3-2.7x the time on the Xeon, 1.1-1.7x on Zen 5; bench-runtime-dims prints
// all three).
// Only from kRuntimeRowsFrom rows on: decoding's small row counts (hypotheses x sentences)
// were slower on gemm:jit (greedy translation of the en-fr test split 9.3-9.7 s instead of
// 7.7-8.0 s), and they come in few shapes anyway (widths and rows in multiples of 8).
constexpr std::int64_t kRuntimeRowsFrom = 1024;
bool rows_at_run_time(std::int64_t rows) { return rows >= kRuntimeRowsFrom; }
bool rows_at_run_time(const Tensor& a, bool ta, const Tensor& c) {
  return c.rank() == 2 && a.rank() == 2 && !ta && rows_at_run_time(a.dim(0));
}
// Weight gradients dW = dY^T X reduce over the tokens: both operands are stored [tokens, .]
// and read transposed and as they are. From kRuntimeRowsFrom tokens on they too take the
// token count at run time (one primitive per weight shape instead of one per batch shape):
// bench-runtime-dims on AMD EPYC Zen 5 measured them at 0.88-1.24x the fixed-shape kernel's
// time (the output layer's 0.88x, the second feed-forward layer's 1.24x: about even over a
// step; the Xeon 0.86-1.48x), while a fixed-shape one cost 0.55 ms to create, and each step
// created ten of them anew (the bounded cache cannot hold every batch shape's). With the
// bias gradients (sum_middle) alike, bench-train-transformer ran 1.03-1.06x as fast and
// peaked 217 MiB lower (issue 15). In f32 only: bf16 weight gradients at run time ran on
// gemm:jit instead of brg:avx512_core_bf16, and bench-train-transformer --precision bf16 fell
// from 5,646-5,860 to 5,032 tokens/s (Zen 5).
bool reduction_at_run_time(const Tensor& a, bool ta, const Tensor& b, bool tb, const Tensor& c) {
  return c.rank() == 2 && a.rank() == 2 && b.rank() == 2 && ta && !tb && a.type() == DataType::f32 &&
         b.type() == DataType::f32 && rows_at_run_time(a.dim(0));
}
// The descriptor `md` of a 2-D operand stored [rows, columns] and read transposed or not, with
// the stored row count left to execution time (its strides do not depend on it).
memory::desc with_runtime_stored_rows(const memory::desc& md, bool transposed) {
  memory::dims dims = md.dims();
  dims[transposed ? 1 : 0] = DNNL_RUNTIME_DIM_VAL;
  const memory::dims strides = transposed ? memory::dims{1, md.dims()[0]} : memory::dims{md.dims()[1], 1};
  return {dims, md.data_type(), strides};
}

// c = op(a) op(b), or c += op(a) op(b) with accumulate (oneDNN's sum post-op). c is f32. The
// callers decide the precision: when either operand is bf16 both are read as bf16 (the other
// rounded here) and the kernel accumulates in f32.
void matmul_into(const Tensor& a_in, bool ta, const Tensor& b_in, bool tb, const Tensor& c, bool accumulate) {
  const bool bf16 = a_in.type() == DataType::bf16 || b_in.type() == DataType::bf16;
  const Tensor a = bf16 ? rounded_to_bf16(a_in) : a_in;
  const Tensor b = bf16 ? rounded_to_bf16(b_in) : b_in;
  const int rank = c.rank();
  const auto a_md = operand_desc(a, ta, rank);
  const auto b_md = operand_desc(b, tb, rank);
  const auto c_md = c.desc();
  const bool runtime_rows = rows_at_run_time(a, ta, c);
  const bool runtime_reduction = reduction_at_run_time(a, ta, b, tb, c);
  PrimitiveKey key(runtime_rows ? "matmul_runtime_rows" : runtime_reduction ? "matmul_runtime_reduction" : "matmul");
  key.add(bf16);
  if (runtime_rows)
    key.add(a.dim(1)).add(b.shape()).add(tb).add(accumulate);
  else if (runtime_reduction)
    key.add(a.dim(1)).add(b.dim(1)).add(accumulate);
  else
    key.add(a.shape()).add(ta).add(b.shape()).add(tb).add(c.shape()).add(accumulate);
  auto& entry = primitive_cache().get<dnnl::matmul>(key, [&] {
    dnnl::primitive_attr attr;
    if (accumulate) {
      dnnl::post_ops ops;
      ops.append_sum(1.0f);
      attr.set_post_ops(ops);
    }
    if (runtime_rows)
      return dnnl::matmul::primitive_desc(dnnl::matmul::desc(with_runtime_rows(a_md), b_md, with_runtime_rows(c_md)),
                                          attr, cpu_engine());
    if (runtime_reduction)
      return dnnl::matmul::primitive_desc(
          dnnl::matmul::desc(with_runtime_stored_rows(a_md, true), with_runtime_stored_rows(b_md, false), c_md), attr,
          cpu_engine());
    return dnnl::matmul::primitive_desc(dnnl::matmul::desc(a_md, b_md, c_md), attr, cpu_engine());
  });
  detail::execute(entry.primitive,
                  {{DNNL_ARG_SRC, a.memory(a_md)}, {DNNL_ARG_WEIGHTS, b.memory(b_md)}, {DNNL_ARG_DST, c.memory()}});
}

void matmul_grad(const Var& v, const Tensor& a, bool ta, const Tensor& b, bool tb) {
  if (!v.requires_grad()) return;
  auto slot = v.grad_slot();
  matmul_into(a, ta, b, tb, slot.tensor, slot.accumulate);
}

}  // namespace

Var matmul(const Var& a, const Var& b, bool ta, bool tb) {
  const Shape& as = a.shape();
  const Shape& bs = b.shape();
  const auto shapes = [&] { return to_string(as) + (ta ? "^T" : "") + " x " + to_string(bs) + (tb ? "^T" : ""); };
  if (as.size() < 2 || as.size() > 3 || bs.size() < 2 || bs.size() > 3)
    detail::throw_shape_error("matmul", "operands must be 2-D or 3-D, got " + shapes());
  if (as.size() == 3 && bs.size() == 2) {
    // A batch of rows times one matrix is one large 2-D product (one GEMM, one weight gradient).
    if (ta) detail::throw_shape_error("matmul", "a transposed 3-D a needs a 3-D b: " + shapes());
    Var flat = matmul(reshape(a, {as[0] * as[1], as[2]}), b, false, tb);
    return reshape(flat, {as[0], as[1], flat.shape()[1]});
  }
  if (as.size() != bs.size()) detail::throw_shape_error("matmul", "a 2-D a needs a 2-D b: " + shapes());
  const std::size_t r = as.size();
  const std::int64_t m = ta ? as[r - 1] : as[r - 2], k = ta ? as[r - 2] : as[r - 1];
  const std::int64_t kb = tb ? bs[r - 1] : bs[r - 2], n = tb ? bs[r - 2] : bs[r - 1];
  if (k != kb) detail::throw_shape_error("matmul", "inner dimensions differ: " + shapes());
  if (r == 3 && as[0] != bs[0]) detail::throw_shape_error("matmul", "batch sizes differ: " + shapes());
  Shape out_shape = r == 3 ? Shape{as[0], m, n} : Shape{m, n};
  Tensor c = Tensor::empty(out_shape);
  // With bf16 products the operands are read rounded (each variable's rounding is kept with it,
  // for the backward pass and for later products with the same operand), and dC is rounded once
  // in the backward pass, which reads it twice. Without gradients (translation) these products
  // stay f32: a decoder step's attention products are small and read a key/value cache that
  // changes at every step, so rounding it cost more than the product gained (bench-translate,
  // beam 5, batches of 32, the 12-minute default model: 0.87x the f32 speed with them in bf16,
  // 1.02x without; AMD EPYC avx512_core_bf16).
  const bool bf16 = products_in_bf16() && grad_enabled();
  const Tensor av = bf16 ? a.bf16_value() : a.value();
  const Tensor bv = bf16 ? b.bf16_value() : b.value();
  matmul_into(av, ta, bv, tb, c, false);

  return Var::make_result("matmul", c, {a, b}, [a, b, ta, tb, av, bv, bf16](const Tensor& dc_in) {
    const Tensor dc = bf16 ? rounded_to_bf16(dc_in) : dc_in;
    // C = op(A) op(B):  dop(A) = dC op(B)^T,  dop(B) = op(A)^T dC.
    if (!ta)
      matmul_grad(a, dc, false, bv, !tb);  // dA = dC op(B)^T
    else
      matmul_grad(a, bv, tb, dc, true);  // dA = (dC op(B)^T)^T = op(B) dC^T
    if (!tb)
      matmul_grad(b, av, !ta, dc, false);  // dB = op(A)^T dC
    else
      matmul_grad(b, dc, true, av, ta);  // dB = (op(A)^T dC)^T = dC^T op(A)
  });
}

namespace {

// y = act(x W^T + b) on the matmul primitive with its bias argument and, for ReLU, an eltwise
// post-op. (oneDNN's inner_product primitive computes the same, but bench-ops measured it at
// 0.35 of the matmul kernel's throughput for 2000x256->1024; and matmul accumulates gradients
// with its sum post-op.)
Var linear_op(const char* name, const Var& x, const Var& weight, const Var& bias, bool relu) {
  const Shape& xs = x.shape();
  const Shape& ws = weight.shape();
  const auto shapes = [&] {
    return "x " + to_string(xs) + ", weight " + to_string(ws) +
           (bias.defined() ? ", bias " + to_string(bias.shape()) : std::string());
  };
  if (ws.size() != 2 || xs.empty() || xs.back() != ws[1])
    detail::throw_shape_error(name, "expected x [..., in] and weight [out, in]: " + shapes());
  if (bias.defined() && bias.shape() != Shape{ws[0]})
    detail::throw_shape_error(name, "bias must be [out]: " + shapes());
  const std::int64_t in = ws[1], out = ws[0], rows = x.value().numel() / in;
  const Tensor x2 = x.value().reshaped({rows, in});
  Shape out_shape = xs;
  out_shape.back() = out;
  if (!grad_enabled() && products_precision() == Precision::int8)  // translation only: no backward
    return Var::constant(
        detail::int8_linear(x2, weight, bias.defined() ? bias.value() : Tensor(), relu).reshaped(out_shape));
  // bf16 products (precision.h): the input and the weights read rounded (each variable keeps
  // its rounding, so a weight is rounded once per update); bias, result and gradients f32.
  const bool bf16 = products_in_bf16();
  const Tensor x_operand = bf16 ? x.bf16_value().reshaped({rows, in}) : x2;
  Tensor y = Tensor::empty({rows, out});

  // Without gradients (translation, validation) the weights are read in the layout the kernel
  // prefers (format `any`), reordered once per value of the weights and cached: read in their
  // stored [out, in] layout, the kernel repacks them at every call, which at a decoder step's
  // few rows cost more than the product (a [5, 256] x [256, 1024] product took 2.4-3.4x the
  // time, [32, 256] x [256, 8000] 1.3x; Intel Xeon avx512_core_vnni, 2 threads). Training reads
  // each weight once or twice per update, so it keeps the stored layout.
  const bool kernel_layout = !grad_enabled();
  const Tensor stored_weights = bf16 && !kernel_layout ? weight.bf16_value() : weight.value();
  const auto a_md = x_operand.desc(), w_md = operand_desc(stored_weights, true, 2), c_md = y.desc();
  const auto b_md = bias.defined() ? plain_desc({1, out}) : memory::desc();
  const bool runtime_rows = rows_at_run_time(rows);  // one primitive for every large row count
  PrimitiveKey key(name);
  key.add(runtime_rows ? std::int64_t{-1} : rows).add(in).add(out).add(bias.defined()).add(kernel_layout).add(bf16);
  auto& forward = primitive_cache().get<dnnl::matmul>(key, [&] {
    dnnl::primitive_attr attr;
    if (relu) {
      dnnl::post_ops ops;
      ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
      attr.set_post_ops(ops);
    }
    const memory::desc weights_md =
        kernel_layout ? memory::desc({in, out}, a_md.data_type(), memory::format_tag::any) : w_md;
    if (runtime_rows)
      return dnnl::matmul::primitive_desc(
          dnnl::matmul::desc(with_runtime_rows(a_md), weights_md, b_md, with_runtime_rows(c_md)), attr, cpu_engine());
    return dnnl::matmul::primitive_desc(dnnl::matmul::desc(a_md, weights_md, b_md, c_md), attr, cpu_engine());
  });
  const detail::OpaqueMemory weights =
      kernel_layout
          ? detail::weights_in_layout(weight, operand_desc(weight.value(), true, 2), forward.pd.weights_desc())
          : detail::OpaqueMemory{nullptr, stored_weights.memory(w_md)};
  std::unordered_map<int, memory> args{
      {DNNL_ARG_SRC, x_operand.memory()}, {DNNL_ARG_WEIGHTS, weights.mem}, {DNNL_ARG_DST, y.memory()}};
  if (bias.defined()) args[DNNL_ARG_BIAS] = bias.value().memory(b_md);
  detail::execute(forward.primitive, args);

  return Var::make_result(name, y.reshaped(out_shape), {x, weight, bias},
                          [x, weight, bias, rows, in, out, relu, y, x_operand, bf16](const Tensor& dy_in) {
                            Tensor dy = dy_in.reshaped({rows, out});
                            // Through max(0, z): the gradient where the result is positive (from y,
                            // so z can go).
                            if (relu) {
                              Tensor dz = Tensor::empty({rows, out});
                              detail::eltwise_backward(dnnl::algorithm::eltwise_relu_use_dst_for_bwd, y, dy, dz);
                              dy = dz;
                            }
                            const Tensor dy_operand = bf16 ? rounded_to_bf16(dy) : dy;  // read twice below
                            if (x.requires_grad()) {                                    // dX = dY W
                              auto slot = x.grad_slot();
                              matmul_into(dy_operand, false, bf16 ? weight.bf16_value() : weight.value(), false,
                                          slot.tensor.reshaped({rows, in}), slot.accumulate);
                            }
                            // dW = dY^T X
                            matmul_grad(weight, dy_operand, true, x_operand, false);
                            if (bias.defined() && bias.requires_grad())  // db = sum of dY over rows (f32)
                              bias.accumulate_grad(detail::reduce_to_shape(dy, {out}));
                          });
}

}  // namespace

Var linear(const Var& x, const Var& weight, const Var& bias) { return linear_op("linear", x, weight, bias, false); }

Var linear_relu(const Var& x, const Var& weight, const Var& bias) {
  return linear_op("linear_relu", x, weight, bias, true);
}

}  // namespace nmt::graph
