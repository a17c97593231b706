// nmt-translate from the command line, on a model that nmt-train makes from the tiny recipe.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "cli_process.h"
#include "nmt/graph/cpu_info.h"
#include "nmt/graph/precision.h"
#include "nmt/graph/tensor_io.h"
#include "nmt/io/section_file.h"

namespace {

namespace fs = std::filesystem;

using nmt::testing::Result;
using nmt::testing::split_lines;

class NmtTranslateCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("nmt-translate-cli-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const Result r = run(std::string(NMT_BINARY_DIR) + "/bin/nmt-train recipes/tiny.yaml --set output.directory=" +
                             (dir_ / "run").string() + " --set output.translate_test=false",
                         "");
    ASSERT_EQ(r.status, 0) << r.err;
    model_ = (dir_ / "run" / "model.nmt").string();
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  // Runs a shell command in the source directory with `input` on standard input.
  static Result run(const std::string& command, const std::string& input) {
    return nmt::testing::run_in_source_dir(dir_, command, input);
  }
  static void expect_translates_in(nmt::graph::Precision precision);  // below
  static Result translate(const std::string& arguments, const std::string& input) {
    return run(std::string(NMT_BINARY_DIR) + "/bin/nmt-translate -m " + model_ + " --threads 1 " + arguments, input);
  }

  static inline fs::path dir_;
  static inline std::string model_;
};

const std::string kInput = "Open the file.\n\nSave the document as PDF.\nPython scripts\n\n";

TEST_F(NmtTranslateCli, OneOutputLinePerInputLineFromStdinAndFiles) {
  const Result r = translate("", kInput);
  ASSERT_EQ(r.status, 0) << r.err;
  const auto lines = split_lines(r.out);
  ASSERT_EQ(lines.size(), 5u) << r.out;
  EXPECT_EQ(lines[1], "");
  EXPECT_EQ(lines[4], "");
  EXPECT_NE(r.err.find("nmt-translate: cpu: " + nmt::graph::cpu_model_name() + " (" + nmt::graph::onednn_cpu_isa() +
                       "), 1 thread; f32 linear layers on "),
            std::string::npos)
      << r.err;
  // The same from a file to a file; and a last line without a newline still counts.
  std::ofstream(dir_ / "in.txt") << kInput.substr(0, kInput.size() - 2);
  const Result f = translate("-i " + (dir_ / "in.txt").string() + " -o " + (dir_ / "out.txt").string(), "");
  ASSERT_EQ(f.status, 0) << f.err;
  std::ifstream out(dir_ / "out.txt");
  std::stringstream text;
  text << out.rdbuf();
  EXPECT_EQ(split_lines(text.str()), std::vector<std::string>(lines.begin(), lines.begin() + 4));
}

// (That int8 keeps what a model learnt is specified on memorised models in
// tests/models/memorisation_test.cpp; this tiny model trains for 12 steps only.)
TEST_F(NmtTranslateCli, ModelsOfFec9a3dTranslateAsFec9a3dDid) {
  // Issue 24: decoding was made faster without changing what it finds. Models saved by commit
  // fec9a3d (tests/data/tiny/fec9a3d/ORIGIN.md) load, and greedy and beam search give its
  // translations line for line: on one thread, and on two threads in batches of 4 sentences,
  // which decodes two batches at a time, one per thread (decode/translator.h).
  const std::string data = "tests/data/tiny/fec9a3d/";
  const Result input = run("cat tests/data/tiny/train.en tests/data/tiny/dev.en", "");
  ASSERT_EQ(input.status, 0) << input.err;
  for (const std::string threads : {"--threads 1", "--threads 2 --batch-size 4"})
    for (const std::string model : {"rnn", "transformer"})
      for (const auto& [beam, name] : {std::pair{1, "greedy"}, std::pair{5, "beam5"}}) {
        const std::string setting = model + " " + name + " " + threads;
        const Result r = run(std::string(NMT_BINARY_DIR) + "/bin/nmt-translate -m " + data + model + ".nmt " + threads +
                                 " -b " + std::to_string(beam),
                             input.out);
        ASSERT_EQ(r.status, 0) << r.err;
        const Result expected = run("cat " + data + model + "." + name + ".fr", "");
        ASSERT_EQ(expected.status, 0) << expected.err;
        const auto lines = split_lines(r.out), expected_lines = split_lines(expected.out);
        ASSERT_EQ(lines.size(), 48u) << setting;
        ASSERT_EQ(lines.size(), expected_lines.size()) << setting;
        for (std::size_t i = 0; i < lines.size(); ++i)
          EXPECT_EQ(lines[i], expected_lines[i]) << setting << ", line " << i + 1;
      }
}

