#include "nmt/graph/var.h"

#include <unordered_set>

#include "nmt/graph/ops/common.h"

namespace nmt::graph {

struct Node {
  const char* op = "leaf";
  Tensor value;
  Tensor grad;
  bool requires_grad = false;
  bool is_leaf = true;
  std::uint64_t version = 0;  // bumped by Var::mutable_value()
  // The value rounded to bf16 (Var::bf16_value), and the version it was made from.
  Tensor bf16_value;
  std::uint64_t bf16_version = 0;
  std::vector<std::shared_ptr<Node>> inputs;
  // Single-output ops: called with this node's gradient.
  Var::BackwardFn backward;
  // Multi-output ops keep a hidden node with the per-output gradients.
  std::vector<Tensor> output_grads;
  Var::MultiBackwardFn multi_backward;
};

namespace {
thread_local bool g_grad_enabled = true;

}  // namespace

bool grad_enabled() { return g_grad_enabled; }
NoGradGuard::NoGradGuard() : previous_(g_grad_enabled) { g_grad_enabled = false; }
NoGradGuard::~NoGradGuard() { g_grad_enabled = previous_; }

Var Var::constant(Tensor value) {
  auto node = std::make_shared<Node>();
  node->value = std::move(value);
  return Var(std::move(node));
}

Var Var::parameter(Tensor value) {
  auto node = std::make_shared<Node>();
  node->value = std::move(value);
  node->requires_grad = true;
  return Var(std::move(node));
}

const Tensor& Var::value() const {
  if (!node_) throw std::logic_error("Var: use of an undefined variable");
  return node_->value;
}
Tensor& Var::mutable_value() {
  if (!node_) throw std::logic_error("Var: use of an undefined variable");
  ++node_->version;
  return node_->value;
}
std::uint64_t Var::version() const { return node_ ? node_->version : 0; }
Tensor Var::bf16_value() const {
  if (!node_) throw std::logic_error("Var: use of an undefined variable");
  if (!node_->bf16_value.defined() || node_->bf16_version != node_->version) {
    node_->bf16_value = detail::rounded_to_bf16(node_->value);
    node_->bf16_version = node_->version;
  }
  return node_->bf16_value;
}
bool Var::requires_grad() const { return node_ && node_->requires_grad; }
const Tensor& Var::grad() const { return node_->grad; }
void Var::zero_grad() const { node_->grad = Tensor(); }
const char* Var::op_name() const { return node_ ? node_->op : "undefined"; }

Var Var::make_result(const char* op, Tensor value, std::vector<Var> inputs, BackwardFn fn) {
  auto node = std::make_shared<Node>();
  node->op = op;
  node->value = std::move(value);
  node->is_leaf = false;
  if (g_grad_enabled) {
    for (const auto& in : inputs)
      if (in.requires_grad()) node->requires_grad = true;
  }
  if (node->requires_grad) {
    node->inputs.reserve(inputs.size());
    for (auto& in : inputs)
      if (in.requires_grad()) node->inputs.push_back(in.node_);
    node->backward = std::move(fn);
  }
  return Var(std::move(node));
}

std::vector<Var> Var::make_results(const char* op, std::vector<Tensor> values, std::vector<Var> inputs,
                                   MultiBackwardFn fn) {
  bool needs_grad = false;
  if (g_grad_enabled)
    for (const auto& in : inputs)
      if (in.requires_grad()) needs_grad = true;
  std::vector<Var> outputs;
  if (!needs_grad) {
    for (auto& v : values) outputs.push_back(make_result(op, std::move(v), {}, nullptr));
    return outputs;
  }
  auto hub = std::make_shared<Node>();
  hub->op = op;
  hub->is_leaf = false;
  hub->requires_grad = true;
  for (auto& in : inputs)
    if (in.requires_grad()) hub->inputs.push_back(in.node_);
  hub->output_grads.resize(values.size());
  hub->multi_backward = std::move(fn);
  for (std::size_t k = 0; k < values.size(); ++k) {
    auto out = std::make_shared<Node>();
    out->op = op;
    out->value = std::move(values[k]);
    out->is_leaf = false;
    out->requires_grad = true;
    out->inputs.push_back(hub);
    Node* hub_raw = hub.get();
    out->backward = [hub_raw, k](const Tensor& g) { hub_raw->output_grads[k] = g; };
    outputs.push_back(Var(std::move(out)));
  }
  return outputs;
}

void Var::accumulate_grad(const Tensor& g) const {
  if (!node_->requires_grad) return;
  if (g.shape() != node_->value.shape())
    throw ShapeError(std::string("backward of ") + node_->op + ": gradient of shape " + to_string(g.shape()) +
                     " for a value of shape " + to_string(node_->value.shape()));
  Tensor& grad = node_->grad;
  if (!grad.defined()) {
    grad = g;  // shares storage; copied below before anyone writes into it
    return;
  }
  if (!grad.is_sole_owner()) grad = grad.clone();
  detail::add_in_place(grad, g);
}

Var::GradSlot Var::grad_slot() const {
  Tensor& grad = node_->grad;
  if (!grad.defined()) {
    grad = Tensor::empty(node_->value.shape());
    return {grad, false};
  }
  if (!grad.is_sole_owner()) grad = grad.clone();
  return {grad, true};
}

void backward(const Var& output, const Tensor& seed) {
  if (!output.requires_grad()) return;
  if (seed.shape() != output.shape())
    throw ShapeError("backward: seed of shape " + to_string(seed.shape()) + " for an output of " +
                     to_string(output.shape()));
  // The tape: nodes in topological order (inputs before the nodes that use them).
  std::vector<Node*> tape;
  std::unordered_set<Node*> visited;
  std::vector<std::pair<Node*, std::size_t>> stack{{output.node_.get(), 0}};
  visited.insert(output.node_.get());
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    if (next < node->inputs.size()) {
      Node* in = node->inputs[next++].get();
      if (in->requires_grad && visited.insert(in).second) stack.push_back({in, 0});
    } else {
      tape.push_back(node);
      stack.pop_back();
    }
  }
  output.accumulate_grad(seed);
  for (auto it = tape.rbegin(); it != tape.rend(); ++it) {
    Node* node = *it;
    if (node->multi_backward) {
      bool any = false;
      for (auto& g : node->output_grads) any = any || g.defined();
      if (any) node->multi_backward(node->output_grads);
      for (auto& g : node->output_grads) g = Tensor();
    } else if (node->backward && node->grad.defined()) {
      node->backward(node->grad);
    }
    if (!node->is_leaf) node->grad = Tensor();
  }
}

void backward(const Var& output) {
  if (output.value().numel() != 1)
    throw ShapeError("backward: output of shape " + to_string(output.shape()) + " needs an explicit seed gradient");
  backward(output, Tensor::filled(output.shape(), 1.0f));
}

}  // namespace nmt::graph
