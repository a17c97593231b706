// sacreBLEU's reproducibility signatures: "nrefs:1|case:mixed|eff:no|tok:13a|...|version:V".
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nmt::eval {

// The sacreBLEU release whose scores nmt reproduces; its test vectors are in tests/data/bleu.
inline constexpr std::string_view kSacrebleuVersion = "2.6.0";

// The `version` nmt writes into signatures, e.g. "2.6.0+nmt0.1.0": the sacreBLEU version
// the scores are comparable with, plus (as SemVer build metadata) the nmt release that
// computed them, so that a signature never claims to come from sacreBLEU itself.
std::string_view signature_version();

// `nrefs` in nmt's signatures is the number of reference streams. sacreBLEU's code skips
// empty reference lines and would write "var" when the count per segment varies, but the
// sacreBLEU 2.6.0 vectors (tests/data/bleu/two-refs, where a reference has empty lines)
// say nrefs:2, and nmt follows the vectors.

// The key:value pairs of a signature, in order, as sacreBLEU's JSON output lists them.
std::vector<std::pair<std::string, std::string>> signature_fields(std::string_view signature);

}  // namespace nmt::eval