// Each reduced precision translates one line per input line and names its kernel, or, on a CPU
// without its instructions, refuses in one line saying why.
void NmtTranslateCli::expect_translates_in(nmt::graph::Precision precision) {
  const std::string name = nmt::graph::precision_name(precision);
  const Result r = translate("--precision " + name, "Open the file.\nSave the document as PDF.\nPython scripts\n");
  if (const std::string reason = nmt::graph::precision_unavailable_reason(precision); !reason.empty()) {
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "nmt-translate: --precision " + name + ": " + reason + "\n");
    GTEST_SKIP() << reason;
  }
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(split_lines(r.out).size(), 3u) << r.out;
  EXPECT_NE(r.err.find("; " + name + " linear layers on "), std::string::npos) << r.err;
}

TEST_F(NmtTranslateCli, Int8TranslatesOneLinePerLineAndSaysSo) { expect_translates_in(nmt::graph::Precision::int8); }

TEST_F(NmtTranslateCli, Bf16TranslatesOneLinePerLineAndSaysSo) { expect_translates_in(nmt::graph::Precision::bf16); }

TEST_F(NmtTranslateCli, F32TranslatesEverywhereAndAnUnknownPrecisionIsAUsageError) {
  const Result f32 = translate("--precision f32", "Open the file.\n");
  ASSERT_EQ(f32.status, 0) << f32.err;
  const Result bad = translate("--precision fp16", "Open the file.\n");
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("--precision must be f32, bf16, int8 or auto, not 'fp16'"), std::string::npos) << bad.err;
}

TEST_F(NmtTranslateCli, AutoPrecisionRunsBf16WhereTheCpuHasItAndF32WithAWarningElsewhere) {
  const std::string input = "Open the file.\nSave the document as PDF.\n";
  const Result chosen = translate("--precision auto", input);
  ASSERT_EQ(chosen.status, 0) << chosen.err;
  const bool has_bf16 = nmt::graph::precision_unavailable_reason(nmt::graph::Precision::bf16).empty();
  const std::string named = has_bf16 ? "bf16" : "f32";
  EXPECT_NE(chosen.err.find("; " + named + " linear layers on "), std::string::npos) << chosen.err;
  EXPECT_EQ(chosen.err.find("auto runs f32") != std::string::npos, !has_bf16) << chosen.err;
  const Result same = translate("--precision " + named, input);
  ASSERT_EQ(same.status, 0) << same.err;
  EXPECT_EQ(chosen.out, same.out);
  // A CPU without bf16, as oneDNN sees one when capped below it: f32, and a warning saying why.
  const Result capped = run("ONEDNN_MAX_CPU_ISA=AVX512_CORE_VNNI " + std::string(NMT_BINARY_DIR) +
                                "/bin/nmt-translate -m " + model_ + " --threads 1 --precision auto",
                            input);
  ASSERT_EQ(capped.status, 0) << capped.err;
  EXPECT_EQ(split_lines(capped.out).size(), 2u) << capped.out;
  const std::string isa = nmt::graph::onednn_cpu_isa();
  const std::string capped_isa =
      isa == "avx512_core_vnni" || isa == "avx512_core_bf16" || isa == "avx512_core_amx" ? "avx512_core_vnni" : isa;
  EXPECT_NE(capped.err.find("nmt-translate: warning: --precision auto runs f32 on this CPU (" + capped_isa +
                            "): bf16 needs AVX512_BF16 or AMX\n"),
            std::string::npos)
      << capped.err;
  EXPECT_NE(capped.err.find("; f32 linear layers on "), std::string::npos) << capped.err;
  // Asked for by name, bf16 is refused there rather than replaced.
  const Result refused = run("ONEDNN_MAX_CPU_ISA=AVX512_CORE_VNNI " + std::string(NMT_BINARY_DIR) +
                                 "/bin/nmt-translate -m " + model_ + " --threads 1 --precision bf16",
                             input);
  EXPECT_EQ(refused.status, 1);
  EXPECT_EQ(refused.out, "");
}

