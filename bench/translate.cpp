// bench-translate: decoding speed of a trained model on the en-fr test split: sentences/s and
// target subwords/s with beam 5 and beam 1, in batches of 32 sentences and one sentence at a
// time (the latency of a single request), with test BLEU to show the settings are comparable.
//
//   build/release/bin/bench-translate -m runs/en-fr/model.nmt [--threads N] [--single-sentences N]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "nmt/data/text_file.h"
#include "nmt/decode/translator.h"
#include "nmt/eval/bleu.h"
#include "nmt/graph/cpu_info.h"
#include "nmt/graph/engine.h"
#include "nmt/graph/memory_pool.h"
#include "nmt/graph/openmp_waiting.h"
#include "nmt/graph/primitive_cache.h"
#include "nmt/graph/resident_memory.h"
#include "nmt/models/factory.h"
#include "nmt/models/saved_model.h"

using namespace nmt;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  nmt::graph::restart_with_openmp_spin_count(argv);  // before any parallel region; see openmp_waiting.h
  nmt::graph::set_default_memory_pool_capacity(nmt::graph::kDecodingMemoryPoolCapacity);  // as nmt-translate
  std::string model_path;
  int threads = 2;
  std::size_t single = 200;  // sentences for the one-at-a-time runs
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "-m"))
      model_path = argv[i + 1];
    else if (!std::strcmp(argv[i], "--threads"))
      threads = std::stoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--single-sentences"))
      single = std::stoul(argv[i + 1]);
    else {
      std::fprintf(stderr, "bench-translate: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  if (model_path.empty()) {
    std::fprintf(stderr, "usage: bench-translate -m MODEL [--threads N] [--single-sentences N]\n");
    return 2;
  }
  graph::set_compute_threads(threads);
  std::printf("bench-translate: %s\n", graph::cpu_line().c_str());
  auto start = Clock::now();
  const models::SavedModel saved = models::load_model(model_path);
  const double load_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const std::string dir = std::string(NMT_SOURCE_DIR) + "/corpora/en-fr/";
  const std::vector<std::string> sources = data::read_text_lines(dir + "test.en.gz");
  const std::vector<std::string> references = data::read_text_lines(dir + "test.fr.gz");
  std::printf("bench-translate: %s (%s, %s attention), %d threads, model loaded in %.2f s\n\n", model_path.c_str(),
              saved.recipe.model.type.c_str(), saved.model->attention_description().c_str(), graph::compute_threads(),
              load_seconds);
  // The cache columns count what each run added: oneDNN primitives created (new shapes) and
  // buffers taken from the system.
  std::printf("%6s %6s %10s %12s %14s %12s %8s %11s %12s\n", "beam", "batch", "sentences", "sentences/s",
              "target sub/s", "ms/sentence", "BLEU", "primitives", "allocations");
  for (int beam : {5, 1}) {
    for (std::size_t batch : {std::size_t{32}, std::size_t{1}}) {
      const std::size_t n = batch == 1 ? std::min(single, sources.size()) : sources.size();
      const std::vector<std::string> input(sources.begin(), sources.begin() + n);
      const std::vector<std::string> refs(references.begin(), references.begin() + n);
      decode::TranslateOptions o;
      o.beam.beam_size = beam;
      o.batch_sentences = batch;
      o.batch_tokens = 100000;
      o.max_source_length = saved.model->max_source_length();
      const std::size_t primitives_before = graph::primitive_cache().misses();
      const std::size_t allocations_before = graph::memory_pool_stats().system_allocations;
      start = Clock::now();
      const decode::Translations t = decode::translate(*saved.model, saved.vocabularies, input, o);
      const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
      std::size_t pieces = 0;
      for (const auto& s : t.sentences)
        if (!s.n_best.empty()) pieces += s.n_best.front().pieces.size() + 1;
      const double bleu = eval::corpus_bleu(t.best_lines(), {refs}).score;
      std::printf("%6d %6zu %10zu %12.1f %14.0f %12.1f %8.2f %11zu %12zu\n", beam, batch, n, n / seconds,
                  pieces / seconds, 1000 * seconds / n, bleu, graph::primitive_cache().misses() - primitives_before,
                  graph::memory_pool_stats().system_allocations - allocations_before);
      std::fflush(stdout);
    }
  }
  const graph::PrimitiveCacheStats primitives = graph::primitive_cache().stats();
  const graph::MemoryPoolStats pool = graph::memory_pool_stats();
  std::printf(
      "\nprimitive cache: %zu held (capacity %zu), %zu evictions; memory pool: peak %.0f MiB in use, %.0f MiB "
      "cached (capacity %.0f MiB); peak resident memory %.0f MiB\n",
      primitives.size, primitives.capacity, primitives.evictions, pool.peak_bytes_in_use / 1048576.0,
      pool.bytes_cached / 1048576.0, pool.capacity / 1048576.0, graph::peak_resident_mib());
  return 0;
}
