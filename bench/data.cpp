// Data pipeline throughput on the default corpus (corpora/en-fr train): sentence pairs per
// second through read (gzip) + SentencePiece encode + batching into padded matrices, with
// a joint 8k SentencePiece vocabulary. Training that vocabulary is timed separately,
// once, since a run does it once while it reads and encodes on every start.
// Then the distinct batch shapes per epoch with widths rounded up to multiples of 1, 4 and 8.
//
//   bench-data [corpus_dir [subword_threads]]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "nmt/data/batching.h"
#include "nmt/data/encoded_corpus.h"
#include "nmt/data/parallel_corpus.h"
#include "nmt/data/vocabularies.h"
#include "nmt/graph/cpu_info.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

struct PipelineTimes {
  double read = 0, encode = 0, batch = 0;
  double total() const { return read + encode + batch; }
};

}  // namespace

int main(int argc, char** argv) {
  using namespace nmt::data;
  const std::filesystem::path corpus_dir =
      argc > 1 ? std::filesystem::path(argv[1]) : std::filesystem::path(NMT_SOURCE_DIR) / "corpora/en-fr";
  const int subword_threads = argc > 2 ? std::atoi(argv[2]) : 1;
  const auto source_file = corpus_dir / "train.en.gz";
  const auto target_file = corpus_dir / "train.fr.gz";

  // SentencePiece and plain C++, no oneDNN: the CPU model is what the figures depend on.
  std::printf("bench-data: cpu: %s, %d subword thread%s\n", nmt::graph::cpu_model_name().c_str(), subword_threads,
              subword_threads == 1 ? "" : "s");
  auto start = Clock::now();
  const auto corpus = ParallelCorpus::read(source_file, target_file);
  const double first_read = seconds_since(start);

  VocabularyOptions vocabulary_options;
  vocabulary_options.subword.vocab_size = 8000;
  vocabulary_options.subword.threads = subword_threads;
  vocabulary_options.joint = true;
  start = Clock::now();
  const auto vocabularies = train_vocabularies(corpus, vocabulary_options);
  const double training = seconds_since(start);

  std::printf("corpus: %s, %zu pairs (%zu empty skipped), first read %.3f s\n", corpus_dir.c_str(), corpus.size(),
              corpus.skipped_empty_pairs(), first_read);
  std::printf(
      "SentencePiece: joint unigram, %d pieces, trained on %zu sentences in %.2f s "
      "(%d thread%s)\n",
      vocabularies.source->size(), 2 * corpus.size(), training, subword_threads, subword_threads == 1 ? "" : "s");

  const BatchingOptions batching;  // 4000 padded tokens, max length 200
  constexpr int kRepeats = 3;
  std::vector<PipelineTimes> runs;
  for (int repeat = 0; repeat < kRepeats; ++repeat) {
    PipelineTimes times;
    start = Clock::now();
    const auto read = ParallelCorpus::read(source_file, target_file);
    times.read = seconds_since(start);

    start = Clock::now();
    auto encoded = std::make_shared<const EncodedCorpus>(encode_corpus(read, vocabularies));
    times.encode = seconds_since(start);

    start = Clock::now();
    TrainingBatcher batcher(encoded, batching);
    size_t real_target = 0, padded_target = 0, real_source = 0, padded_source = 0, rows = 0;
    for (size_t b = 0; b < batcher.batches_per_epoch(); ++b) {
      const Batch batch = batcher.next();
      rows += batch.rows;
      real_target += batch.target_tokens();
      padded_target += batch.padded_target_tokens();
      real_source += batch.source_tokens();
      padded_source += batch.padded_source_tokens();
    }
    times.batch = seconds_since(start);
    runs.push_back(times);

    if (repeat == 0) {
      const auto& filtered = batcher.filter_stats();
      std::printf(
          "tokens: %.1f source, %.1f target per sentence (EOS included); "
          "filtered: %zu longer than %zu, %zu empty\n",
          double(real_source) / double(rows), double(real_target) / double(rows), filtered.too_long,
          batching.max_length, filtered.empty_side);
      std::printf(
          "batches: %zu per epoch of <= %zu padded tokens, %.1f rows on average; "
          "padding %.2f%% of target, %.2f%% of source cells\n",
          batcher.batches_per_epoch(), batching.max_tokens, double(rows) / double(batcher.batches_per_epoch()),
          100.0 * (1.0 - double(real_target) / double(padded_target)),
          100.0 * (1.0 - double(real_source) / double(padded_source)));
    }
  }
  // Distinct batch shapes (rows, source width, target width): each one creates its own oneDNN
  // primitives and buffer sizes (issue 15). With the default recipe's batching (2000 tokens,
  // max length 100), over one epoch and over five.
  {
    const auto encoded = std::make_shared<const EncodedCorpus>(encode_corpus(corpus, vocabularies));
    const std::pair<size_t, size_t> multiples[] = {{1, 1}, {4, 1}, {8, 1}, {4, 8}};
    for (const auto& [multiple, row_multiple] : multiples) {
      BatchingOptions recipe_batching;
      recipe_batching.max_tokens = 2000;
      recipe_batching.max_length = 100;
      recipe_batching.width_multiple = multiple;
      recipe_batching.row_multiple = row_multiple;
      TrainingBatcher batcher(encoded, recipe_batching);
      std::set<std::tuple<size_t, size_t, size_t>> shapes, widths;
      std::set<size_t> row_counts;
      size_t first_epoch = 0;
      double real = 0, padded = 0;
      for (size_t b = 0; b < 5 * batcher.batches_per_epoch(); ++b) {
        const Batch batch = batcher.next();
        shapes.insert({batch.rows, batch.source_width, batch.target_width});
        widths.insert({0, batch.source_width, batch.target_width});
        row_counts.insert(batch.rows);
        real += double(batch.target_tokens() + batch.source_tokens());
        padded += double(batch.padded_target_tokens() + batch.padded_source_tokens());
        if (b + 1 == batcher.batches_per_epoch()) first_epoch = shapes.size();
      }
      std::printf(
          "batch shapes, widths rounded up to a multiple of %zu, rows to %zu (2000 tokens, max length 100): "
          "%zu in the first epoch of %zu batches, %zu in five epochs (%zu width pairs, %zu row counts); "
          "padding %.2f%% of all cells\n",
          multiple, row_multiple, first_epoch, batcher.batches_per_epoch(), shapes.size(), widths.size(),
          row_counts.size(), 100.0 * (1.0 - real / padded));
    }
  }
  const auto best =
      *std::min_element(runs.begin(), runs.end(), [](const auto& a, const auto& b) { return a.total() < b.total(); });
  const double pairs = double(corpus.size());
  std::printf("read %.3f s + encode %.3f s + batch %.3f s = %.3f s (best of %d)\n", best.read, best.encode, best.batch,
              best.total(), kRepeats);
  std::printf(
      "throughput: %.0f sentence pairs/s through read + encode + batch "
      "(read %.0f, encode %.0f, batch %.0f pairs/s)\n",
      pairs / best.total(), pairs / best.read, pairs / best.encode, pairs / best.batch);
  return 0;
}