TEST_F(NmtTranslateCli, NBestListsInMosesFormat) {
  const Result r = translate("--beam-size 4 --n-best 3", "Open the file.\nPython scripts\n");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto lines = split_lines(r.out);
  ASSERT_EQ(lines.size(), 6u) << r.out;
  double previous = 1e9;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto first = lines[i].find(" ||| "), second = lines[i].rfind(" ||| ");
    ASSERT_NE(first, second) << lines[i];
    EXPECT_EQ(lines[i].substr(0, first), std::to_string(i / 3));
    const double score = std::stod(lines[i].substr(second + 5));
    if (i % 3) {
      EXPECT_LE(score, previous) << lines[i];
    }
    previous = score;
  }
}

TEST_F(NmtTranslateCli, SoftAlignmentsAreJsonWithOneDistributionPerTargetPiece) {
  // Two sentences of different lengths share a batch: each row still has its own width.
  const Result r = translate("--alignment soft", "Open the file.\n\nSave the document as a PDF file now.\n");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto lines = split_lines(r.out);
  ASSERT_EQ(lines.size(), 3u);
  // "source" and "target" list exactly what the rows and columns index, the EOS included on
  // the source side (and on the target side when the translation ended with one).
  for (const std::string& line : {lines[0], lines[2]}) {
    const auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j.at("source").back(), "</s>") << line;
    const auto& attention = j.at("attention");
    ASSERT_EQ(attention.size(), j.at("target").size());
    for (const auto& row : attention) {
      EXPECT_EQ(row.size(), j.at("source").size());
      double sum = 0;
      for (double w : row) sum += w;
      EXPECT_NEAR(sum, 1.0, 1e-4);
    }
  }
  EXPECT_EQ(nlohmann::json::parse(lines[1]).at("translation"), "");
  EXPECT_EQ(nlohmann::json::parse(lines[1]).at("source").size(), 0u);
  const Result hard = translate("--alignment hard", "Open the file.\n");
  ASSERT_EQ(hard.status, 0) << hard.err;
  // "translation ||| i-j i-j ...": every pair is two numbers joined by '-', naming a real source
  // subword (never the EOS) and a target subword (never the EOS).
  const auto soft = nlohmann::json::parse(split_lines(translate("--alignment soft", "Open the file.\n").out).at(0));
  const std::size_t sources = soft.at("source").size() - 1;
  std::size_t targets = soft.at("target").size();
  if (targets > 0 && soft.at("target").back() == "</s>") --targets;
  std::istringstream pairs(hard.out.substr(hard.out.find(" ||| ") + 5));
  std::string pair;
  std::size_t count = 0;
  while (pairs >> pair) {
    const auto dash = pair.find('-');
    ASSERT_NE(dash, std::string::npos) << pair;
    EXPECT_LT(std::stoul(pair.substr(0, dash)), sources) << pair;
    EXPECT_EQ(std::stoul(pair.substr(dash + 1)), count++) << pair;
  }
  EXPECT_EQ(count, targets);
}

