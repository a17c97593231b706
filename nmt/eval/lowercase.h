// Lowercasing as Python's str.lower() does it, which is what sacreBLEU's --lowercase uses.
#pragma once

#include <string>
#include <string_view>

namespace nmt::eval {

// Full Unicode lowercase mapping of UTF-8 `text` with no language tailoring: one character
// may become several (U+0130 'İ' -> "i̇") and a capital sigma at the end of a word becomes
// 'ς' (Unicode's Final_Sigma), like Python's str.lower(). ICU's root-locale mapping gives
// exactly that; Python and ICU may differ only on characters added to Unicode after the
// older of their two Unicode versions.
std::string lowercase(std::string_view text);

}  // namespace nmt::eval
