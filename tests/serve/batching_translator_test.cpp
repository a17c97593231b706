// Dynamic batching: concurrent requests are decoded together and each gets exactly what it
// would get alone, in its own order; with batching off, each request is decoded alone; what is
// submitted before the batcher stops is answered.
#include "nmt/serve/batching_translator.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
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
  // One decoder on one thread; and two decoders, each decoding its batches on its own thread
  // (or on both, split into parts, when the other is idle and nothing else waits).
  for (const int threads : {1, 2}) {
    const Translator translator(kModel, {threads, "f32"});
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
    batching.decoders = threads;
    {
      BatchingTranslator batcher(translator, batching, batches.observer());
      EXPECT_EQ(translate_concurrently(batcher, all, options), alone) << threads << " threads";
    }
    std::size_t most = 0, sentences = 0, largest = 0;
    for (const auto& [r, s] : batches.seen) {
      most = std::max(most, r);
      largest = std::max(largest, s);
      sentences += s;
    }
    EXPECT_EQ(sentences, 24u);  // 12 requests of 1, 2 or 3 sentences
    EXPECT_GT(most, 1u) << "no batch held more than one request";
    EXPECT_GE(largest, BatchingOptions::kSplitFrom) << "no batch was large enough to be split";
    EXPECT_LT(batches.seen.size(), all.size());
  }
}

TEST(BatchingTranslator, EachDecoderThreadTakesTheNextRequestsWhenDoneWithItsBatch) {
  const Translator translator(kModel, {2, "f32"});
  const auto all = requests();
  std::vector<std::vector<std::string>> alone;
  for (const auto& lines : all) {
    alone.emplace_back();
    for (const Translation& t : translator.translate(lines, {})) alone.back().push_back(t.best());
  }
  std::mutex mutex;
  std::set<std::thread::id> decoders;
  std::size_t sentences = 0;
  BatchingOptions batching;
  batching.max_batch_sentences = 3;
  batching.decoders = 2;
  {
    BatchingTranslator batcher(translator, batching, [&](std::size_t, std::size_t s) {
      const std::lock_guard lock(mutex);
      decoders.insert(std::this_thread::get_id());
      sentences += s;
    });
    EXPECT_EQ(translate_concurrently(batcher, all, {}), alone);
  }
  EXPECT_GE(decoders.size(), 2u) << "one decoder thread decoded every batch";
  EXPECT_EQ(sentences, 24u);
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

TEST(BatchingTranslator, ARequestThatFindsTheServerIdleIsDecodedWithoutWaitingForCompany) {
  const Translator translator(kModel, {1, "f32"});
  Batches batches;
  BatchingOptions batching;
  batching.max_wait = std::chrono::seconds(30);  // a wait would be unmistakable
  BatchingTranslator batcher(translator, batching, batches.observer());
  for (int i = 0; i < 3; ++i) {  // one client, one request at a time: nothing arrives meanwhile
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(batcher.translate({"Fill"}, {}).front().best(), translator.translate({"Fill"}, {}).front().best());
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(15)) << "request " << i << " waited";
  }
  const std::lock_guard lock(batches.mutex);
  EXPECT_EQ(batches.seen.size(), 3u);
}

TEST(BatchingTranslator, AfterRequestsArrivedDuringADecodingTheNextBatchWaitsForCompany) {
  // Request A finds the server idle and is decoded at once. While it is decoded (from inside the
  // observer, which the decoding thread calls before it looks at the queue again) request B
  // arrives; so B's batch waits for company, and C, sent well after, joins it.
  const Translator translator(kModel, {1, "f32"});
  std::mutex mutex;
  std::vector<std::pair<std::size_t, std::size_t>> seen;
  std::atomic<bool> b_sent{false};
  std::thread b_thread, c_thread;
  BatchingOptions batching;
  batching.max_wait = std::chrono::seconds(30);
  batching.max_batch_sentences = 2;
  {
    BatchingTranslator* batcher_of_observer = nullptr;
    BatchingTranslator batcher(translator, batching, [&](std::size_t requests, std::size_t sentences) {
      {
        const std::lock_guard lock(mutex);
        seen.emplace_back(requests, sentences);
        if (seen.size() != 1) return;
      }
      b_thread = std::thread([&] {
        b_sent = true;
        (void)batcher_of_observer->translate({"Fill"}, {});
      });
      while (!b_sent) std::this_thread::yield();
      std::this_thread::sleep_for(std::chrono::milliseconds(200));  // B is in the queue by now
    });
    batcher_of_observer = &batcher;
    (void)batcher.translate({"Expand"}, {});  // A
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    c_thread = std::thread([&] { (void)batcher.translate({"Double thin"}, {}); });
    b_thread.join();
    c_thread.join();
  }
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], (std::pair<std::size_t, std::size_t>{1, 1}));  // A alone, at once
  EXPECT_EQ(seen[1], (std::pair<std::size_t, std::size_t>{2, 2}));  // B waited for C
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
