// Batched beam search over the model step interface.
//
// Every sentence of the batch keeps `beam_size` live hypotheses as rows of one decoder state;
// each step scores all of them at once, keeps for each sentence the best beam_size extensions
// of its rows, and moves hypotheses that end in EOS to the sentence's finished list. A
// sentence is done when it has beam_size finished hypotheses (or reached the length limit,
// where its live ones are finished as they are); its rows then leave the batch, so the steps
// that remain cost only what the open sentences need.
//
// Finished hypotheses are ranked by log P(y|x) / |y|^alpha (alpha = length_penalty; 0 ranks
// by probability alone, 1 by the per-token average), |y| counting EOS.
#pragma once

#include <cstdint>
#include <vector>

#include "nmt/data/batch.h"
#include "nmt/models/model.h"

namespace nmt::decode {

struct BeamOptions {
  int beam_size = 5;
  double length_penalty = 1.0;    // alpha
  int n_best = 1;                 // hypotheses returned per sentence (<= beam_size)
  double max_length_ratio = 2.0;  // at most ratio * source length + 10 target tokens (EOS included)
  std::int64_t max_length = 0;    // and at most this many (0: no absolute limit)
  bool attention = false;         // keep each hypothesis' attention rows
};

struct Hypothesis {
  std::vector<std::int32_t> tokens;  // without EOS
  double log_probability = 0;        // sum over the tokens and EOS (if it ended with one)
  double score = 0;                  // the length-normalised ranking score
  bool complete = true;              // ended with EOS (false: cut at the length limit)
  // attention[i]: weights over the source positions for target token i (EOS last, if any)
  std::vector<std::vector<float>> attention;
};

// n-best lists (best first) for the rows of `sources`, in row order.
std::vector<std::vector<Hypothesis>> beam_search(const models::Seq2SeqModel& model, const data::Batch& sources,
                                                 const BeamOptions& options);

}  // namespace nmt::decode