// Soft alignments number input lines from 0, as n-best lists do (and Moses, Marian and
// sacreBLEU users expect); they counted from 1. nmt-heatmap --line takes the same numbers.
TEST_F(NmtTranslateCli, SoftAlignmentsNumberLinesFromZeroLikeNBestLists) {
  const std::string input = "Open the file.\n\nPython scripts\n";
  const Result soft = translate("--alignment soft", input);
  ASSERT_EQ(soft.status, 0) << soft.err;
  const auto records = split_lines(soft.out);
  ASSERT_EQ(records.size(), 3u);
  const Result nbest = translate("--beam-size 2 --n-best 2", input);
  ASSERT_EQ(nbest.status, 0) << nbest.err;
  std::vector<std::string> numbers;  // of the n-best lines, each once (an empty line has one line)
  for (const std::string& line : split_lines(nbest.out)) {
    const std::string number = line.substr(0, line.find(" ||| "));
    if (numbers.empty() || numbers.back() != number) numbers.push_back(number);
  }
  EXPECT_EQ(numbers, (std::vector<std::string>{"0", "1", "2"}));
  for (std::size_t i = 0; i < records.size(); ++i)
    EXPECT_EQ(nlohmann::json::parse(records[i]).at("line"), i) << records[i];
  const std::string heatmap = std::string(NMT_BINARY_DIR) + "/bin/nmt-heatmap";
  const Result first = run(heatmap + " --line 0", soft.out);
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_NE(first.out.find("<title>line 0: "), std::string::npos);
  EXPECT_EQ(run(heatmap, soft.out).out, first.out);  // without --line: the first record
  const Result third = run(heatmap + " --line 2", soft.out);
  ASSERT_EQ(third.status, 0) << third.err;
  EXPECT_NE(third.out.find("<title>line 2: "), std::string::npos);
  const Result past = run(heatmap + " --line 3", soft.out);
  EXPECT_EQ(past.status, 1);
  EXPECT_NE(past.err.find("standard input: no record whose \"line\" is 3 (3 lines read; input lines count from 0)"),
            std::string::npos)
      << past.err;
}

