// Labelling sentences with a trained classifier (models/classifier.h): encoded with its
// SentencePiece model, in batches of similar length (data/decoding_batches.h), each
// prediction returned in input order. The trainer scores its dev and test splits with it and
// nmt-classify labels files with it, so the two cannot differ.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "nmt/data/sentencepiece_model.h"
#include "nmt/models/classifier.h"

namespace nmt::decode {

struct Classification {
  models::Prediction prediction;  // label, probability, attention weights per head over ids
  std::vector<std::int32_t> ids;  // the sentence's subwords, EOS included (the weights' columns)
};

// Every sentence once (an empty one is EOS alone); batches of at most batch_tokens padded
// tokens, a longer sentence in a batch of its own.
std::vector<Classification> classify(const models::Classifier& model, const data::SentencePieceModel& vocabulary,
                                     std::span<const std::string> sentences, std::size_t batch_tokens);

}  // namespace nmt::decode
