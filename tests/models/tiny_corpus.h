// What every model's tests share: a tiny synthetic corpus, and training on it until greedy
// search reproduces every target exactly (the "memorises a tiny corpus" specification).
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

#include "../decode/greedy_reference.h"
#include "nmt/data/batch.h"
#include "nmt/data/encoded_corpus.h"
#include "nmt/data/special_ids.h"
#include "nmt/graph/precision.h"
#include "nmt/graph/random.h"
#include "nmt/graph/var.h"
#include "nmt/models/model.h"
#include "nmt/train/optimizer.h"

namespace nmt::models::testing {

// `pairs` pairs over 16 ordinary tokens: the target is the source reversed, each token mapped
// to another, with an extra token after odd-length sources (so lengths differ between sides).
inline data::EncodedCorpus tiny_corpus(std::size_t pairs = 30) {
  graph::RandomGenerator gen(301);
  data::EncodedCorpus corpus;
  for (std::size_t i = 0; i < pairs; ++i) {
    const std::size_t length = 3 + gen.next() % 5;
    std::vector<std::int32_t> source(length), target;
    for (auto& id : source) id = data::kFirstOrdinaryId + static_cast<std::int32_t>(gen.next() % 16);
    for (auto it = source.rbegin(); it != source.rend(); ++it)
      target.push_back(data::kFirstOrdinaryId + (*it * 7) % 16);
    if (length % 2) target.push_back(data::kFirstOrdinaryId + 15);
    corpus.source.push_back(source);
    corpus.target.push_back(target);
  }
  return corpus;
}

constexpr std::int32_t kTinyVocabulary = data::kFirstOrdinaryId + 16;

inline std::vector<std::size_t> all_rows(std::size_t n) {
  std::vector<std::size_t> rows(n);
  for (std::size_t i = 0; i < n; ++i) rows[i] = i;
  return rows;
}

// The loss of every sentence of `corpus` in one padded batch, and the sum of the losses of each
// sentence in a batch of its own: equal when padding changes nothing.
struct PaddedAndAloneLosses {
  double together = 0, alone = 0;
};

inline PaddedAndAloneLosses padded_and_alone_losses(const Seq2SeqModel& model, const data::EncodedCorpus& corpus) {
  graph::NoGradGuard no_grad;
  PaddedAndAloneLosses l;
  l.together = model.loss(data::make_training_batch(corpus, all_rows(corpus.size())), {}).loss.value().item();
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    const std::vector<std::size_t> one{i};
    l.alone += model.loss(data::make_training_batch(corpus, one), {}).loss.value().item();
  }
  return l;
}

struct Memorisation {
  std::size_t correct = 0;  // sentences greedy search reproduced exactly at the last check
  int steps = 0;
  // The same check at the end with int8 linear layers (graph/precision.h); -1 where this CPU
  // does not offer int8.
  long correct_in_int8 = -1;
};

// Sentences of `corpus` (in `batch`) that greedy search reproduces exactly.
inline std::size_t reproduced(const Seq2SeqModel& model, const data::EncodedCorpus& corpus, const data::Batch& batch) {
  const auto outputs = decode::testing::greedy_decode(model, batch, 20);
  std::size_t correct = 0;
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    const auto& expected = corpus.target[batch.sentence_indices[i]];
    correct += std::equal(outputs[i].begin(), outputs[i].end(), expected.begin(), expected.end());
  }
  return correct;
}

// Full-batch Adam with global-norm clipping 5 on the whole corpus, checking greedy search
// every 25 updates; stops when every sentence is reproduced or after max_steps updates.
inline Memorisation memorise(Seq2SeqModel& model, const data::EncodedCorpus& corpus,
                             const train::AdamOptions& adam_options, int max_steps) {
  const data::Batch batch = data::make_training_batch(corpus, all_rows(corpus.size()));
  train::Adam adam(model.parameters().vars(), adam_options);
  Memorisation m;
  for (; m.steps < max_steps && m.correct < corpus.size(); ++m.steps) {
    model.parameters().zero_grads();
    const LossResult r = model.loss(batch, {});
    graph::backward(r.loss, graph::Tensor::scalar(1.0f / static_cast<float>(r.target_tokens)));
    const std::vector<graph::Var> vars = model.parameters().vars();
    train::clip_grad_norm(vars, 5.0);
    adam.step();
    if (m.steps % 25 == 24) m.correct = reproduced(model, corpus, batch);
  }
  if (graph::precision_unavailable_reason(graph::Precision::int8).empty()) {
    const graph::NoGradGuard no_grad;
    const graph::InferencePrecisionGuard int8(graph::Precision::int8);
    m.correct_in_int8 = static_cast<long>(reproduced(model, corpus, batch));
  }
  return m;
}

}  // namespace nmt::models::testing