// From a pipe, each line is translated and written as soon as it is there, before the input
// ends, so that nmt-translate can be used interactively (it read to the end first). Every read
// is bounded in time, so a regression fails instead of hanging.
TEST_F(NmtTranslateCli, FromAPipeEachLineIsAnsweredBeforeTheInputEnds) {
  const std::string first_line = "Open the file.", second_line = "Python scripts";
  // As translated from a file holding that line alone.
  const Result one = translate("", first_line + "\n"), two = translate("", second_line + "\n");
  ASSERT_EQ(one.status, 0) << one.err;
  ASSERT_EQ(two.status, 0) << two.err;
  int to_child[2], from_child[2];
  ASSERT_EQ(::pipe(to_child), 0);
  ASSERT_EQ(::pipe(from_child), 0);
  const std::string binary = std::string(NMT_BINARY_DIR) + "/bin/nmt-translate", err = (dir_ / "pipe.err").string();
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::dup2(to_child[0], STDIN_FILENO);
    ::dup2(from_child[1], STDOUT_FILENO);
    const int log = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(log, STDERR_FILENO);
    for (int fd : {to_child[0], to_child[1], from_child[0], from_child[1], log}) ::close(fd);
    ::execl(binary.c_str(), "nmt-translate", "-m", model_.c_str(), "--threads", "1", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(to_child[0]);
  ::close(from_child[1]);
  struct Reaper {  // ends the child if an assertion leaves early
    pid_t pid;
    bool reaped = false;
    ~Reaper() {
      if (!reaped) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
      }
    }
  } reaper{child};
  std::string pending;
  // The next output line, or nullopt if none comes within the time limit (or the output ends).
  const auto next_line = [&](std::chrono::seconds limit) -> std::optional<std::string> {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      if (const auto end = pending.find('\n'); end != std::string::npos) {
        std::string line = pending.substr(0, end);
        pending.erase(0, end + 1);
        return line;
      }
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{from_child[0], POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buffer[4096];
      const ssize_t got = ::read(from_child[0], buffer, sizeof buffer);
      if (got <= 0) return std::nullopt;
      pending.append(buffer, static_cast<std::size_t>(got));
    }
  };
  const auto send = [&](const std::string& text) {
    return ::write(to_child[1], text.data(), text.size()) == static_cast<ssize_t>(text.size());
  };
  ASSERT_TRUE(send(first_line + "\n"));
  const auto first = next_line(std::chrono::seconds(60));
  ASSERT_TRUE(first) << "no translation of a line before the input ended";
  EXPECT_EQ(*first + "\n", one.out);
  ASSERT_TRUE(send(second_line + "\n"));
  const auto second = next_line(std::chrono::seconds(60));
  ASSERT_TRUE(second) << "no translation of the second line before the input ended";
  EXPECT_EQ(*second + "\n", two.out);
  ::close(to_child[1]);
  EXPECT_EQ(next_line(std::chrono::seconds(60)), std::nullopt);  // the output ends with the input
  EXPECT_EQ(pending, "");
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  reaper.reaped = true;
  ::close(from_child[0]);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  // Through a pipe in several batches (--batch-size 2), lines keep their order and their numbers.
  const std::string piped = "sh -c 'cat | " + binary + " -m " + model_ + " --threads 1 --batch-size 2 ";
  const Result nbest = run(piped + "--beam-size 2 --n-best 2'", kInput);
  ASSERT_EQ(nbest.status, 0) << nbest.err;
  std::vector<std::string> numbers;
  for (const std::string& line : split_lines(nbest.out)) {
    const std::string number = line.substr(0, line.find(" ||| "));
    if (numbers.empty() || numbers.back() != number) numbers.push_back(number);
  }
  EXPECT_EQ(numbers, (std::vector<std::string>{"0", "1", "2", "3", "4"}));
  const Result soft = run(piped + "--alignment soft'", kInput);
  ASSERT_EQ(soft.status, 0) << soft.err;
  const auto records = split_lines(soft.out);
  ASSERT_EQ(records.size(), 5u);
  for (std::size_t i = 0; i < records.size(); ++i) EXPECT_EQ(nlohmann::json::parse(records[i]).at("line"), i);
  const Result plain = run(piped + "'", kInput);
  ASSERT_EQ(plain.status, 0) << plain.err;
  EXPECT_EQ(split_lines(plain.out).size(), 5u);
}

TEST_F(NmtTranslateCli, BadInputIsWarnedAboutNeverFatal) {
  std::string long_line;
  for (int i = 0; i < 100; ++i) long_line += "Open the file and save the document. ";
  const Result r = translate("", "Open the \xff file.\n" + long_line + "\n");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(split_lines(r.out).size(), 2u);
  EXPECT_NE(r.err.find("standard input line 1: invalid UTF-8 replaced by U+FFFD"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("line 2 is longer than the model's 40 subwords and was cut"), std::string::npos) << r.err;
}

TEST_F(NmtTranslateCli, QuietLogAndVersion) {
  const std::string bad = "Open the \xff file.\n";
  const fs::path log = dir_ / "translate.log";
  const Result quiet = translate("--quiet --log " + log.string(), bad);
  ASSERT_EQ(quiet.status, 0) << quiet.err;
  EXPECT_EQ(quiet.err, "");
  EXPECT_EQ(split_lines(quiet.out).size(), 1u);
  std::ifstream in(log);
  std::stringstream logged;
  logged << in.rdbuf();
  EXPECT_NE(logged.str().find("nmt-translate: cpu: "), std::string::npos) << logged.str();
  EXPECT_NE(logged.str().find("line 1: invalid UTF-8 replaced by U+FFFD"), std::string::npos) << logged.str();
  // Errors are never quiet.
  const Result missing = translate("--quiet -i /nonexistent.en", "");
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("/nonexistent.en"), std::string::npos) << missing.err;
  EXPECT_EQ(translate("--log /nonexistent/dir/x.log", "").status, 2);
  const Result version = run(std::string(NMT_BINARY_DIR) + "/bin/nmt-translate --version", "");
  EXPECT_EQ(version.status, 0);
  EXPECT_NE(version.out.find("nmt-translate (nmt "), std::string::npos) << version.out;
  EXPECT_NE(version.out.find("\noneDNN 2."), std::string::npos) << version.out;
}

