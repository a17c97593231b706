// sacreBLEU's Tokenizer13a (tokenizer_13a.py + tokenizer_re.py), which reproduces the
// tokenization of mteval-v13a.pl. sacreBLEU applies, in order:
//
//   1. replace "<skipped>" by "", "-\n" by "", "\n" by " ", and unescape &quot; &amp; &lt; &gt;
//   2. pad the line with one space on each side
//   3. re.sub(r'([\{-\~\[-\` -\&\(-\+\:-\@\/])', r' \1 ')  -- space out ASCII punctuation
//      and symbols except  ' , - .  (the ranges are {|}~ [\]^_` space!"#$%& ()*+ :;<=>?@ /)
//   4. re.sub(r'([^0-9])([\.,])', r'\1 \2 ')   -- period/comma not after a digit
//   5. re.sub(r'([\.,])([^0-9])', r' \1 \2')   -- period/comma not before a digit
//   6. re.sub(r'([0-9])(-)', r'\1 \2 ')        -- dash after a digit
//   7. ' '.join(line.split())
//
// Steps 4-6 match two characters and re.sub never lets matches overlap: after a match the
// search resumes behind its second character. The passes below scan the same way.
//
// They scan bytes, not code points, and still give re.sub's result on UTF-8: every
// character the patterns name is ASCII, and a byte of a multi-byte character is never an
// ASCII byte, so it matches exactly where its character would ([^0-9]) and nowhere else.
#include <string>
#include <string_view>

#include "nmt/eval/detail/spaced_tokenizers.h"
#include "nmt/eval/tokenizer.h"
#include "nmt/eval/whitespace.h"

namespace nmt::eval {
namespace {

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  std::size_t pos = text.find(from);
  if (pos == std::string::npos) return;
  std::string replaced;
  replaced.reserve(text.size());
  std::size_t copied = 0;
  while (pos != std::string::npos) {
    replaced.append(text, copied, pos - copied);
    replaced.append(to);
    copied = pos + from.size();
    pos = text.find(from, copied);
  }
  replaced.append(text, copied);
  text = std::move(replaced);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_period_or_comma(char c) { return c == '.' || c == ','; }

// Step 3's character class.
bool is_spaced_symbol(char c) {
  return (c >= '{' && c <= '~') || (c >= '[' && c <= '`') || (c >= ' ' && c <= '&') || (c >= '(' && c <= '+') ||
         (c >= ':' && c <= '@') || c == '/';
}

// re.sub over a two-character pattern (first)(second) with replacement
// `before` first `middle` second `after`, scanning left to right without overlaps.
template <class First, class Second>
void substitute_pairs(const std::string& in, std::string& out, First first, Second second, std::string_view before,
                      std::string_view middle, std::string_view after) {
  out.clear();
  out.reserve(2 * in.size());
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

void space_out_13a(std::string_view text, std::string& out) {
  std::string unescaped;
  if (text.find_first_of("<\n&") != std::string_view::npos) {
    unescaped = text;
    replace_all(unescaped, "<skipped>", "");
    replace_all(unescaped, "-\n", "");
    replace_all(unescaped, "\n", " ");
    replace_all(unescaped, "&quot;", "\"");
    replace_all(unescaped, "&amp;", "&");
    replace_all(unescaped, "&lt;", "<");
    replace_all(unescaped, "&gt;", ">");
    text = unescaped;
  }

  // Reused between calls, so that tokenizing a corpus allocates next to nothing.
  thread_local std::string a, b;
  a.clear();
  a.reserve(3 * text.size() + 2);
  a.push_back(' ');  // step 2, and step 3 in the same pass
  for (const char c : text) {
    if (is_spaced_symbol(c)) {
      a.push_back(' ');
      a.push_back(c);
      a.push_back(' ');
    } else {
      a.push_back(c);
    }
  }
  a.push_back(' ');
  const auto not_digit = [](char c) { return !is_digit(c); };
  substitute_pairs(a, b, not_digit, is_period_or_comma, "", " ", " ");
  substitute_pairs(b, a, is_period_or_comma, not_digit, " ", " ", "");
  substitute_pairs(
      a, out, is_digit, [](char c) { return c == '-'; }, "", " ", " ");
}

}  // namespace detail

std::string tokenize_13a(std::string_view text) {
  std::string spaced;
  detail::space_out_13a(text, spaced);
  return join_tokens(spaced);
}

}  // namespace nmt::eval
