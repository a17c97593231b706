// The precision options' names, what each needs of the CPU (in oneDNN's ISA names), and what
// "auto" chooses: the program-facing rules of graph/precision.h, for any CPU.
#include "nmt/graph/precision.h"

#include <gtest/gtest.h>

namespace nmt::graph {
namespace {

TEST(Precision, NamesAndCpuRequirements) {
  EXPECT_EQ(parse_precision("int8"), Precision::int8);
  EXPECT_EQ(parse_precision("f32"), Precision::f32);
  EXPECT_EQ(parse_precision("bf16"), Precision::bf16);
  EXPECT_EQ(parse_precision("fp16"), std::nullopt);
  EXPECT_EQ(precision_name(Precision::int8), "int8");
  EXPECT_EQ(precision_name(Precision::bf16), "bf16");
  EXPECT_EQ(precision_unavailable_reason(Precision::int8, "avx512_core_vnni"), "");
  EXPECT_EQ(precision_unavailable_reason(Precision::int8, "avx512_core_amx"), "");
  EXPECT_EQ(precision_unavailable_reason(Precision::f32, "avx2"), "");
  const std::string reason = precision_unavailable_reason(Precision::int8, "avx512_core");
  EXPECT_NE(reason.find("VNNI"), std::string::npos) << reason;
  EXPECT_NE(reason.find("avx512_core"), std::string::npos) << reason;
  EXPECT_EQ(precision_unavailable_reason(Precision::bf16, "avx512_core_bf16"), "");
  EXPECT_EQ(precision_unavailable_reason(Precision::bf16, "avx512_core_amx"), "");
  const std::string no_bf16 = precision_unavailable_reason(Precision::bf16, "avx512_core_vnni");
  EXPECT_NE(no_bf16.find("AVX512_BF16"), std::string::npos) << no_bf16;
  EXPECT_NE(no_bf16.find("avx512_core_vnni"), std::string::npos) << no_bf16;
}

TEST(Precision, AutoRunsBf16WhereTheCpuHasItAndF32WithAWarningElsewhere) {
  for (const char* isa : {"avx512_core_bf16", "avx512_core_amx"}) {
    const PrecisionChoice chosen = choose_precision("auto", isa);
    EXPECT_EQ(chosen.precision, Precision::bf16) << isa;
    EXPECT_EQ(chosen.warning, "") << isa;
    EXPECT_EQ(chosen.error, "") << isa;
  }
  for (const char* isa : {"avx512_core_vnni", "avx2"}) {
    const PrecisionChoice chosen = choose_precision("auto", isa);
    EXPECT_EQ(chosen.precision, Precision::f32) << isa;
    EXPECT_EQ(chosen.error, "") << isa;
    EXPECT_NE(chosen.warning.find("auto runs f32"), std::string::npos) << chosen.warning;
    EXPECT_NE(chosen.warning.find(isa), std::string::npos) << chosen.warning;
    EXPECT_NE(chosen.warning.find("AVX512_BF16"), std::string::npos) << chosen.warning;
  }
  // On this machine: as its own ISA says.
  const PrecisionChoice here = choose_precision("auto");
  EXPECT_EQ(here.precision, precision_unavailable_reason(Precision::bf16).empty() ? Precision::bf16 : Precision::f32);
}

TEST(Precision, NamedPrecisionsRunAsNamedOrAreRefusedWithTheReason) {
  EXPECT_EQ(choose_precision("f32", "avx2").precision, Precision::f32);
  EXPECT_EQ(choose_precision("f32", "avx2").error, "");
  const PrecisionChoice int8 = choose_precision("int8", "avx512_core_vnni");
  EXPECT_EQ(int8.precision, Precision::int8);
  EXPECT_EQ(int8.error, "");
  EXPECT_EQ(int8.warning, "");
  // Asked by name, a precision the CPU lacks is refused, never replaced.
  const PrecisionChoice no_bf16 = choose_precision("bf16", "avx512_core_vnni");
  EXPECT_EQ(no_bf16.error, "bf16: " + precision_unavailable_reason(Precision::bf16, "avx512_core_vnni"));
  EXPECT_EQ(no_bf16.warning, "");
  EXPECT_EQ(choose_precision("int8", "avx512_core").error.rfind("int8: int8 needs a CPU with VNNI", 0), 0u);
  EXPECT_EQ(choose_precision("fp16", "avx512_core_bf16").error, "must be f32, bf16, int8 or auto, not 'fp16'");
  EXPECT_EQ(choose_precision("Auto", "avx512_core_bf16").error, "must be f32, bf16, int8 or auto, not 'Auto'");
}

}  // namespace
}  // namespace nmt::graph
