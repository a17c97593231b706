// Where the attention of a set of translations goes along the source, in three numbers: a
// compact view of whether a mechanism has learnt to follow the sentence (Luong et al. 2015's
// local-p must learn its position p_t, eq. 9; luong-location its positions, section 3.1)
// that the trainer logs at every validation.
//
// For target token t (of T, EOS included) of a sentence of S source positions (its pieces
// and EOS; the rows' padding columns are left out), the centroid of its weights sum_s a_t(s) * s, divided by S - 1, is
// where it looks: 0 the first source token, 1 the source's EOS. For local-p this is p_t / (S - 1) but where the window
// meets the sentence's ends.
#pragma once

#include <cstddef>

#include "nmt/decode/translator.h"

namespace nmt::decode {

struct AttentionProfile {
  std::size_t tokens = 0;  // target tokens counted (sentences with S >= 2 and T >= 2)
  double centre = 0;       // the mean relative centroid: 0.5 for attention stuck in the middle
  double spread = 0;       // its standard deviation within a sentence, averaged over sentences
  // The correlation (Pearson) of the relative centroid with the relative target position
  // t / (T - 1) over all tokens: near 1 when attention moves along the source as the
  // translation proceeds (en-fr is nearly monotonic), near 0 when it does not follow.
  double diagonal = 0;
};

// The best hypothesis of each sentence, with its attention rows (TranslateOptions::beam.attention).
// No tokens (all zero) when the translations hold no attention rows.
AttentionProfile attention_profile(const Translations& translations);

}  // namespace nmt::decode
