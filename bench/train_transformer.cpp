// bench-train-transformer: training throughput of the Transformer on the default en-fr corpus
// (3 + 3 layers, d_model 256, feed-forward 1024, 4 heads, the joint 8k SentencePiece
// vocabulary with tied embeddings, batches of about 2,000 target tokens, dropout 0.1, label
// smoothing 0.1), in target tokens per second and achieved GFLOP/s of its products, beside the
// oneDNN matmul ceiling of the same precision measured in the same run. --precision bf16 computes
// the products in bf16 (graph/precision.h), as `training.precision: bf16` does.
//
//   build/release/bin/bench-train-transformer [--steps N] [--threads N] [--max-tokens N] [--post-norm]
//                                             [--precision f32|bf16] [--profile]
// --profile adds the time of every oneDNN primitive kind and implementation over the measured
// steps, and what the steps spent outside primitives (the graph, Adam, gradient clipping).
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
#include "nmt/graph/primitive_cache.h"
#include "nmt/graph/profiler.h"
#include "nmt/graph/resident_memory.h"
#include "nmt/models/transformer.h"
#include "nmt/train/lr_schedule.h"
#include "nmt/train/optimizer.h"
#include "options.h"

using namespace nmt;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// FLOPs (2 per multiply-add) of the products of one training step over the padded batch;
// forward + backward = 3x forward (the first layer's input gradient feeds the embeddings).
double step_flops(const models::TransformerConfig& c, const data::Batch& b) {
  const double rows = static_cast<double>(b.rows), s = static_cast<double>(b.source_width),
               t = static_cast<double>(b.target_width);
  const double src = rows * s, tgt = rows * t;
  const double d = static_cast<double>(c.d_model), f = static_cast<double>(c.feed_forward),
               v = static_cast<double>(c.target_vocabulary);
  const double ffn = 2 * 2 * d * f;  // W_1 and W_2 per position
  double flops = 0;
  flops += c.encoder_layers * (src * (2 * 4 * d * d + ffn)                  // Q, K, V, W^O; feed-forward
                               + 2 * 2 * rows * s * s * d);                 // Q K^T and weights x V, all heads
  flops += c.decoder_layers * (tgt * (2 * 4 * d * d + 2 * 2 * d * d + ffn)  // self Q,K,V,W^O; cross Q, W^O
                               + src * 2 * 2 * d * d                        // cross K, V of the source
                               + 2 * 2 * rows * t * t * d + 2 * 2 * rows * t * s * d);
  flops += tgt * 2 * d * v;  // output projection
  return 3 * flops;
}

}  // namespace

