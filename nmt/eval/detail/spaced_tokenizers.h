// The tokenizers' rules without their final ' '.join(line.split()): `out` holds the
// tokens separated by whitespace of any width. BLEU splits the result anyway, so it skips
// normalizing the spaces; tokenize_13a() and tokenize_intl() add that step.
#pragma once

#include <string>
#include <string_view>

#include "nmt/eval/tokenizer.h"

namespace nmt::eval::detail {

void space_out_13a(std::string_view text, std::string& out);
void space_out_intl(std::string_view text, std::string& out);

// split_whitespace(out) gives the tokens of split_whitespace(tokenize(tokenizer, text)).
void space_out_tokens(Tokenizer tokenizer, std::string_view text, std::string& out);

}  // namespace nmt::eval::detail
