#include "nmt/eval/signature.h"

#ifndef NMT_VERSION
#error "NMT_VERSION must be defined by the build (nmt/eval/CMakeLists.txt)"
#endif

namespace nmt::eval {

std::string_view signature_version() {
  static const std::string version = std::string(kSacrebleuVersion) + "+nmt" + NMT_VERSION;
  return version;
}

std::vector<std::pair<std::string, std::string>> signature_fields(std::string_view signature) {
  std::vector<std::pair<std::string, std::string>> fields;
  while (!signature.empty()) {
    const std::size_t bar = signature.find('|');
    const std::string_view field = signature.substr(0, bar);
    const std::size_t colon = field.find(':');
    fields.emplace_back(std::string(field.substr(0, colon)),
                        colon == std::string_view::npos ? std::string() : std::string(field.substr(colon + 1)));
    if (bar == std::string_view::npos) break;
    signature.remove_prefix(bar + 1);
  }
  return fields;
}

}  // namespace nmt::eval
