// Dynamic batching: concurrent requests are decoded together and each gets exactly what it
// would get alone, in its own order; with batching off, each request is decoded alone; what is
// submitted before the batcher stops is answered.
#include "nmt/serve/batching_translator.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

namespace nmt::serve {
namespace {

const std::string kModel = std::string(NMT_SOURCE_DIR) + "/tests/data/tiny/fec9a3d/transformer.nmt";

// Twelve requests of one to three sentences from the tiny corpus's words, all different.
std::vector<std::vector<std::string>> requests() {
  const std::vector<std::string> sentences{"Retrieving Python Scripts",
                                           "Double thin",
                                           "With Python",
                                           "Fill",
                                           "Expand",
                                           "Decimal places",
                                           "Chi Squared",
                                           "With statement",
                                           "To enable localizable dialogs"};
  std::vector<std::vector<std::string>> out;
  for (std::size_t r = 0; r < 12; ++r) {
    std::vector<std::string> lines;
    for (std::size_t i = 0; i <= r % 3; ++i) lines.push_back(sentences[(r * 2 + i) % sentences.size()]);
    out.push_back(lines);
  }
  return out;
}

struct Batches {
  std::mutex mutex;
  std::vector<std::pair<std::size_t, std::size_t>> seen;  // (requests, sentences) per batch
  BatchingTranslator::BatchObserver observer() {
    return [this](std::size_t r, std::size_t s) {
      const std::lock_guard lock(mutex);
      seen.emplace_back(r, s);
    };
  }
};

// Submits every request from a thread of its own, all at once; returns the best texts.
std::vector<std::vector<std::string>> translate_concurrently(BatchingTranslator& batcher,
                                                             const std::vector<std::vector<std::string>>& all,
                                                             const TranslationOptions& options) {
  std::vector<std::vector<std::string>> texts(all.size());
  std::atomic<int> go{0};
  std::vector<std::thread> threads;
  for (std::size_t r = 0; r < all.size(); ++r)
    threads.emplace_back([&, r] {
      while (go.load() == 0) std::this_thread::yield();
      for (const Translation& t : batcher.translate(all[r], options)) texts[r].push_back(t.best());
    });
  go = 1;
  for (auto& t : threads) t.join();
  return texts;
}

TEST(BatchingTranslator, ConcurrentRequestsShareBatchesAndEachGetsItsOwnTranslations) {
  const Translator translator(kModel, {1, "f32"});
  const auto all = requests();
  TranslationOptions options;
  options.beam_size = 3;
  std::vector<std::vector<std::string>> alone;
  for (const auto& lines : all) {
    alone.emplace_back();
    for (const Translation& t : translator.translate(lines, options)) alone.back().push_back(t.best());
  }
  Batches batches;
  BatchingOptions batching;
  batching.max_wait = std::chrono::milliseconds(200);  // long enough for every thread to arrive
  batching.max_batch_sentences = 64;
  {
    BatchingTranslator batcher(translator, batching, batches.observer());
    EXPECT_EQ(translate_concurrently(batcher, all, options), alone);
  }
  std::size_t most = 0, sentences = 0;
  for (const auto& [r, s] : batches.seen) {
    most = std::max(most, r);
    sentences += s;
  }
  EXPECT_EQ(sentences, 24u);  // 12 requests of 1, 2 or 3 sentences
  EXPECT_GT(most, 1u) << "no batch held more than one request";
  EXPECT_LT(batches.seen.size(), all.size());
}

TEST(BatchingTranslator, ABatchHoldsAtMostMaxBatchSentencesAndOnlyRequestsWithTheSameOptions) {
  const Translator translator(kModel, {1, "f32"});
  Batches batches;
  BatchingOptions batching;
  batching.max_wait = std::chrono::milliseconds(100);
  batching.max_batch_sentences = 4;
  BatchingTranslator batcher(translator, batching, batches.observer());
  const auto all = requests();
  TranslationOptions greedy;
  greedy.beam_size = 1;
  std::vector<std::thread> threads;
  std::vector<std::string> beam_answer, greedy_answer;
  threads.emplace_back([&] { greedy_answer = {batcher.translate({"Fill"}, greedy).front().best()}; });
  threads.emplace_back([&] { beam_answer = {batcher.translate({"Fill"}, {}).front().best()}; });
  for (auto& t : threads) t.join();
  (void)translate_concurrently(batcher, all, {});
  const std::lock_guard lock(batches.mutex);
  for (const auto& [r, s] : batches.seen) EXPECT_LE(s, 4u);
  // The greedy and the beam request never shared a batch: the first two batches hold one each.
  ASSERT_GE(batches.seen.size(), 2u);
  EXPECT_EQ(batches.seen[0], (std::pair<std::size_t, std::size_t>{1, 1}));
  EXPECT_EQ(batches.seen[1], (std::pair<std::size_t, std::size_t>{1, 1}));
  EXPECT_EQ(greedy_answer, std::vector<std::string>{translator.translate({"Fill"}, greedy).front().best()});
  EXPECT_EQ(beam_answer, std::vector<std::string>{translator.translate({"Fill"}, {}).front().best()});
}

TEST(BatchingTranslator, WithBatchingOffEachRequestIsDecodedAlone) {
  const Translator translator(kModel, {1, "f32"});
  Batches batches;
  BatchingOptions batching;
  batching.enabled = false;
  {
    BatchingTranslator batcher(translator, batching, batches.observer());
    (void)translate_concurrently(batcher, requests(), {});
  }
  ASSERT_EQ(batches.seen.size(), 12u);
  for (const auto& [r, s] : batches.seen) EXPECT_EQ(r, 1u);
}

TEST(BatchingTranslator, OptionsOutOfRangeFailOnlyTheirRequest) {
  const Translator translator(kModel, {1, "f32"});
  BatchingTranslator batcher(translator, {});
  TranslationOptions bad;
  bad.beam_size = 0;
  EXPECT_THROW(batcher.translate({"Fill"}, bad), Error);
  EXPECT_EQ(batcher.translate({"Fill", ""}, {}).size(), 2u);
}

}  // namespace
}  // namespace nmt::serve
