#include "nmt/layers/attention/registry.h"

#include <stdexcept>

namespace nmt::layers {

// The mechanisms' files, as NMT_ATTENTION_MECHANISMS in nmt/layers/CMakeLists.txt lists them.
namespace mechanisms {
#define NMT_ATTENTION_MECHANISM(file) std::vector<AttentionMechanism> file();
#include "nmt/layers/attention/mechanism_files.inc"
#undef NMT_ATTENTION_MECHANISM
}  // namespace mechanisms

const std::vector<AttentionMechanism>& attention_mechanisms() {
  static const std::vector<AttentionMechanism> all = [] {
    std::vector<AttentionMechanism> list;
    list.push_back(
        {.name = "none",
         .description = "no attention: the decoder starts from the encoder's final states and sees nothing else",
         .forward_flops = [](const AttentionOptions&, const AttentionSizes&) { return 0.0; }});
    std::vector<std::vector<AttentionMechanism>> files;
#define NMT_ATTENTION_MECHANISM(file) files.push_back(mechanisms::file());
#include "nmt/layers/attention/mechanism_files.inc"
#undef NMT_ATTENTION_MECHANISM
    for (const auto& entries : files)
      for (const AttentionMechanism& m : entries) {
        for (const AttentionMechanism& seen : list)
          if (seen.name == m.name)
            throw std::logic_error("attention mechanism '" + std::string(m.name) + "' registered twice");
        if (m.make == nullptr || m.forward_flops == nullptr || m.description.empty())
          throw std::logic_error("attention mechanism '" + std::string(m.name) +
                                 "': a registry entry needs a factory, a FLOP count and a description");
        list.push_back(m);
      }
    return list;
  }();
  return all;
}

std::vector<std::string> attention_mechanism_names() {
  std::vector<std::string> names;
  for (const AttentionMechanism& m : attention_mechanisms()) names.emplace_back(m.name);
  return names;
}

const AttentionMechanism& attention_mechanism(std::string_view name) {
  std::string valid;
  for (const AttentionMechanism& m : attention_mechanisms()) {
    if (m.name == name) return m;
    valid += (valid.empty() ? "" : ", ") + std::string(m.name);
  }
  throw std::invalid_argument("unknown attention type '" + std::string(name) + "' (valid: " + valid + ")");
}

std::unique_ptr<Attention> make_attention(const AttentionOptions& options, graph::Parameters& params,
                                          const std::string& name, std::int64_t query_size, std::int64_t value_size,
                                          graph::RandomGenerator& generator) {
  const AttentionMechanism& m = attention_mechanism(options.mechanism);
  if (m.is_none()) return nullptr;
  return m.make(options, params, name, query_size, value_size, generator);
}

}  // namespace nmt::layers
