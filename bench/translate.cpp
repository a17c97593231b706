// bench-translate: decoding speed of a trained model on the en-fr test split: sentences/s and
// target subwords/s with beam 5 and beam 1, in batches of 32 sentences (one call, as nmt-translate
// translates a file: each thread decodes batches of its own) and one sentence at a time (one call
// per sentence: the latency of a single request, on all threads), with test BLEU to show the
// settings are comparable.
//
//   build/release/bin/bench-translate -m runs/en-fr/model.nmt [--threads N] [--single-sentences N]
//                                     [--precision f32,bf16,int8,auto] [--profile]
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "nmt/data/text_file.h"
#include "nmt/decode/translator.h"
#include "nmt/eval/bleu.h"
#include "nmt/graph/cpu_info.h"
#include "nmt/graph/engine.h"
#include "nmt/graph/memory_pool.h"
#include "nmt/graph/openmp_waiting.h"
#include "nmt/graph/ops.h"
#include "nmt/graph/precision.h"
#include "nmt/graph/primitive_cache.h"
#include "nmt/graph/profiler.h"
#include "nmt/graph/resident_memory.h"
#include "nmt/models/factory.h"
#include "nmt/models/saved_model.h"
#include "options.h"

using namespace nmt;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  nmt::graph::restart_with_openmp_spin_count(argv);  // before any parallel region; see openmp_waiting.h
  nmt::graph::set_default_memory_pool_capacity(nmt::graph::kDecodingMemoryPoolCapacity);  // as nmt-translate
  const bench::Options args(argc, argv,
                            "bench-translate -m MODEL [--threads N] [--single-sentences N] "
                            "[--precision f32,bf16,int8,auto] [--profile]",
                            {"-m", "--threads", "--single-sentences", "--precision"}, {"--profile"});
  // With --profile, every oneDNN primitive and every section of decoding (graph/profiler.h) is
  // timed, and the tables of each run (beam 5 and greedy, batch 32 and one sentence at a time)
  // printed after the others, per precision. Batches of 32 are still decoded side by side, one
  // per thread, as unprofiled; timing each primitive and section slows the runs a little.
  const bool profile = args.has("--profile");
  graph::set_profiling(profile);
  std::map<std::tuple<graph::Precision, int, std::size_t>, std::string> profiles;
  const std::string model_path = args.text("-m", "");
  if (model_path.empty()) args.fail("give a model with -m");
  const int threads = static_cast<int>(args.number("--threads", 2, 1));
  const auto single = static_cast<std::size_t>(args.number("--single-sentences", 200, 1));
  // Each precision named (comma-separated; auto as nmt-translate chooses it) is measured in turn;
  // bf16 / f32 and int8 / f32 ratios at the end.
  std::vector<graph::Precision> precisions;
  for (std::size_t begin = 0, end = 0; end != std::string::npos; begin = end + 1) {
    const std::string text = args.text("--precision", "f32");
    end = text.find(',', begin);
    const std::string name = text.substr(begin, end == std::string::npos ? end : end - begin);
    const graph::PrecisionChoice chosen = graph::choose_precision(name);  // as nmt-translate: auto included
    if (!chosen.error.empty()) args.fail("--precision " + chosen.error);
    if (!chosen.warning.empty()) std::printf("bench-translate: warning: --precision %s\n", chosen.warning.c_str());
    precisions.push_back(chosen.precision);
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
  for (const graph::Precision precision : precisions)
    std::printf("bench-translate: %s linear layers on %s\n", graph::precision_name(precision).c_str(),
                graph::linear_kernel_name(precision).c_str());
  std::printf("\n%9s %6s %6s %10s %12s %14s %12s %8s %11s %12s\n", "precision", "beam", "batch", "sentences",
              "sentences/s", "target sub/s", "ms/sentence", "BLEU", "primitives", "allocations");
  std::map<std::tuple<int, std::size_t, graph::Precision>, double> speed;  // sentences/s
  for (const graph::Precision precision : precisions) {
    // Each precision starts as a fresh process would: no primitives or buffers another one made
    // (the int8 runs would otherwise find the f32 runs' attention and softmax primitives ready).
    graph::clear_primitive_caches();
    graph::release_packed_weights();  // the previous precision's weight copies
    graph::release_cached_buffers();
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
        o.precision = precision;
        const std::size_t primitives_before = graph::all_primitive_cache_stats().misses;
        const std::size_t allocations_before = graph::memory_pool_stats().system_allocations;
        graph::reset_profile();
        start = Clock::now();
        // Batches of 32: one call, as nmt-translate on a file (batches side by side, one per
        // thread). One sentence at a time: one call per sentence, as single requests come, each
        // decoded on all threads.
        decode::Translations t;
        if (batch > 1) {
          t = decode::translate(*saved.model, saved.vocabularies, input, o);
        } else {
          for (const std::string& line : input) {
            decode::Translations one = decode::translate(*saved.model, saved.vocabularies, {&line, 1}, o);
            t.sentences.push_back(std::move(one.sentences.front()));
          }
        }
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        std::size_t pieces = 0;
        for (const auto& s : t.sentences)
          if (!s.n_best.empty()) pieces += s.n_best.front().pieces.size() + 1;
        const double bleu = eval::corpus_bleu(t.best_lines(), {refs}).score;
        std::printf("%9s %6d %6zu %10zu %12.1f %14.0f %12.1f %8.2f %11zu %12zu\n",
                    graph::precision_name(precision).c_str(), beam, batch, n, n / seconds, pieces / seconds,
                    1000 * seconds / n, bleu, graph::all_primitive_cache_stats().misses - primitives_before,
                    graph::memory_pool_stats().system_allocations - allocations_before);
        std::fflush(stdout);
        speed[{beam, batch, precision}] = n / seconds;
        if (profile) {
          // Batches of 32 are decoded side by side, one per thread: the sections add up both
          // threads' seconds, against the wall time times the threads.
          const int section_threads = batch > 1 ? graph::compute_threads() : 1;
          const std::int64_t steps = graph::section_calls("decoder step (other)");
          profiles[{precision, beam, batch}] = fmt::format(
              "{} decoding steps, {:.3f} s on {} thread(s) side by side:\n{}\n{}", steps, seconds, section_threads,
              graph::section_report(seconds, steps, section_threads), graph::profile_report());
        }
      }
    }
  }
  for (const graph::Precision other : {graph::Precision::bf16, graph::Precision::int8}) {
    if (!speed.count({5, 32, graph::Precision::f32}) || !speed.count({5, 32, other})) continue;
    std::printf("\n%s / f32 sentences/s:", graph::precision_name(other).c_str());
    for (int beam : {5, 1})
      for (std::size_t batch : {std::size_t{32}, std::size_t{1}})
        std::printf(" beam %d batch %zu %.2fx;", beam, batch,
                    speed[{beam, batch, other}] / speed[{beam, batch, graph::Precision::f32}]);
    std::printf("\n");
  }
  for (const auto& [key, report] : profiles)
    std::printf("\nwhere the time went, %s, beam %d, batch %zu: %s", graph::precision_name(std::get<0>(key)).c_str(),
                std::get<1>(key), std::get<2>(key), report.c_str());
  const graph::PrimitiveCacheStats primitives = graph::all_primitive_cache_stats();  // every thread's
  const graph::MemoryPoolStats pool = graph::memory_pool_stats();
  std::printf(
      "\nprimitive cache: %zu held (capacity %zu), %zu evictions; memory pool: peak %.0f MiB in use, %.0f MiB "
      "cached (capacity %.0f MiB); peak resident memory %.0f MiB\n",
      primitives.size, primitives.capacity, primitives.evictions, pool.peak_bytes_in_use / 1048576.0,
      pool.bytes_cached / 1048576.0, pool.capacity / 1048576.0, graph::peak_resident_mib());
  return 0;
}
