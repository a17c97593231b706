// The registry of attention mechanisms: one entry per name a recipe can write.
//
// Each mechanism's file, nmt/layers/attention/<file>.cpp, defines
//   std::vector<AttentionMechanism> nmt::layers::mechanisms::<file>();
// returning its entries (luong_global.cpp: luong-dot, luong-general, luong-concat), and
// nmt/layers/CMakeLists.txt names the file in NMT_ATTENTION_MECHANISMS, from which the build
// generates the list this registry reads. That is all a new mechanism takes: the recipe
// schema's choices, make_attention, the RNN model, bench-train-rnn and the specs (which run
// over every entry) read the registry.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "nmt/layers/attention/attention.h"

namespace nmt::layers {

// The sizes of one forward pass, for counting a mechanism's multiply-adds.
struct AttentionSizes {
  double source_positions = 0;  // rows x source width (each key computed once)
  double target_positions = 0;  // rows x target width (one query each)
  double source_width = 0;      // positions each query scores
  double query_size = 0;        // decoder state
  double value_size = 0;        // encoder state (both directions)
};

using AttentionFactory = std::unique_ptr<Attention> (*)(const AttentionOptions& options, graph::Parameters& params,
                                                        const std::string& prefix, std::int64_t query_size,
                                                        std::int64_t value_size, graph::RandomGenerator& generator);

struct AttentionMechanism {
  std::string_view name;         // as recipes write it: "bahdanau", "luong-dot", "local-p", ...
  std::string_view description;  // one line: the paper, the section, what it scores
  // Bahdanau et al. (2015) score the previous decoder state s_{t-1} and feed the context into
  // the LSTM's input at step t; Luong et al. (2015) score the current state h_t and feed the
  // attentional state h~_t onward (input feeding).
  bool scores_previous_state = false;
  // One score per source position up to AttentionOptions::max_source_length (luong-location):
  // a longer source is an error, not merely unusual, so the trainer cuts longer dev sources.
  bool limits_source_length = false;
  // Whether, with these options, it scores by the dot product h_t . h_s (the decoder state and
  // the encoder state must then have one size). nullptr: never.
  bool (*dot_score)(const AttentionOptions& options) = nullptr;
  // Forward FLOPs (2 per multiply-add) of its scores and context, for the benchmarks.
  double (*forward_flops)(const AttentionOptions& options, const AttentionSizes& sizes) = nullptr;
  // Builds it, registering its parameters under `prefix`; nullptr for "none".
  AttentionFactory make = nullptr;

  bool is_none() const { return make == nullptr; }
  bool uses_dot_score(const AttentionOptions& options) const { return dot_score && dot_score(options); }
};

// Every registered mechanism, "none" first, then in NMT_ATTENTION_MECHANISMS order.
const std::vector<AttentionMechanism>& attention_mechanisms();
std::vector<std::string> attention_mechanism_names();
// Throws std::invalid_argument naming the valid choices.
const AttentionMechanism& attention_mechanism(std::string_view name);

// Registers the mechanism's parameters under `name`. Returns nullptr for "none".
std::unique_ptr<Attention> make_attention(const AttentionOptions& options, graph::Parameters& params,
                                          const std::string& name, std::int64_t query_size, std::int64_t value_size,
                                          graph::RandomGenerator& generator);

}  // namespace nmt::layers
