#include "nmt/eval/tokenizer.h"

#include "nmt/eval/detail/spaced_tokenizers.h"
#include "nmt/text/utf8.h"

namespace nmt::eval {

std::string_view tokenizer_name(Tokenizer tokenizer) {
  switch (tokenizer) {
    case Tokenizer::mteval_13a:
      return "13a";
    case Tokenizer::intl:
      return "intl";
    case Tokenizer::characters:
      return "char";
    case Tokenizer::none:
      return "none";
  }
  return "unknown";
}

std::optional<Tokenizer> parse_tokenizer(std::string_view name) {
  for (const Tokenizer tokenizer : {Tokenizer::mteval_13a, Tokenizer::intl, Tokenizer::characters, Tokenizer::none}) {
    if (name == tokenizer_name(tokenizer)) return tokenizer;
  }
  return std::nullopt;
}

std::string tokenize(Tokenizer tokenizer, std::string_view text) {
  switch (tokenizer) {
    case Tokenizer::mteval_13a:
      return tokenize_13a(text);
    case Tokenizer::intl:
      return tokenize_intl(text);
    case Tokenizer::characters:
      return tokenize_char(text);
    case Tokenizer::none:
      return std::string(text);
  }
  return std::string(text);
}

std::string tokenize_char(std::string_view text) {
  // sacreBLEU's TokenizerChar is `" ".join(line)`: every character, spaces included, joined
  // by a space. The spaces vanish when BLEU splits, leaving each other character a token.
  std::string joined;
  joined.reserve(text.size() * 2);
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (pos > 0) joined.push_back(' ');
    text::append_utf8(text::decode_utf8_at(text, pos), joined);
  }
  return joined;
}

namespace detail {

void space_out_tokens(Tokenizer tokenizer, std::string_view text, std::string& out) {
  switch (tokenizer) {
    case Tokenizer::mteval_13a:
      return space_out_13a(text, out);
    case Tokenizer::intl:
      return space_out_intl(text, out);
    case Tokenizer::characters:
      out = tokenize_char(text);
      return;
    case Tokenizer::none:
      out.assign(text);
      return;
  }
}

}  // namespace detail

}  // namespace nmt::eval
