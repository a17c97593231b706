// bench-train-rnn: training throughput of the RNN encoder-decoder for every attention type on
// the default en-fr corpus (embeddings 256, LSTM 256 per direction, decoder 256, joint 8k
// SentencePiece vocabulary, batches of about 2,000 target tokens), in target tokens per second
// and as a fraction of the oneDNN matmul ceiling of the same precision measured in the same run.
// --precision bf16 computes the products and the LSTM layers in bf16 (graph/precision.h), as
// `training.precision: bf16` does.
//
//   build/release/bin/bench-train-rnn [--steps N] [--threads N] [--max-tokens N] [--attention TYPE]... [--profile]
//                                     [--precision f32|bf16]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "matmul_ceiling.h"
#include "nmt/data/batching.h"
#include "nmt/data/encoded_corpus.h"
#include "nmt/data/vocabularies.h"
#include "nmt/graph/cpu_info.h"
#include "nmt/graph/engine.h"
#include "nmt/graph/memory_pool.h"
#include "nmt/graph/openmp_waiting.h"
#include "nmt/graph/parameters.h"
#include "nmt/graph/precision.h"
#include "nmt/graph/profiler.h"
#include "nmt/models/rnn_seq2seq.h"
#include "nmt/train/optimizer.h"

using namespace nmt;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Multiply-add FLOPs of the products of one training step (forward + backward = 3x forward).
double step_flops(const models::RnnConfig& c, const data::Batch& b) {
  const double src = double(b.rows) * b.source_width, tgt = double(b.rows) * b.target_width;
  const double e = c.embedding_size, h = c.encoder_hidden, d = c.decoder_hidden, k = 2 * h, v = c.target_vocabulary;
  const double s = b.source_width;
  double f = 2 * src * 2 * 4 * h * (e + h);  // encoder, both directions
  const layers::AttentionMechanism& mechanism = layers::attention_mechanism(c.attention.mechanism);
  double input = e;
  if (mechanism.scores_previous_state)
    input += k;
  else if (!mechanism.is_none() && c.input_feeding)
    input += d;
  f += 2 * tgt * 4 * d * (input + d);  // decoder LSTM
  f += 2 * tgt * d * v;                // output projection
  if (!mechanism.is_none()) {
    f += 2 * tgt * (k + d) * d;  // W_c
    f += mechanism.forward_flops(
        c.attention,
        {.source_positions = src, .target_positions = tgt, .source_width = s, .query_size = d, .value_size = k});
  }
  return 3 * f;
}

}  // namespace

