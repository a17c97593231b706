#include "nmt/eval/lowercase.h"

#include <unicode/ustring.h>
#include <unicode/utypes.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace nmt::eval {
namespace {

bool is_ascii(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

void check(UErrorCode status, const char* what) {
  if (U_FAILURE(status)) {
    throw std::runtime_error(std::string("lowercase: ") + what + ": " + u_errorName(status));
  }
}

}  // namespace

std::string lowercase(std::string_view text) {
  std::string result(text);
  if (is_ascii(text)) {  // the common case needs no Unicode tables
    for (char& c : result) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return result;
  }

  // ICU maps case on UTF-16: convert, lowercase with the root locale (""; a null locale
  // would mean the process's default locale, which could be Turkish), convert back.
  // Ill-formed input bytes become U+FFFD instead of failing.
  constexpr UChar32 kReplacement = 0xFFFD;
  if (text.size() > static_cast<std::size_t>(INT32_MAX / 2)) {
    throw std::length_error("lowercase: text longer than ICU's 32-bit string lengths allow");
  }
  UErrorCode status = U_ZERO_ERROR;
  std::int32_t utf16_length = 0;
  const auto text_length = static_cast<std::int32_t>(text.size());
  u_strFromUTF8WithSub(nullptr, 0, &utf16_length, text.data(), text_length, kReplacement, nullptr, &status);
  if (status == U_BUFFER_OVERFLOW_ERROR) status = U_ZERO_ERROR;
  check(status, "measuring UTF-16 length");
  std::vector<UChar> utf16(static_cast<std::size_t>(utf16_length) + 1);
  u_strFromUTF8WithSub(utf16.data(), static_cast<std::int32_t>(utf16.size()), &utf16_length, text.data(), text_length,
                       kReplacement, nullptr, &status);
  check(status, "converting to UTF-16");

  // Lowercasing can lengthen the text (U+0130 becomes two code units); retry once with
  // the size ICU asks for.
  std::vector<UChar> lowered(utf16.size() + 16);
  std::int32_t lowered_length =
      u_strToLower(lowered.data(), static_cast<std::int32_t>(lowered.size()), utf16.data(), utf16_length, "", &status);
  if (status == U_BUFFER_OVERFLOW_ERROR) {
    status = U_ZERO_ERROR;
    lowered.resize(static_cast<std::size_t>(lowered_length) + 1);
    lowered_length = u_strToLower(lowered.data(), static_cast<std::int32_t>(lowered.size()), utf16.data(), utf16_length,
                                  "", &status);
  }
  check(status, "lowercasing");

  std::int32_t utf8_length = 0;
  u_strToUTF8WithSub(nullptr, 0, &utf8_length, lowered.data(), lowered_length, kReplacement, nullptr, &status);
  if (status == U_BUFFER_OVERFLOW_ERROR) status = U_ZERO_ERROR;
  check(status, "measuring UTF-8 length");
  result.assign(static_cast<std::size_t>(utf8_length) + 1, '\0');
  u_strToUTF8WithSub(result.data(), static_cast<std::int32_t>(result.size()), &utf8_length, lowered.data(),
                     lowered_length, kReplacement, nullptr, &status);
  check(status, "converting to UTF-8");
  result.resize(static_cast<std::size_t>(utf8_length));
  return result;
}

}  // namespace nmt::eval