int main(int argc, char** argv) {
  nmt::graph::restart_with_openmp_spin_count(argv);  // before any parallel region; see openmp_waiting.h
  int steps = 30, threads = 2;
  std::size_t max_tokens = 2000;
  bool pre_norm = true;
  const nmt::bench::Options options(
      argc, argv,
      "bench-train-transformer [--steps N] [--threads N] [--max-tokens N] [--post-norm] [--precision P] [--profile]",
      {"--steps", "--threads", "--max-tokens", "--precision"}, {"--post-norm", "--profile"});
  const bool profile = options.has("--profile");
  const std::string precision_text = options.text("--precision", "f32");
  const auto precision = graph::parse_precision(precision_text);
  if (!precision || *precision == graph::Precision::int8)
    options.fail("--precision: '" + precision_text + "' is not f32 or bf16");
  if (const std::string reason = graph::precision_unavailable_reason(*precision); !reason.empty())
    options.fail("--precision " + precision_text + ": " + reason);
  const graph::PrecisionGuard products(*precision);
  if (*precision == graph::Precision::bf16)  // as nmt-train sets it
    graph::set_default_memory_pool_capacity(graph::kBf16TrainingMemoryPoolCapacity);
  steps = static_cast<int>(options.number("--steps", steps, 1));
  threads = static_cast<int>(options.number("--threads", threads, 1));
  max_tokens = static_cast<std::size_t>(options.number("--max-tokens", static_cast<double>(max_tokens), 16));
  pre_norm = !options.has("--post-norm");
  graph::set_compute_threads(threads);

  const std::string dir = std::string(NMT_SOURCE_DIR) + "/corpora/en-fr/";
  auto start = Clock::now();
  const data::ParallelCorpus corpus = data::ParallelCorpus::read(dir + "train.en.gz", dir + "train.fr.gz");
  data::VocabularyOptions vocab_options;
  vocab_options.subword.vocab_size = 8000;
  const data::Vocabularies vocab = data::train_vocabularies(corpus, vocab_options);
  auto encoded = std::make_shared<const data::EncodedCorpus>(data::encode_corpus(corpus, vocab));
  std::printf("bench-train-transformer: %s\n", graph::cpu_line().c_str());
  std::printf(
      "bench-train-transformer: %zu pairs, joint %d-piece vocabulary (%.1f s), %d threads, %zu target tokens per "
      "batch\n",
      corpus.size(), vocab.target->size(), seconds_since(start), graph::compute_threads(), max_tokens);
  std::string implementation;
  const double ceiling = bench::matmul_ceiling(
      2.0, implementation, *precision == graph::Precision::bf16 ? graph::DataType::bf16 : graph::DataType::f32);
  std::printf("oneDNN %s matmul ceiling (2000x256 x 256x8000, %s): %.1f GFLOP/s\n", precision_text.c_str(),
              implementation.c_str(), ceiling);

  models::TransformerConfig config;
  config.source_vocabulary = config.target_vocabulary = vocab.target->size();
  config.d_model = 256;
  config.feed_forward = 1024;
  config.heads = 4;
  config.encoder_layers = config.decoder_layers = 3;
  config.tie_embeddings = true;
  config.pre_norm = pre_norm;
  models::Transformer model(config, 1);
  std::printf(
      "model: %d+%d layers, d_model %lld, feed-forward %lld, %lld heads, %s, tied embeddings, %lld parameters\n\n",
      config.encoder_layers, config.decoder_layers, static_cast<long long>(config.d_model),
      static_cast<long long>(config.feed_forward), static_cast<long long>(config.heads),
      pre_norm ? "pre-norm" : "post-norm", static_cast<long long>(model.parameters().element_count()));
  train::AdamOptions adam_options;
  adam_options.beta2 = 0.98f;
  train::Adam adam(model.parameters().vars(), adam_options);
  data::BatchingOptions batching;
  batching.max_tokens = max_tokens;
  data::TrainingBatcher batcher(encoded, batching);
  graph::RandomGenerator dropout(5);
  constexpr int kWarmUp = 10;  // primitive creation and pool growth for new shapes
  double tokens = 0, flops = 0, elapsed = 0, loss = 0;
  std::size_t allocations_before = 0, primitives_before = 0;
  double creation_before = 0;
  for (int s = 0; s < steps + kWarmUp; ++s) {
    const data::Batch batch = batcher.next();
    const auto t0 = Clock::now();
    adam.set_learning_rate(static_cast<float>(train::inverse_sqrt_lr_with_peak(s + 1, 4000, 7e-4)));
    model.parameters().zero_grads();
    models::LossOptions options;
    options.dropout = &dropout;
    options.label_smoothing = 0.1f;
    const models::LossResult r = [&] {
      const graph::ProfileSection section("forward and loss");
      return model.loss(batch, options);
    }();
    {
      const graph::ProfileSection section("backward");
      graph::backward(r.loss, graph::Tensor::scalar(
                                  1.0f / static_cast<float>(r.target_tokens)));  // the per-token scale seeds backward
    }
    const std::vector<graph::Var> vars = model.parameters().vars();
    {
      const graph::ProfileSection section("clipping and Adam");
      train::clip_grad_norm(vars, 5.0);
      adam.step();
    }
    if (s < kWarmUp) {
      allocations_before = graph::memory_pool_stats().system_allocations;
      primitives_before = graph::primitive_cache().misses();
      creation_before = graph::primitive_cache().stats().creation_seconds;
      if (s == kWarmUp - 1 && profile) {
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
  const double gflops = flops / elapsed / 1e9;
  const graph::MemoryPoolStats pool = graph::memory_pool_stats();
  const graph::PrimitiveCacheStats primitives = graph::primitive_cache().stats();
  std::printf(
      "measured steps: %zu buffers from the system, %zu new oneDNN primitives (new shapes), %.2f s of %.2f s "
      "creating them\n",
      pool.system_allocations - allocations_before, primitives.misses - primitives_before,
      primitives.creation_seconds - creation_before, elapsed);
  std::printf(
      "primitive cache: %zu held (capacity %zu), %zu evictions; memory pool: %.0f MiB in use (peak %.0f MiB), "
      "%.0f MiB cached (capacity %.0f MiB), %zu evictions; peak resident memory %.0f MiB\n",
      primitives.size, primitives.capacity, primitives.evictions, pool.bytes_in_use / 1048576.0,
      pool.peak_bytes_in_use / 1048576.0, pool.bytes_cached / 1048576.0, pool.capacity / 1048576.0, pool.evictions,
      graph::peak_resident_mib());
  std::printf("%9s %8s %12s %10s %10s %10s %8s\n", "precision", "steps", "tgt tok/s", "GFLOP/s", "ceiling", "fraction",
              "loss");
  std::printf("%9s %8d %12.0f %10.1f %10.1f %9.0f%% %8.3f\n", precision_text.c_str(), steps, tokens / elapsed, gflops,
              ceiling, 100 * gflops / ceiling, loss);
  if (profile) {
    graph::set_profiling(false);
    std::printf("\n%s(of %.2f s of training steps)\n\n%s", graph::profile_report().c_str(), elapsed,
                graph::section_report(elapsed, steps).c_str());
  }
  return 0;
}
