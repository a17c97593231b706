#include "nmt/graph/precision.h"

#include <algorithm>
#include <initializer_list>

#include "nmt/graph/cpu_info.h"

namespace nmt::graph {
namespace {
thread_local Precision g_products_precision = Precision::f32;

bool one_of(const std::string& isa, std::initializer_list<const char*> names) {
  return std::any_of(names.begin(), names.end(), [&](const char* name) { return isa == name; });
}
}  // namespace

std::string precision_name(Precision precision) {
  switch (precision) {
    case Precision::bf16:
      return "bf16";
    case Precision::int8:
      return "int8";
    case Precision::f32:
      break;
  }
  return "f32";
}

std::optional<Precision> parse_precision(const std::string& name) {
  for (const Precision p : {Precision::f32, Precision::bf16, Precision::int8})
    if (name == precision_name(p)) return p;
  return std::nullopt;
}

std::string precision_unavailable_reason(Precision precision, const std::string& isa) {
  // oneDNN's ISAs in its own ordering: avx2_vnni, avx512_core_vnni, avx512_core_bf16, then AMX.
  switch (precision) {
    case Precision::f32:
      return "";
    case Precision::bf16:
      if (one_of(isa, {"avx512_core_bf16", "avx512_core_amx"})) return "";
      return "bf16 needs a CPU with AVX512_BF16 or AMX and this one offers " + isa +
             ": oneDNN would emulate its bf16 products, slower than f32; use f32";
    case Precision::int8:
      if (one_of(isa, {"avx2_vnni", "avx512_core_vnni", "avx512_core_bf16", "avx512_core_amx"})) return "";
      return "int8 needs a CPU with VNNI (AVX512_VNNI or AVX-VNNI) and this one offers " + isa +
             ": its int8 kernels would run slower than f32; use f32";
  }
  return "";
}

std::string precision_unavailable_reason(Precision precision) {
  return precision_unavailable_reason(precision, onednn_cpu_isa());
}

PrecisionChoice choose_precision(const std::string& name, const std::string& isa) {
  PrecisionChoice choice;
  if (name == "auto") {
    if (precision_unavailable_reason(Precision::bf16, isa).empty()) {
      choice.precision = Precision::bf16;
    } else {
      choice.warning = "auto runs f32 on this CPU (" + isa + "): bf16 needs AVX512_BF16 or AMX";
    }
    return choice;
  }
  const std::optional<Precision> named = parse_precision(name);
  if (!named) {
    choice.error = "must be f32, bf16, int8 or auto, not '" + name + "'";
    return choice;
  }
  choice.precision = *named;
  if (const std::string reason = precision_unavailable_reason(*named, isa); !reason.empty())
    choice.error = name + ": " + reason;
  return choice;
}

PrecisionChoice choose_precision(const std::string& name) { return choose_precision(name, onednn_cpu_isa()); }

PrecisionGuard::PrecisionGuard(Precision precision) : previous_(g_products_precision) {
  g_products_precision = precision;
}
PrecisionGuard::~PrecisionGuard() { g_products_precision = previous_; }

Precision products_precision() { return g_products_precision; }

}  // namespace nmt::graph