// Decoding options out of their range are usage errors (exit 2) that give the range; NaN,
// infinities, negative ratios and penalties were accepted, --beam-size 100000 ran for minutes,
// and a negative batch size wrapped to a huge one.
TEST_F(NmtTranslateCli, DecodingOptionsOutOfRangeAreUsageErrorsGivingTheRange) {
  const std::pair<const char*, const char*> cases[] = {
      {"--max-length-ratio -1", "--max-length-ratio must be above 0 and at most 100, not -1"},
      {"--max-length-ratio 0", "--max-length-ratio must be above 0 and at most 100, not 0"},
      {"--max-length-ratio nan", "--max-length-ratio must be above 0 and at most 100, not nan"},
      {"--max-length-ratio inf", "--max-length-ratio must be above 0 and at most 100, not inf"},
      {"--max-length-ratio 1e300", "--max-length-ratio must be above 0 and at most 100, not 1e+300"},
      {"--length-penalty nan", "--length-penalty must be between 0 and 10, not nan"},
      {"--length-penalty inf", "--length-penalty must be between 0 and 10, not inf"},
      {"--length-penalty -5", "--length-penalty must be between 0 and 10, not -5"},
      {"--beam-size 100000", "--beam-size must be between 1 and 256, not 100000"},
      {"--beam-size 0", "--beam-size must be between 1 and 256, not 0"},
      {"--beam-size 2 --n-best 3", "--n-best must be between 1 and the beam size (2), not 3"},
      {"--n-best 0", "--n-best must be between 1 and the beam size (5), not 0"},
      {"--batch-size -1", "--batch-size must be between 1 and 10000000, not -1"},
      {"--batch-tokens 0", "--batch-tokens must be between 1 and 10000000, not 0"},
      {"--batch-tokens 20000000", "--batch-tokens must be between 1 and 10000000, not 20000000"},
  };
  for (const auto& [arguments, message] : cases) {
    const Result r = translate(arguments, "Open the file.\n");
    EXPECT_EQ(r.status, 2) << arguments;
    EXPECT_EQ(r.out, "") << arguments;
    EXPECT_NE(r.err.find(std::string("nmt-translate: ") + message + " (see nmt-translate --help)"), std::string::npos)
        << arguments << ": " << r.err;
  }
  // The ends of each range are accepted.
  const Result edges = translate("--beam-size 1 --length-penalty 0 --max-length-ratio 100 --batch-size 1", "Open.\n");
  EXPECT_EQ(edges.status, 0) << edges.err;
  const Result wide = translate("--beam-size 256 --n-best 256 --length-penalty 10 --max-length-ratio 0.01", "Open.\n");
  EXPECT_EQ(wide.status, 0) << wide.err;
  EXPECT_EQ(split_lines(wide.out).size(), 256u);
}

// "-" is standard input for -i and standard output for -o (it failed as an input and created a
// file named "-" as an output).
TEST_F(NmtTranslateCli, DashIsStandardInputAndOutput) {
  const Result plain = translate("", kInput);
  ASSERT_EQ(plain.status, 0) << plain.err;
  const Result dashes = run("cd " + dir_.string() + " && " + std::string(NMT_BINARY_DIR) + "/bin/nmt-translate -m " +
                                model_ + " --threads 1 -i - -o -",
                            kInput);
  ASSERT_EQ(dashes.status, 0) << dashes.err;
  EXPECT_EQ(dashes.out, plain.out);
  EXPECT_FALSE(fs::exists(dir_ / "-"));
}

