// The registered attention mechanisms as spec parameters: specs that must hold for every
// mechanism run over the registry, so that a new mechanism is checked without a test edit.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "nmt/layers/attention/registry.h"

namespace nmt::layers::testing {

// Every registered name; without_none leaves out "none" (which builds no Attention).
inline std::vector<std::string> registered_mechanisms(bool without_none = false) {
  std::vector<std::string> names;
  for (const AttentionMechanism& m : attention_mechanisms())
    if (!(without_none && m.is_none())) names.emplace_back(m.name);
  return names;
}

// "luong-dot" -> "luong_dot": test names allow no '-'.
inline std::string mechanism_test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

}  // namespace nmt::layers::testing
