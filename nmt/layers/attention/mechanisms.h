// The factories of the individual mechanisms, one file each (used by make_attention).
#pragma once

#include "nmt/layers/attention/attention.h"

namespace nmt::layers {

#define NMT_ATTENTION_FACTORY(name)                                                                  \
  std::unique_ptr<Attention> name(const AttentionOptions& options, graph::Parameters& params,        \
                                  const std::string& prefix, std::int64_t query_size,                \
                                  std::int64_t value_size, graph::RandomGenerator& generator)

NMT_ATTENTION_FACTORY(make_bahdanau_attention);        // bahdanau.cpp
NMT_ATTENTION_FACTORY(make_luong_global_attention);    // luong_global.cpp
NMT_ATTENTION_FACTORY(make_luong_location_attention);  // luong_location.cpp
NMT_ATTENTION_FACTORY(make_local_attention);           // local.cpp

#undef NMT_ATTENTION_FACTORY

}  // namespace nmt::layers