// A directory or an unreadable file is an error naming it (a directory gave exit 0 and no
// output); so is an output that cannot be written.
TEST_F(NmtTranslateCli, DirectoriesAndUnreadableFilesAreErrorsNamingThePath) {
  const std::string directory = dir_.string();
  Result r = translate("-i " + directory, "");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("nmt-translate: " + directory + ": is a directory, not a text file"), std::string::npos)
      << r.err;
  r = translate("-i " + (dir_ / "absent.txt").string(), "");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find((dir_ / "absent.txt").string() + ": cannot open: No such file or directory"), std::string::npos)
      << r.err;
  r = translate("-o " + directory, "Open the file.\n");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(directory + ": cannot open for writing: Is a directory"), std::string::npos) << r.err;
  // Root reads any file whatever its mode: the unreadable case can only be checked as a user.
  if (::geteuid() != 0) {
    const fs::path locked = dir_ / "locked.txt";
    std::ofstream(locked) << "Open the file.\n";
    fs::permissions(locked, fs::perms::none);
    r = translate("-i " + locked.string(), "");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find(locked.string() + ": cannot open: Permission denied"), std::string::npos) << r.err;
    fs::remove(locked);
  }
}

// A model whose checksums are valid but whose weights hold a NaN (a diverged run) is refused,
// naming the tensor; it translated every line to an empty line with exit 0.
TEST_F(NmtTranslateCli, ModelWithNanWeightsIsRefusedNamingTheTensor) {
  nmt::io::Sections sections = nmt::io::read_section_file(model_, "model");
  std::string name;
  for (auto& [section, bytes] : sections) {
    if (section != "parameters") continue;
    nmt::graph::NamedTensors tensors = nmt::graph::decode_tensors(bytes, model_);
    name = tensors.at(1).first;
    tensors.at(1).second.data()[5] = std::nanf("");
    bytes = nmt::graph::encode_tensors(tensors);
  }
  const std::string broken = (dir_ / "nan.nmt").string();
  nmt::io::write_section_file(broken, "model", sections);
  const Result r = run(std::string(NMT_BINARY_DIR) + "/bin/nmt-translate --threads 1 -m " + broken, "Open the file.\n");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("nmt-translate: " + broken + ": parameter '" + name + "' holds NaN (element 5 of "),
            std::string::npos)
      << r.err;
}

TEST_F(NmtTranslateCli, WrongFilesAndOptionsAreClearErrors) {
  Result r = run(std::string(NMT_BINARY_DIR) + "/bin/nmt-translate -m recipes/tiny.yaml", "x\n");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("recipes/tiny.yaml: not an nmt model file"), std::string::npos) << r.err;
  std::string checkpoint;
  for (const auto& e : fs::directory_iterator(dir_ / "run" / "checkpoints")) checkpoint = e.path().string();
  r = run(std::string(NMT_BINARY_DIR) + "/bin/nmt-translate -m " + checkpoint, "x\n");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("is an nmt checkpoint file, not a model file"), std::string::npos) << r.err;
  r = run(std::string(NMT_BINARY_DIR) + "/bin/nmt-translate -m /nonexistent.nmt", "x\n");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("/nonexistent.nmt"), std::string::npos) << r.err;
  EXPECT_EQ(translate("--beam-size 0", "x\n").status, 2);
  // Thread counts OpenMP cannot serve are refused up front (100000 crashed in libgomp).
  const Result many = run(std::string(NMT_BINARY_DIR) + "/bin/nmt-translate -m " + model_ + " --threads 100000", "x\n");
  EXPECT_EQ(many.status, 2) << many.err;
  EXPECT_NE(many.err.find("--threads must be between 1 and 1024"), std::string::npos) << many.err;
  EXPECT_EQ(translate("--n-best 9 --beam-size 2", "x\n").status, 2);
  EXPECT_EQ(translate("--alignment sideways", "x\n").status, 2);
  EXPECT_EQ(run(std::string(NMT_BINARY_DIR) + "/bin/nmt-translate", "").status, 2);
}

}  // namespace
