// Reverse-mode automatic differentiation.
//
// A Var is a node of the computation graph: a value, the gradient accumulated into it, and for
// results of ops the inputs and a backward function. Ops record nodes as they run (define by
// run); backward() orders the nodes reachable from the output into a tape (reverse topological
// order) and runs each node's backward function once, after all its consumers.
// Intermediate gradients are released as soon as they have been propagated.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "nmt/graph/tensor.h"

namespace nmt::graph {

struct Node;

class Var {
 public:
  Var() = default;

  static Var constant(Tensor value);   // never receives a gradient
  static Var parameter(Tensor value);  // a leaf that accumulates gradients

  bool defined() const { return node_ != nullptr; }
  const Tensor& value() const;
  // For optimizers and loading (not inside a graph). Every call counts as a change of the value
  // (version() moves on), which is how caches of derived data (an LSTM's reordered weights)
  // know to rebuild: change a value only through this.
  Tensor& mutable_value();
  std::uint64_t version() const;
  // The value rounded to bf16 for bf16 products (precision.h), made at the first call and kept
  // with the variable until its value changes: a weight is rounded once per update, and the
  // encoder states an RNN decoder attends to once per batch rather than at every step.
  Tensor bf16_value() const;
  std::weak_ptr<const void> identity() const { return node_; }
  const Shape& shape() const { return value().shape(); }
  bool requires_grad() const;
  const Tensor& grad() const;  // undefined until a backward pass reached this node
  void zero_grad() const;      // forgets the gradient (the next backward writes it fresh)
  const char* op_name() const;

  // ---- for implementing ops ----
  using BackwardFn = std::function<void(const Tensor& grad_output)>;
  // The result of an op: records `backward` only when grad mode is on and some input needs it.
  static Var make_result(const char* op, Tensor value, std::vector<Var> inputs, BackwardFn backward);
  // An op with several results: `backward` receives one gradient per output (undefined for an
  // output no gradient reached).
  using MultiBackwardFn = std::function<void(std::span<const Tensor> grad_outputs)>;
  static std::vector<Var> make_results(const char* op, std::vector<Tensor> values, std::vector<Var> inputs,
                                       MultiBackwardFn backward);

  // Adds `g` (same shape as the value) to this node's gradient, copying only when needed.
  void accumulate_grad(const Tensor& g) const;
  // The buffer an op writes its gradient contribution into: a fresh uninitialised tensor
  // (accumulate = false) on the first contribution, else this node's own gradient buffer,
  // to be added to in place (accumulate = true; ops use oneDNN's sum post-op for it).
  struct GradSlot {
    Tensor tensor;
    bool accumulate;
  };
  GradSlot grad_slot() const;

  friend bool operator==(const Var& a, const Var& b) { return a.node_ == b.node_; }

 private:
  explicit Var(std::shared_ptr<Node> node) : node_(std::move(node)) {}
  std::shared_ptr<Node> node_;
  friend void backward(const Var& output, const Tensor& seed);
};

// Runs reverse-mode differentiation from `output`, seeded with `seed` (same shape), or with 1
// for a one-element output.
void backward(const Var& output, const Tensor& seed);
void backward(const Var& output);

// While alive, ops on this thread record nothing (inference: no graph, memory freed early).
class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};
bool grad_enabled();

}  // namespace nmt::graph