int main(int argc, char** argv) {
  nmt::graph::restart_with_openmp_spin_count(argv);  // before any parallel region; see openmp_waiting.h
  int steps = 30, threads = 2;
  std::size_t max_tokens = 2000;
  std::vector<std::string> types;
  std::string precision_text = "f32";
  bool profile = false;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--profile") {
      profile = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "bench-train-rnn: %s needs a value\n", flag.c_str());
      return 2;
    }
    const std::string value = argv[++i];
    if (flag == "--steps")
      steps = std::stoi(value);
    else if (flag == "--threads")
      threads = std::stoi(value);
    else if (flag == "--max-tokens")
      max_tokens = std::stoul(value);
    else if (flag == "--attention")
      types.push_back(value);
    else if (flag == "--precision")
      precision_text = value;
    else {
      std::fprintf(stderr, "bench-train-rnn: unknown option %s\n", flag.c_str());
      return 2;
    }
  }
  if (types.empty()) types = layers::attention_mechanism_names();
  const auto precision = graph::parse_precision(precision_text);
  if (!precision || *precision == graph::Precision::int8) {
    std::fprintf(stderr, "bench-train-rnn: --precision: '%s' is not f32 or bf16\n", precision_text.c_str());
    return 2;
  }
  if (const std::string reason = graph::precision_unavailable_reason(*precision); !reason.empty()) {
    std::fprintf(stderr, "bench-train-rnn: --precision %s: %s\n", precision_text.c_str(), reason.c_str());
    return 2;
  }
  const graph::PrecisionGuard products(*precision);
  if (*precision == graph::Precision::bf16)  // as nmt-train sets it
    graph::set_default_memory_pool_capacity(graph::kBf16TrainingMemoryPoolCapacity);
  graph::set_compute_threads(threads);

  const std::string dir = std::string(NMT_SOURCE_DIR) + "/corpora/en-fr/";
  auto start = Clock::now();
  const data::ParallelCorpus corpus = data::ParallelCorpus::read(dir + "train.en.gz", dir + "train.fr.gz");
  data::VocabularyOptions vocab_options;
  vocab_options.subword.vocab_size = 8000;
  const data::Vocabularies vocab = data::train_vocabularies(corpus, vocab_options);
  auto encoded = std::make_shared<const data::EncodedCorpus>(data::encode_corpus(corpus, vocab));
  std::printf("bench-train-rnn: %s\n", graph::cpu_line().c_str());
  std::printf(
      "bench-train-rnn: %zu pairs, joint %d-piece vocabulary (%.1f s), %d threads, %zu target tokens per batch\n",
      corpus.size(), vocab.target->size(), seconds_since(start), graph::compute_threads(), max_tokens);
  std::string implementation;
  const double ceiling = bench::matmul_ceiling(
      2.0, implementation, *precision == graph::Precision::bf16 ? graph::DataType::bf16 : graph::DataType::f32);
  std::printf("oneDNN %s matmul ceiling (2000x256 x 256x8000): %.1f GFLOP/s (%s); products in %s\n\n",
              precision_text.c_str(), ceiling, implementation.c_str(), precision_text.c_str());
  std::printf("%-15s %8s %12s %10s %10s %8s\n", "attention", "steps", "tgt tok/s", "GFLOP/s", "ceiling", "loss");

  for (const std::string& name : types) {
    models::RnnConfig config;
    config.source_vocabulary = config.target_vocabulary = vocab.target->size();
    config.attention.mechanism = name;
    config.decoder_hidden = 256;
    // The dot score needs decoder = 2 x encoder.
    config.encoder_hidden = layers::attention_mechanism(name).uses_dot_score(config.attention) ? 128 : 256;
    config.attention.max_source_length = 201;
    models::RnnSeq2Seq model(config, 1);
    train::Adam adam(model.parameters().vars(), {});
    data::BatchingOptions batching;
    batching.max_tokens = max_tokens;
    data::TrainingBatcher batcher(encoded, batching);
    graph::RandomGenerator dropout(5);
    double tokens = 0, flops = 0, elapsed = 0, loss = 0;
    for (int s = 0; s < steps + 3; ++s) {
      const data::Batch batch = batcher.next();
      const auto t0 = Clock::now();
      model.parameters().zero_grads();
      models::LossOptions options;
      options.dropout = &dropout;
      const models::LossResult r = model.loss(batch, options);
      graph::backward(r.loss, graph::Tensor::scalar(
                                  1.0f / static_cast<float>(r.target_tokens)));  // the per-token scale seeds backward
      const std::vector<graph::Var> vars = model.parameters().vars();
      train::clip_grad_norm(vars, 5.0);
      adam.step();
      if (s < 3) {  // warm-up: primitive creation for new shapes
        if (s == 2 && profile) {
          graph::reset_profile();
          graph::set_profiling(true);
        }
        continue;
      }
      elapsed += seconds_since(t0);
      tokens += static_cast<double>(r.target_tokens);
      flops += step_flops(config, batch);
      loss = r.loss.value().item() / static_cast<double>(r.target_tokens);
    }
    std::printf("%-15s %8d %12.0f %10.1f %9.0f%% %8.3f\n", name.c_str(), steps, tokens / elapsed, flops / elapsed / 1e9,
                100 * flops / elapsed / 1e9 / ceiling, loss);
    if (profile) {
      graph::set_profiling(false);
      std::printf("%s(of %.2f s of training steps)\n\n", graph::profile_report().c_str(), elapsed);
    }
    std::fflush(stdout);
  }
  return 0;
}
