// sacreBLEU's TokenizerV14International (tokenizer_intl.py), after mteval-v14.pl's
// international tokenization. With the `regex` module's Unicode properties it applies:
//
//   1. regex.sub(r'(\P{N})(\p{P})', r'\1 \2 ')  -- punctuation not after a number
//   2. regex.sub(r'(\p{P})(\P{N})', r' \1 \2')  -- punctuation not before a number
//   3. regex.sub(r'(\p{S})', r' \1 ')           -- every symbol
//   4. ' '.join(line.split())
//
// P, S and N are the Unicode general categories Punctuation (Pc Pd Ps Pe Pi Pf Po),
// Symbol (Sm Sc Sk So) and Number (Nd Nl No); ICU supplies them. So "1,000.5" keeps its
// separators while "«Bonjour»" becomes "« Bonjour »". Unlike 13a there is no padding,
// so a period after a number at the very end stays attached ("en 2024."), as in
// mteval-v14.pl. The two-character patterns never overlap, as with 13a.
#include <unicode/uchar.h>

#include <string>
#include <string_view>

#include "nmt/eval/detail/spaced_tokenizers.h"
#include "nmt/eval/tokenizer.h"
#include "nmt/eval/whitespace.h"
#include "nmt/text/utf8.h"

namespace nmt::eval {
namespace {

bool in_categories(char32_t c, std::uint32_t mask) { return (U_GET_GC_MASK(static_cast<UChar32>(c)) & mask) != 0; }
bool is_punctuation(char32_t c) { return in_categories(c, U_GC_P_MASK); }
bool is_symbol(char32_t c) { return in_categories(c, U_GC_S_MASK); }
bool is_not_number(char32_t c) { return !in_categories(c, U_GC_N_MASK); }

template <class First, class Second>
void substitute_pairs(const std::u32string& in, std::u32string& out, First first, Second second,
                      std::u32string_view before, std::u32string_view middle, std::u32string_view after) {
  out.clear();
  std::size_t i = 0;
  while (i < in.size()) {
    if (i + 1 < in.size() && first(in[i]) && second(in[i + 1])) {
      out.append(before);
      out.push_back(in[i]);
      out.append(middle);
      out.push_back(in[i + 1]);
      out.append(after);
      i += 2;
    } else {
      out.push_back(in[i]);
      i += 1;
    }
  }
}

}  // namespace

namespace detail {

void space_out_intl(std::string_view text, std::string& out) {
  thread_local std::u32string a, b;
  a.clear();
  text::decode_utf8(text, a);
  substitute_pairs(a, b, is_not_number, is_punctuation, U"", U" ", U" ");
  substitute_pairs(b, a, is_punctuation, is_not_number, U" ", U" ", U"");
  out.clear();
  out.reserve(a.size() + a.size() / 2);
  for (const char32_t c : a) {
    const bool symbol = is_symbol(c);
    if (symbol) out.push_back(' ');
    text::append_utf8(c, out);
    if (symbol) out.push_back(' ');
  }
}

}  // namespace detail

std::string tokenize_intl(std::string_view text) {
  std::string spaced;
  detail::space_out_intl(text, spaced);
  return join_tokens(spaced);
}

}  // namespace nmt::eval
