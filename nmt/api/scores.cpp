// nmt::bleu and nmt::chrf (nmt/nmt.h): sacreBLEU's corpus scores, as nmt-bleu computes them.
#include <exception>

#include "nmt/eval/bleu.h"
#include "nmt/eval/chrf.h"
#include "nmt/nmt.h"

namespace nmt {

double bleu(const std::vector<std::string>& hypotheses, const std::vector<std::vector<std::string>>& references,
            const std::string& tokenize, bool lowercase) {
  eval::BleuOptions options;
  const auto tokenizer = eval::parse_tokenizer(tokenize);
  if (!tokenizer) throw Error("tokenize must be 13a, intl, char or none, not '" + tokenize + "'");
  options.tokenizer = *tokenizer;
  options.lowercase = lowercase;
  if (references.empty()) throw Error("bleu: no reference stream");
  try {
    return eval::corpus_bleu(hypotheses, references, options).score;
  } catch (const std::exception& e) {
    throw Error(std::string("bleu: ") + e.what());
  }
}

double chrf(const std::vector<std::string>& hypotheses, const std::vector<std::vector<std::string>>& references,
            int word_order) {
  if (word_order < 0) throw Error("chrf: word_order must be 0 or more, not " + std::to_string(word_order));
  if (references.empty()) throw Error("chrf: no reference stream");
  eval::ChrfOptions options;
  options.word_order = word_order;
  try {
    return eval::corpus_chrf(hypotheses, references, options).score;
  } catch (const std::exception& e) {
    throw Error(std::string("chrf: ") + e.what());
  }
}

}  // namespace nmt
