// Specs of the bf16 and int8 kernels skip on a CPU that cannot run them, as the programs refuse
// those precisions there (graph/precision.h, precision_unavailable_reason). On an AVX2 CPU
// (AMD EPYC, oneDNN `avx2`, 2026-12-08) oneDNN 2.6 creates no bf16 matmul or LSTM at all, and its
// int8 matmul without VNNI saturates its 16-bit sums: 20953.2 for 32541.2 in
// Int8Linear.ExactWhereQuantisationLosesNothing.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "nmt/graph/precision.h"

#define NMT_SKIP_UNLESS_CPU_OFFERS(precision)                                                      \
  do {                                                                                             \
    if (const std::string nmt_skip_reason = ::nmt::graph::precision_unavailable_reason(precision); \
        !nmt_skip_reason.empty())                                                                  \
      GTEST_SKIP() << nmt_skip_reason;                                                             \
  } while (false)
