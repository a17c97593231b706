// Token-level cross-entropy with label smoothing (Szegedy et al. 2016, sec. 7) and ignored
// (padding) targets. log-softmax runs on oneDNN; the gradient softmax - q is oneDNN's exp and
// linear eltwise kernels plus a per-row fix-up at the target.
#include <cstring>

#include "nmt/graph/ops.h"
#include "nmt/graph/ops/common.h"

namespace nmt::graph {

namespace {

// g * exp(log_probs) - g * uniform in one pass: the binary primitive computes log_probs + 0 and
// its post-ops exp, * g and + (-g uniform). g and the shift are run-time operands, so the one
// primitive serves every step (g is the loss scale, 1/tokens, which changes from batch to batch;
// an eltwise primitive would bake it in and be compiled anew).
Tensor scaled_softmax_minus_uniform(const Tensor& log_probs, float g, float uniform) {
  const auto flat = plain_desc({log_probs.numel()});
  const auto one = plain_desc({1});
  PrimitiveKey key("softmax_minus_uniform");
  key.add(log_probs.numel());
  auto& entry = primitive_cache().get<dnnl::binary>(key, [&] {
    dnnl::post_ops ops;
    ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_exp, 0.0f, 0.0f);
    ops.append_binary(dnnl::algorithm::binary_mul, one);
    ops.append_binary(dnnl::algorithm::binary_add, one);
    dnnl::primitive_attr attr;
    attr.set_post_ops(ops);
    return dnnl::binary::primitive_desc(dnnl::binary::desc(dnnl::algorithm::binary_add, flat, one, flat), attr,
                                        cpu_engine());
  });
  Tensor out = Tensor::empty(log_probs.shape());
  Tensor zero = Tensor::filled({1}, 0.0f), scale = Tensor::filled({1}, g), shift = Tensor::filled({1}, -g * uniform);
  detail::execute(entry.primitive, {{DNNL_ARG_SRC_0, log_probs.memory(flat)},
                                    {DNNL_ARG_SRC_1, zero.memory()},
                                    {DNNL_ARG_DST, out.memory(flat)},
                                    {DNNL_ARG_ATTR_MULTIPLE_POST_OP(1) | DNNL_ARG_SRC_1, scale.memory()},
                                    {DNNL_ARG_ATTR_MULTIPLE_POST_OP(2) | DNNL_ARG_SRC_1, shift.memory()}});
  return out;
}

}  // namespace

Var cross_entropy(const Var& logits, std::span<const std::int32_t> targets, std::int32_t ignore_id,
                  float label_smoothing) {
  const Shape& s = logits.shape();
  if (s.size() != 2 || s[0] != static_cast<std::int64_t>(targets.size()))
    detail::throw_shape_error("cross_entropy", "logits " + to_string(s) + " need shape [N, V] with N = " +
                                                   std::to_string(targets.size()) + " targets");
  if (!(label_smoothing >= 0.0f && label_smoothing < 1.0f))
    detail::throw_shape_error("cross_entropy",
                              "label smoothing must be in [0, 1), got " + std::to_string(label_smoothing));
  const std::int64_t rows = s[0], vocab = s[1];
  for (std::int64_t i = 0; i < rows; ++i)
    if (targets[i] != ignore_id && (targets[i] < 0 || targets[i] >= vocab))
      detail::throw_shape_error("cross_entropy", "target " + std::to_string(targets[i]) + " in row " +
                                                     std::to_string(i) + " outside the vocabulary of " +
                                                     std::to_string(vocab));
  Tensor log_probs;
  {
    NoGradGuard no_grad;
    log_probs = log_softmax(Var::constant(logits.value())).value();
  }
  // Row sums of log p, needed only for the smoothing term (oneDNN reduction).
  Tensor row_sums = label_smoothing > 0 ? detail::reduce_to_shape(log_probs, {rows, 1}) : Tensor();
  const float eps = label_smoothing, uniform = eps / static_cast<float>(vocab);
  double loss = 0.0;
  const float* lp = log_probs.data();
  for (std::int64_t i = 0; i < rows; ++i) {
    if (targets[i] == ignore_id) continue;
    loss -= (1.0 - eps) * lp[i * vocab + targets[i]];
    if (eps > 0) loss -= uniform * row_sums.data()[i];
  }
  std::vector<std::int32_t> saved(targets.begin(), targets.end());
  return Var::make_result(
      "cross_entropy", Tensor::scalar(static_cast<float>(loss)), {logits},
      [logits, log_probs, saved = std::move(saved), ignore_id, eps, uniform, rows, vocab](const Tensor& dy) {
        const float g = dy.item();
        // d loss / d logits = g * (softmax - q), q = (1-eps) onehot(target) + eps/V: first
        // g * exp(log p) - g eps/V everywhere, in one pass (scaled_softmax_minus_uniform), then
        // the per-row fix-up at the target.
        Tensor dx = scaled_softmax_minus_uniform(log_probs, g, uniform);
        float* d = dx.data();
        for (std::int64_t i = 0; i < rows; ++i) {
          if (saved[i] == ignore_id)
            std::memset(d + i * vocab, 0, vocab * sizeof(float));
          else
            d[i * vocab + saved[i]] -= g * (1.0f - eps);
        }
        logits.accumulate_grad(dx);
      });
}

}  // namespace nmt::graph
