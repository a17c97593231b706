#include "nmt/graph/precision.h"

#include "nmt/graph/cpu_info.h"

namespace nmt::graph {
namespace {
thread_local Precision g_inference_precision = Precision::f32;
}  // namespace

std::string precision_name(Precision precision) { return precision == Precision::int8 ? "int8" : "f32"; }

std::optional<Precision> parse_precision(const std::string& name) {
  if (name == "f32") return Precision::f32;
  if (name == "int8") return Precision::int8;
  return std::nullopt;
}

std::string precision_unavailable_reason(Precision precision, const std::string& isa) {
  if (precision == Precision::f32) return "";
  // oneDNN's ISAs from VNNI on (its own ordering: avx2_vnni, then the AVX-512 ones).
  for (const char* with_vnni : {"avx2_vnni", "avx512_core_vnni", "avx512_core_bf16", "avx512_core_amx"})
    if (isa == with_vnni) return "";
  return "int8 needs a CPU with VNNI (AVX512_VNNI or AVX-VNNI) and this one offers " + isa +
         ": its int8 kernels would run slower than f32; use --precision f32";
}

std::string precision_unavailable_reason(Precision precision) {
  return precision_unavailable_reason(precision, onednn_cpu_isa());
}

InferencePrecisionGuard::InferencePrecisionGuard(Precision precision) : previous_(g_inference_precision) {
  g_inference_precision = precision;
}
InferencePrecisionGuard::~InferencePrecisionGuard() { g_inference_precision = previous_; }

Precision inference_precision() { return g_inference_precision; }

}  // namespace nmt::graph
