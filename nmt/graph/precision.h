// The precision inference computes its linear layers in (issue 17).
//
// f32 is what training and, by default, translation use. With int8, every linear layer that runs
// while gradients are off (graph::linear and linear_relu under a NoGradGuard) quantises its
// weights once per row (symmetric, scale = max |w| / 127, cached until the weights change) and
// its input once per row at each call, and multiplies them on oneDNN's int8 matmul (s8 x s8,
// s32 accumulation, rescaled to f32). Attention products, the LSTM primitive, softmax, layer
// norm and embeddings stay f32. bf16 is not offered yet: the CPUs it pays on (AVX512_BF16, AMX)
// were not at hand to measure it.
#pragma once

#include <optional>
#include <string>

namespace nmt::graph {

enum class Precision { f32, int8 };

std::string precision_name(Precision precision);
// "f32" or "int8"; nullopt for anything else.
std::optional<Precision> parse_precision(const std::string& name);

// "" when this CPU computes `precision` well; otherwise one line saying which instructions are
// missing, for a program to print before refusing. int8 needs VNNI (avx2_vnni, avx512_core_vnni
// and later): without it oneDNN's int8 kernels emulate the dot products and run slower than f32.
// `isa` is oneDNN's spelling (onednn_cpu_isa()).
std::string precision_unavailable_reason(Precision precision, const std::string& isa);
std::string precision_unavailable_reason(Precision precision);  // on this CPU

// The precision of linear layers run without gradients on this thread, while alive.
class InferencePrecisionGuard {
 public:
  explicit InferencePrecisionGuard(Precision precision);
  ~InferencePrecisionGuard();
  InferencePrecisionGuard(const InferencePrecisionGuard&) = delete;
  InferencePrecisionGuard& operator=(const InferencePrecisionGuard&) = delete;

 private:
  Precision previous_;
};
Precision inference_precision();  // f32 unless a guard says otherwise

// The oneDNN kernel a linear layer of `precision` runs on here (its implementation name, e.g.
// "brg:avx512_core_vnni"), for the line programs log at start.
std::string linear_kernel_name(Precision precision);

}  // namespace nmt::graph
