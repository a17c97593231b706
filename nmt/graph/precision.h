// The precision matrix products compute in (issue 17).
//
// f32 is the default everywhere. Under a PrecisionGuard:
//  - bf16: every linear layer, and every matmul (attention scores and contexts) while gradients
//    are on (training), reads its operands rounded to bfloat16 and accumulates in f32 on oneDNN's
//    bf16 kernels (AVX512_BF16 or AMX); its result and every gradient stay f32. (Translation's
//    attention products stay f32: see ops/matmul.cpp.) Weights keep
//    their f32 values (the optimizer updates those); the bf16 copy is made once per value of the
//    weights. The LSTM layer runs on oneDNN's bf16 LSTM from 16 rows per step (input, hidden
//    states and weights bf16, gates accumulated and the cell kept in f32; ops/lstm.cpp).
//    Softmax, layer norm, embeddings, the loss and the optimizer stay f32. Training with
//    `training.precision: bf16` and translating with --precision bf16 use it.
//  - int8: only linear layers run without gradients (translation): weights quantised once per row
//    (symmetric, scale = max |w| / 127, cached until the weights change), the input once per call,
//    multiplied on oneDNN's int8 matmul (s8 x s8, s32 accumulation, rescaled to f32). Everything
//    else stays f32; with gradients on, int8 computes as f32.
#pragma once

#include <optional>
#include <string>

namespace nmt::graph {

enum class Precision { f32, bf16, int8 };

std::string precision_name(Precision precision);
// "f32", "bf16" or "int8"; nullopt for anything else.
std::optional<Precision> parse_precision(const std::string& name);

// "" when this CPU computes `precision` well; otherwise one line saying which instructions are
// missing, for a program to print before refusing. int8 needs VNNI (avx2_vnni, avx512_core_vnni
// and later): without it oneDNN's int8 kernels emulate the dot products and run slower than f32.
// bf16 needs AVX512_BF16 or AMX (avx512_core_bf16, avx512_core_amx): oneDNN emulates it on
// plain AVX-512, slower than f32. `isa` is oneDNN's spelling (onednn_cpu_isa()).
std::string precision_unavailable_reason(Precision precision, const std::string& isa);
std::string precision_unavailable_reason(Precision precision);  // on this CPU

// What a program runs for a precision option (--precision, training.precision): "f32", "bf16"
// and "int8" as named, refused on a CPU without their instructions; "auto" runs bf16 where the
// CPU has AVX512_BF16 or AMX (the precision that keeps translations and training closest to
// f32 while computing faster), and f32 elsewhere, with a one-line warning saying why.
struct PrecisionChoice {
  Precision precision = Precision::f32;
  std::string warning;  // auto fell back to f32: why, for the program to print
  std::string error;    // "must be f32, bf16, int8 or auto, not 'x'", or "int8: <why this CPU
                        // cannot>": for the program to print after the option's name, and refuse
};
PrecisionChoice choose_precision(const std::string& name, const std::string& isa);
PrecisionChoice choose_precision(const std::string& name);  // on this CPU

// The precision of the products computed on this thread, while alive.
class PrecisionGuard {
 public:
  explicit PrecisionGuard(Precision precision);
  ~PrecisionGuard();
  PrecisionGuard(const PrecisionGuard&) = delete;
  PrecisionGuard& operator=(const PrecisionGuard&) = delete;

 private:
  Precision previous_;
};
Precision products_precision();  // f32 unless a guard says otherwise

// The oneDNN kernel a linear layer of `precision` runs on here (its implementation name, e.g.
// "brg:avx512_core_vnni"), for the line programs log at start.
std::string linear_kernel_name(Precision precision);

}  // namespace nmt::graph
