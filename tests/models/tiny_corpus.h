// What every model's tests share: a tiny synthetic corpus, and training on it until greedy
// search reproduces every target exactly (the "memorises a tiny corpus" specification).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <string>
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
// every 25 updates; stops when every sentence is reproduced or after max_steps updates. Its
// products (training and the greedy checks) compute in `precision` (graph/precision.h).
inline Memorisation memorise(Seq2SeqModel& model, const data::EncodedCorpus& corpus,
                             const train::AdamOptions& adam_options, int max_steps,
                             graph::Precision precision = graph::Precision::f32) {
  const data::Batch batch = data::make_training_batch(corpus, all_rows(corpus.size()));
  const graph::PrecisionGuard products(precision);
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
    const graph::PrecisionGuard int8(graph::Precision::int8);
    m.correct_in_int8 = static_cast<long>(reproduced(model, corpus, batch));
  }
  return m;
}

// How far the gradients of one full batch of `corpus` computed with bf16 products are from the
// f32 ones, for each parameter p: |g_bf16(p) - g_f32(p)| / max(|g_f32(p)|, |g_f32| / 10), Euclidean
// norms over p's elements and, for |g_f32|, over all parameters. The floor keeps parameters whose
// gradient nearly cancels (a bias in front of a softmax, say: |g| ~ 1e-4 |g_f32|) from turning
// absolute differences far below the gradient's scale into large ratios.
inline std::map<std::string, double> bf16_gradient_errors(Seq2SeqModel& model, const data::EncodedCorpus& corpus) {
  const data::Batch batch = data::make_training_batch(corpus, all_rows(corpus.size()));
  const auto gradients = [&](graph::Precision precision) {
    const graph::PrecisionGuard products(precision);
    model.parameters().zero_grads();
    const LossResult r = model.loss(batch, {});
    graph::backward(r.loss, graph::Tensor::scalar(1.0f / static_cast<float>(r.target_tokens)));
    std::map<std::string, std::vector<float>> g;
    for (const auto& [name, var] : model.parameters().entries())
      if (var.grad().defined()) g[name].assign(var.grad().data(), var.grad().data() + var.grad().numel());
    return g;
  };
  const auto f32 = gradients(graph::Precision::f32);
  const auto bf16 = gradients(graph::Precision::bf16);
  std::map<std::string, double> difference, norm;
  double total_norm = 0;
  for (const auto& [name, reference] : f32) {
    const std::vector<float>& other = bf16.at(name);
    for (std::size_t i = 0; i < reference.size(); ++i) {
      difference[name] += (other[i] - reference[i]) * static_cast<double>(other[i] - reference[i]);
      norm[name] += reference[i] * static_cast<double>(reference[i]);
    }
    total_norm += norm[name];
  }
  std::map<std::string, double> errors;
  for (const auto& [name, squared] : difference)
    errors[name] = std::sqrt(squared / std::max({norm[name], total_norm / 100, 1e-30}));
  return errors;
}

// The gradients of a tiny model with bf16 products: every parameter's bf16_gradient_errors under
// 0.1 (the largest seen: 0.035 for the Transformer, 0.005 for the RNNs; AMD EPYC
// avx512_core_bf16), and at least one above 1e-3 (else the products did not round at all).
inline void expect_bf16_gradients_close_to_f32(Seq2SeqModel& model, const data::EncodedCorpus& corpus) {
  double largest = 0;
  for (const auto& [name, error] : bf16_gradient_errors(model, corpus)) {
    EXPECT_LT(error, 0.1) << name;
    largest = std::max(largest, error);
  }
  EXPECT_GT(largest, 1e-3) << "the bf16 products computed as f32";
}

}  // namespace nmt::models::testing
