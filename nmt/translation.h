// What translating one input line gives: the best hypotheses, their scores and, when asked for,
// their attention over the source. Plain data, part of the public interface (nmt/nmt.h) and
// what decoding returns inside the library (decode/translator.h).
#pragma once

#include <string>
#include <vector>

namespace nmt {

struct TranslatedHypothesis {
  std::string text;                 // detokenised
  std::vector<std::string> pieces;  // target subwords (EOS not included)
  // log P(target | source) / length^alpha (the length penalty), the ranking score; and the
  // plain log-probability.
  double score = 0, log_probability = 0;
  bool complete = true;  // ended with EOS (false: cut at the length limit)
  // Only when alignments were asked for (and the model has attention):
  // [target piece (+ EOS if complete)][source piece + EOS], each row summing to 1.
  std::vector<std::vector<float>> attention;
};

struct Translation {
  std::vector<std::string> source_pieces;    // what the model read (after any cut), EOS not included
  std::vector<TranslatedHypothesis> n_best;  // best first; empty for an empty input line
  bool truncated = false;                    // the input was longer than the model reads, and was cut
  const std::string& best() const;           // the best hypothesis' text ("" for an empty line)
};

}  // namespace nmt
