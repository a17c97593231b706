// nmt::Translator (nmt/nmt.h), the public C++ interface: what nmt-translate prints, shared by
// threads, and errors that name what is wrong. (The installed package and the Python module:
// tests/package/check_install.sh, tests/python/test_nmt.py.)
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "nmt/graph/memory_pool.h"
#include "nmt/nmt.h"
#include "tests/tools/cli_process.h"

namespace {

namespace fs = std::filesystem;

class TranslatorApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("nmt-api-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::string settings;
    std::ifstream file(std::string(NMT_SOURCE_DIR) + "/tests/data/tiny/near-memorised.settings");
    for (std::string line; std::getline(file, line);)
      if (!line.empty() && line[0] != '#') settings += " --set " + line;
    const auto r = nmt::testing::run_in_source_dir(
        dir_,
        std::string(NMT_BINARY_DIR) +
            "/bin/nmt-train recipes/tiny.yaml --set output.directory=" + (dir_ / "run").string() + settings,
        "");
    ASSERT_EQ(r.status, 0) << r.err;
    model_ = (dir_ / "run" / "model.nmt").string();
    std::ifstream source(std::string(NMT_SOURCE_DIR) + "/tests/data/tiny/train.en");
    for (std::string line; std::getline(source, line) && lines_.size() < 10;) lines_.push_back(line);
    lines_.push_back("");
    lines_.push_back("Open the file.");
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  static std::string input() {
    std::string text;
    for (const auto& line : lines_) text += line + "\n";
    return text;
  }

  static inline fs::path dir_;
  static inline std::string model_;
  static inline std::vector<std::string> lines_;
};

std::vector<std::string> best(const std::vector<nmt::Translation>& translations) {
  std::vector<std::string> out;
  for (const auto& t : translations) out.push_back(t.best());
  return out;
}

TEST_F(TranslatorApi, TranslatesAsNmtTranslateDoesGreedyAndBeam) {
  const nmt::Translator translator(model_, {1, "f32"});
  for (const int beam : {1, 5}) {
    const auto r = nmt::testing::run_in_source_dir(
        dir_,
        std::string(NMT_BINARY_DIR) + "/bin/nmt-translate -q --threads 1 -m " + model_ + " -b " + std::to_string(beam),
        input());
    ASSERT_EQ(r.status, 0) << r.err;
    nmt::TranslationOptions options;
    options.beam_size = beam;
    const std::vector<nmt::Translation> got = translator.translate(lines_, options);
    EXPECT_EQ(best(got), nmt::testing::split_lines(r.out)) << "beam " << beam;
    EXPECT_TRUE(got[10].n_best.empty());
    EXPECT_FALSE(got[0].best().empty());
  }
}

TEST_F(TranslatorApi, NBestListsAreRankedAndAttentionRowsSumToOne) {
  const nmt::Translator translator(model_, {1, "f32"});
  nmt::TranslationOptions options;
  options.n_best = 3;
  options.alignment = true;
  const std::vector<nmt::Translation> got = translator.translate({lines_[0]}, options);
  ASSERT_EQ(got[0].n_best.size(), 3u);
  EXPECT_GE(got[0].n_best[0].score, got[0].n_best[1].score);
  EXPECT_GE(got[0].n_best[1].score, got[0].n_best[2].score);
  const nmt::TranslatedHypothesis& h = got[0].n_best[0];
  ASSERT_EQ(h.attention.size(), h.pieces.size() + (h.complete ? 1 : 0));
  for (const auto& row : h.attention) {
    ASSERT_EQ(row.size(), got[0].source_pieces.size() + 1);
    double sum = 0;
    for (float a : row) sum += a;
    EXPECT_NEAR(sum, 1.0, 1e-5);
  }
}

// Calls from several threads (one translator, and two translators) give what one thread alone
// gets: calls on one compute thread run side by side, each on its calling thread (a translator
// made with one thread, or a call with TranslationOptions::threads = 1), and a call on two
// threads runs alone between them.
TEST_F(TranslatorApi, ThreadsShareTranslators) {
  const nmt::Translator first(model_, {1, "f32"}), second(model_, {1, "f32"}), two_threads(model_, {2, "f32"});
  nmt::TranslationOptions options;
  options.beam_size = 3;
  const std::vector<std::string> expected = best(first.translate(lines_, options));
  nmt::TranslationOptions one_thread = options;
  one_thread.threads = 1;
  const std::size_t capacity = nmt::graph::memory_pool_stats().capacity;
  std::vector<std::vector<std::string>> results(6);
  std::vector<std::thread> threads;
  for (std::size_t k = 0; k < results.size(); ++k)
    threads.emplace_back([&, k] {
      for (int repeat = 0; repeat < 3; ++repeat) {
        switch (k % 3) {
          case 0:
            results[k] = best(first.translate(lines_, options));
            break;
          case 1:
            results[k] = best(second.translate(lines_, options));
            break;
          default:
            results[k] = best(two_threads.translate(lines_, k == 2 ? one_thread : options));
            break;
        }
        if (results[k] != expected) return;
      }
    });
  for (auto& t : threads) t.join();
  for (std::size_t k = 0; k < results.size(); ++k) EXPECT_EQ(results[k], expected) << "thread " << k;
  // Each call decodes in a decoding-sized memory pool; once the last one is done, the pool has
  // the capacity it had before (one call's ending must not undo another's).
  EXPECT_EQ(nmt::graph::memory_pool_stats().capacity, capacity);
}

TEST_F(TranslatorApi, ErrorsNameTheFileOrTheOption) {
  const auto message = [](auto&& f) {
    try {
      f();
    } catch (const nmt::Error& e) {
      return std::string(e.what());
    }
    return std::string("no nmt::Error");
  };
  EXPECT_NE(message([&] { nmt::Translator((dir_ / "missing.nmt").string()); }).find("missing.nmt: cannot open"),
            std::string::npos);
  EXPECT_NE(message([&] {
              nmt::Translator(std::string(NMT_SOURCE_DIR) + "/recipes/tiny.yaml");
            }).find("recipes/tiny.yaml: not an nmt model file"),
            std::string::npos);
  EXPECT_EQ(message([&] { nmt::Translator(model_, {0, "f32"}); }), "threads must be between 1 and 1024, not 0");
  EXPECT_EQ(message([&] {
              nmt::Translator(model_, {1, "fp16"});
            }),
            "precision must be f32, bf16, int8 or auto, not 'fp16'");
  const nmt::Translator translator(model_, {1, "f32"});
  nmt::TranslationOptions options;
  options.beam_size = 300;
  EXPECT_EQ(message([&] { translator.translate({"a"}, options); }), "beam_size must be between 1 and 256, not 300");
  options = {};
  options.threads = 1025;
  EXPECT_EQ(message([&] { translator.translate({"a"}, options); }), "threads must be between 0 and 1024, not 1025");
  options = {};
  options.batch_tokens = 0;
  EXPECT_EQ(message([&] { translator.translate({"a"}, options); }),
            "batch_tokens must be between 1 and 10000000, not 0");
  EXPECT_EQ(message([] { nmt::bleu({"a"}, {{"a"}}, "moses"); }),
            "tokenize must be 13a, intl, char or none, not 'moses'");
}

TEST_F(TranslatorApi, InvalidUtf8IsReplacedAndLongLinesAreCut) {
  const nmt::Translator translator(model_, {1, "f32"});
  EXPECT_EQ(translator.max_source_pieces(), 40);
  EXPECT_EQ(translator.model_description(), "rnn, luong-general attention");
  const auto got = translator.translate({"Open \xff the file.", "Open \xef\xbf\xbd the file."});
  EXPECT_EQ(got[0].source_pieces, got[1].source_pieces);
  EXPECT_EQ(got[0].best(), got[1].best());
  std::string long_line;
  for (int i = 0; i < 60; ++i) long_line += "word ";
  const auto cut = translator.translate({long_line, "Open the file."});
  EXPECT_TRUE(cut[0].truncated);
  EXPECT_EQ(cut[0].source_pieces.size(), 40u);
  EXPECT_FALSE(cut[1].truncated);
}

}  // namespace
