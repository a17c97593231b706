// The BLEU tokenizers of sacreBLEU 2.x: 13a (the default), intl, char and none.
//
// Each takes one segment of UTF-8 text and returns the tokens joined by spaces, as
// sacreBLEU's tokenizers return strings; BLEU then splits the result on whitespace.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nmt::eval {

enum class Tokenizer {
  mteval_13a,  // mteval-v13a.pl's tokenization, the WMT standard
  intl,        // mteval-v14.pl's international tokenization (Unicode punctuation and symbols)
  characters,  // every character a token, for languages written without spaces
  none,        // the text as it is, already tokenized
};

// The name sacreBLEU uses on its command line and in signatures ("13a", "intl", ...).
std::string_view tokenizer_name(Tokenizer tokenizer);
std::optional<Tokenizer> parse_tokenizer(std::string_view name);

std::string tokenize(Tokenizer tokenizer, std::string_view text);

std::string tokenize_13a(std::string_view text);
std::string tokenize_intl(std::string_view text);
std::string tokenize_char(std::string_view text);

}  // namespace nmt::eval
