// The nmt-bleu program, run as a user would: output formats, options, standard input and
// its handling of bad input (messages and exit codes).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "nmt/eval/bleu.h"
#include "nmt/eval/line_reader.h"
#include "nmt/eval/report.h"
#include "nmt/eval/signature.h"

namespace nmt::eval {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using nlohmann::ordered_json;

const fs::path kProgram = fs::path(NMT_BINARY_DIR) / "bin" / "nmt-bleu";
const fs::path kVectors = fs::path(NMT_SOURCE_DIR) / "tests" / "data" / "bleu";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Single-quoted for the shell (the paths used here contain no quote).
std::string quoted(const fs::path& path) {
  std::string text = "'";
  text.append(path.string());
  text.push_back('\'');
  return text;
}

// The formatted line of an expected.json result, with nmt's version in the signature.
std::string expected_line(const json& result) {
  std::string line = result.at("formatted").get<std::string>();
  const std::string sacrebleu = "version:" + std::string(kSacrebleuVersion);
  line.replace(line.find(sacrebleu), sacrebleu.size(), "version:" + std::string(signature_version()));
  return line;
}

struct ProgramRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class NmtBleuCli : public testing::Test {
 protected:
  void SetUp() override {
    const auto* test = testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("nmt_bleu_cli_" + std::to_string(::getpid()) + "_" + test->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& content) const {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  // Runs nmt-bleu with `args` (already quoted), standard input from `input` if given.
  // With `whole_command`, `args` is the command line itself (e.g. with variables before it).
  ProgramRun run(const std::string& args, const std::optional<fs::path>& input = std::nullopt,
                 bool whole_command = false) const {
    const fs::path out = dir_ / "stdout", err = dir_ / "stderr";
    const std::string command = (whole_command ? args : quoted(kProgram) + " " + args) + " < " +
                                (input ? quoted(*input) : "/dev/null") + " > " + quoted(out) + " 2> " + quoted(err);
    const int status = std::system(command.c_str());
    ProgramRun result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = read_file(out);
    result.err = read_file(err);
    return result;
  }

  static std::string data(const std::string& case_name, const std::string& file) {
    return quoted(kVectors / case_name / file);
  }

  fs::path dir_;
};

TEST_F(NmtBleuCli, DefaultJsonHasSacrebleusShape) {
  const ProgramRun r = run(data("heavy", "ref0.txt") + " -i " + data("heavy", "hyp.txt"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const ordered_json output = ordered_json::parse(r.out);
  std::vector<std::string> keys;
  for (const auto& item : output.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"name", "score", "signature", "verbose_score", "nrefs", "case", "eff",
                                            "tok", "smooth", "version"}));
  EXPECT_EQ(output["name"], "BLEU");
  EXPECT_EQ(output["score"].get<double>(), 23.5);  // 23.486441 with sacreBLEU's default width 1
  const std::string version(signature_version());
  EXPECT_EQ(output["signature"], "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:" + version);
  EXPECT_EQ(output["verbose_score"], "81.9/35.9/19.6/11.7 (BP = 0.819 ratio = 0.833 hyp_len = 14600 ref_len = 17521)");
  EXPECT_EQ(output["nrefs"], "1");
  EXPECT_EQ(output["tok"], "13a");
  EXPECT_EQ(output["version"], version);
  EXPECT_NE(r.out.find("\n \"name\": \"BLEU\",\n"), std::string::npos) << "not json.dumps(indent=1):\n" << r.out;
}

// Every metric label of the cases with the most labels and with two references, through the
// command line: the text line must be sacreBLEU's formatted line (apart from the version).
TEST_F(NmtBleuCli, EveryLabelAsTextMatchesSacrebleu) {
  for (const std::string case_name : {"heavy", "two-refs"}) {
    const json expected = json::parse(read_file(kVectors / case_name / "expected.json"));
    std::string inputs;
    for (int r = 0; r < expected.at("references").get<int>(); ++r)
      inputs += data(case_name, "ref" + std::to_string(r) + ".txt") + " ";
    inputs += "-i " + data(case_name, "hyp.txt");
    for (const json& result : expected.at("results")) {
      const std::string label = result.at("metric").get<std::string>();
      SCOPED_TRACE(case_name + ", " + label);
      std::istringstream words(label);
      std::string metric, flags;
      words >> metric;
      const bool bleu = metric == "bleu";
      flags = bleu ? "-m bleu" : metric == "chrf" ? "-m chrf" : metric == "chrf++" ? "-m chrf -cw 2" : "";
      ASSERT_FALSE(flags.empty()) << "unknown metric";
      for (std::string option; words >> option;) {
        if (option == "lowercase") {
          flags += bleu ? " -lc" : " --chrf-lowercase";
        } else if (option.rfind("tokenize=", 0) == 0) {
          flags += " -tok " + option.substr(9);
        } else if (option.rfind("smooth=", 0) == 0) {
          flags += " -s " + option.substr(7);
        } else {
          ADD_FAILURE() << "unknown option " << option;
        }
      }
      const ProgramRun r = run(inputs + " " + flags + " -f text -w 2");
      EXPECT_EQ(r.exit_code, 0) << r.err;
      EXPECT_EQ(r.out, expected_line(result) + "\n");
    }
  }
}

TEST_F(NmtBleuCli, ScoreOnlyAndWidth) {
  const std::string files = data("heavy", "ref0.txt") + " -i " + data("heavy", "hyp.txt");
  EXPECT_EQ(run(files + " -b").out, "23.5\n");
  EXPECT_EQ(run(files + " -b -w 3").out, "23.486\n");
  EXPECT_EQ(run(files + " --score-only --width 0").out, "23\n");
  EXPECT_EQ(run(files + " -b -f text -m bleu chrf").out, "23.5\n54.6\n");
  // sacreBLEU prints the bare scores inside its JSON list brackets.
  EXPECT_EQ(run(files + " -b -m bleu chrf").out, "[\n23.5,\n54.6\n]\n");
}

TEST_F(NmtBleuCli, SeveralMetricsInSacrebleusOrder) {
  const ProgramRun r = run(data("heavy", "ref0.txt") + " -i " + data("heavy", "hyp.txt") + " -m chrf bleu -cw 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json output = json::parse(r.out);
  ASSERT_TRUE(output.is_array());
  ASSERT_EQ(output.size(), 2u);
  EXPECT_EQ(output[0]["name"], "BLEU");
  EXPECT_EQ(output[1]["name"], "chrF2++");
  EXPECT_EQ(output[1]["score"].get<double>(), 53.3);
  EXPECT_EQ(output[1]["nw"], "2");
}

TEST_F(NmtBleuCli, TextLinesAlignOnEquals) {
  const ProgramRun r = run(data("heavy", "ref0.txt") + " -i " + data("heavy", "hyp.txt") + " -m bleu chrf -f text");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::size_t newline = r.out.find('\n');
  const std::string first = r.out.substr(0, newline), second = r.out.substr(newline + 1);
  EXPECT_EQ(first.find(" = "), second.find(" = "));
  EXPECT_NE(first.find("BLEU|"), std::string::npos);
  EXPECT_EQ(second.rfind("chrF2|", 0), 0u);  // the longer name is not padded
}

TEST_F(NmtBleuCli, ReadsHypothesesFromStandardInput) {
  const std::string refs = data("light", "ref0.txt");
  const ProgramRun from_file = run(refs + " -i " + data("light", "hyp.txt") + " -m bleu chrf");
  const ProgramRun from_stdin = run(refs + " -m bleu chrf", kVectors / "light" / "hyp.txt");
  ASSERT_EQ(from_stdin.exit_code, 0) << from_stdin.err;
  EXPECT_EQ(from_stdin.out, from_file.out);
  EXPECT_NE(from_stdin.out.find("68.8"), std::string::npos);
}

// "-" is standard input, as in sacreBLEU: for the hypotheses (-i -), or for one reference
// when the hypotheses are a file; standard input cannot be both.
TEST_F(NmtBleuCli, DashIsStandardInput) {
  const std::string refs = data("light", "ref0.txt"), hyp = data("light", "hyp.txt");
  const ProgramRun from_files = run(refs + " -i " + hyp + " -m bleu chrf");
  ASSERT_EQ(from_files.exit_code, 0) << from_files.err;
  const ProgramRun hypotheses = run(refs + " -i - -m bleu chrf", kVectors / "light" / "hyp.txt");
  ASSERT_EQ(hypotheses.exit_code, 0) << hypotheses.err;
  EXPECT_EQ(hypotheses.out, from_files.out);
  const ProgramRun reference = run("- -i " + hyp + " -m bleu chrf", kVectors / "light" / "ref0.txt");
  ASSERT_EQ(reference.exit_code, 0) << reference.err;
  EXPECT_EQ(reference.out, from_files.out);
  const ProgramRun short_reference = run("- -i " + hyp, write("one.txt", "one line\n"));
  EXPECT_EQ(short_reference.exit_code, 1);
  EXPECT_NE(short_reference.err.find("reference <stdin> has 1"), std::string::npos) << short_reference.err;
  for (const std::string& args : {std::string("- -i -"), std::string("-"), refs + " - -i - "}) {
    const ProgramRun twice = run(args, kVectors / "light" / "hyp.txt");
    EXPECT_EQ(twice.exit_code, 2) << args;
    EXPECT_NE(twice.err.find("standard input can be read once"), std::string::npos) << twice.err;
  }
}

TEST_F(NmtBleuCli, CrlfLineEndsScoreLikeNewlines) {
  std::string hyp = read_file(kVectors / "light" / "hyp.txt"), ref = read_file(kVectors / "light" / "ref0.txt");
  const auto to_crlf = [](std::string text) {
    std::string crlf;
    for (const char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    return crlf;
  };
  const fs::path hyp_crlf = write("hyp_crlf.txt", to_crlf(hyp)), ref_crlf = write("ref_crlf.txt", to_crlf(ref));
  const std::string expected =
      run(data("light", "ref0.txt") + " -i " + data("light", "hyp.txt") + " -m bleu chrf -b").out;
  EXPECT_EQ(run(quoted(ref_crlf) + " -i " + quoted(hyp_crlf) + " -m bleu chrf -b").out, expected);
  EXPECT_EQ(run(quoted(ref_crlf) + " -m bleu chrf -b", hyp_crlf).out, expected);
  EXPECT_EQ(expected, "[\n68.8,\n83.4\n]\n");
}

TEST_F(NmtBleuCli, ByteOrderMarkIsScoredLikeSacrebleuWithAWarning) {
  const std::string hyp = read_file(kVectors / "light" / "hyp.txt");
  const fs::path with_bom = write("bom.txt", "\xEF\xBB\xBF" + hyp);
  const ProgramRun r = run(data("light", "ref0.txt") + " -i " + quoted(with_bom) + " -b -w 6");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("byte order mark"), std::string::npos) << r.err;
  // Python's "utf-8" codec keeps U+FEFF in the first line: score exactly that text.
  std::vector<std::string> lines = read_segments_file((kVectors / "light" / "hyp.txt").string()).lines;
  lines.front().insert(0, "\xEF\xBB\xBF");
  const std::vector<std::string> refs = read_segments_file((kVectors / "light" / "ref0.txt").string()).lines;
  EXPECT_EQ(r.out, format_score(corpus_bleu(lines, {refs}).score, 6) + "\n");
  EXPECT_EQ(run(data("light", "ref0.txt") + " -i " + quoted(with_bom) + " -b -q").err, "");
}

TEST_F(NmtBleuCli, MismatchedLineCountsNameFilesAndCounts) {
  std::string hyp = read_file(kVectors / "light" / "hyp.txt");
  hyp.erase(hyp.rfind('\n', hyp.size() - 2) + 1);  // drop the last line
  const fs::path short_hyp = write("short_hyp.txt", hyp);
  const ProgramRun r = run(data("light", "ref0.txt") + " -i " + quoted(short_hyp));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find(short_hyp.string()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find((kVectors / "light" / "ref0.txt").string()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("999"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1000"), std::string::npos) << r.err;
}

TEST_F(NmtBleuCli, InvalidUtf8NamesFileAndLine) {
  const fs::path bad = write("bad.txt", "one\ntwo\nth\xC3\x28ree\n");
  const fs::path good = write("good.txt", "one\ntwo\nthree\n");
  for (const std::string& args : {quoted(good) + " -i " + quoted(bad), quoted(bad) + " -i " + quoted(good)}) {
    const ProgramRun r = run(args);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find(bad.string() + ":3:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("invalid UTF-8"), std::string::npos) << r.err;
  }
  const ProgramRun from_stdin = run(quoted(good), bad);
  EXPECT_EQ(from_stdin.exit_code, 1);
  EXPECT_NE(from_stdin.err.find("<stdin>:3:"), std::string::npos) << from_stdin.err;
}

TEST_F(NmtBleuCli, MissingFilesAreNamed) {
  const fs::path missing = dir_ / "missing.txt";
  const fs::path good = write("good.txt", "one\n");
  for (const std::string& args : {quoted(good) + " -i " + quoted(missing), quoted(missing) + " -i " + quoted(good)}) {
    const ProgramRun r = run(args);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("cannot open '" + missing.string() + "'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("No such file or directory"), std::string::npos) << r.err;
  }
}

// A directory is not an empty file: as hypotheses or as a reference it is an error naming it.
TEST_F(NmtBleuCli, DirectoriesAreNamedErrors) {
  const fs::path good = write("good.txt", "one\n");
  for (const std::string& args : {quoted(good) + " -i " + quoted(dir_), quoted(dir_) + " -i " + quoted(good)}) {
    const ProgramRun r = run(args);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("cannot read '" + dir_.string() + "': Is a directory"), std::string::npos) << r.err;
  }
}

TEST_F(NmtBleuCli, EmptyHypothesesScoreZero) {
  const ProgramRun blank_lines =
      run(data("all-empty", "ref0.txt") + " -i " + data("all-empty", "hyp.txt") + " -m bleu chrf");
  ASSERT_EQ(blank_lines.exit_code, 0) << blank_lines.err;
  const json scores = json::parse(blank_lines.out);
  EXPECT_EQ(scores[0]["score"].get<double>(), 0.0);
  EXPECT_EQ(scores[1]["score"].get<double>(), 0.0);

  const fs::path empty_hyp = write("empty_hyp.txt", ""), empty_ref = write("empty_ref.txt", "");
  const ProgramRun nothing = run(quoted(empty_ref) + " -i " + quoted(empty_hyp) + " -m bleu chrf -b -f text");
  EXPECT_EQ(nothing.exit_code, 0) << nothing.err;
  EXPECT_EQ(nothing.out, "0.0\n0.0\n");
  EXPECT_NE(nothing.err.find("no lines"), std::string::npos) << nothing.err;

  const ProgramRun against_text = run(data("all-empty", "ref0.txt") + " -i " + quoted(empty_hyp));
  EXPECT_EQ(against_text.exit_code, 1);
  EXPECT_NE(against_text.err.find("has 0 lines"), std::string::npos) << against_text.err;
}

TEST_F(NmtBleuCli, SegmentWithoutReferenceIsRefused) {
  const fs::path ref = write("ref.txt", "a b\n\nc d\n"), hyp = write("hyp.txt", "a b\nx\nc d\n");
  const ProgramRun r = run(quoted(ref) + " -i " + quoted(hyp));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("line 2 is empty in every reference"), std::string::npos) << r.err;
  const fs::path other = write("other.txt", "a b\ny\nc d\n");
  EXPECT_EQ(run(quoted(ref) + " " + quoted(other) + " -i " + quoted(hyp)).exit_code, 0);
}

TEST_F(NmtBleuCli, SentenceLevelMatchesSacrebleu) {
  const json pairs = json::parse(read_file(kVectors / "sentence" / "expected.json"));
  std::string hyps, refs;
  const std::size_t count = 25;
  for (std::size_t i = 0; i < count; ++i) {
    hyps += pairs[i]["hyp"].get<std::string>() + "\n";
    refs += pairs[i]["ref"].get<std::string>() + "\n";
  }
  const fs::path hyp = write("hyp.txt", hyps), ref = write("ref.txt", refs);
  const ProgramRun scores = run(quoted(ref) + " -i " + quoted(hyp) + " -sl -b -w 6");
  ASSERT_EQ(scores.exit_code, 0) << scores.err;
  std::istringstream lines(scores.out);
  std::size_t i = 0;
  for (std::string line; std::getline(lines, line); ++i) {
    ASSERT_LT(i, count);
    EXPECT_NEAR(std::stod(line), pairs[i]["bleu"].get<double>(), 1e-4) << "line " << i + 1;
  }
  EXPECT_EQ(i, count);
  const ProgramRun full = run(quoted(ref) + " -i " + quoted(hyp) + " --sentence-level");
  EXPECT_EQ(full.out.rfind("BLEU|nrefs:1|case:mixed|eff:yes|tok:13a|smooth:exp|version:", 0), 0u) << full.out;
  const ProgramRun chrf = run(quoted(ref) + " -i " + quoted(hyp) + " -sl -m chrf -b");
  EXPECT_EQ(std::count(chrf.out.begin(), chrf.out.end(), '\n'), static_cast<long>(count));
}

TEST_F(NmtBleuCli, UsageErrorsExitWithTwo) {
  const std::string files = data("light", "ref0.txt") + " -i " + data("light", "hyp.txt");
  for (const std::string& args :
       {files + " -m ter", files + " -m rouge", files + " --tokenize zh", files + " -s laplace", files + " -f latex",
        files + " -sl -m bleu chrf", files + " -w -1", files + " --no-such-option", "-i " + data("light", "hyp.txt"),
        files + " --paired-bs", files + " -par", files + " " + data("heavy", "hyp.txt") + " --paired-bs --paired-ar",
        files + " " + data("heavy", "hyp.txt") + " -sl", files + " " + data("heavy", "hyp.txt") + " -pbs -pbsn -5",
        files + " - --paired-ar"}) {
    SCOPED_TRACE(args);
    const ProgramRun r = run(args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err.rfind("nmt-bleu: ", 0), 0u) << r.err;
  }
}

// Several systems without a test: sacreBLEU's table of scores, the same as each alone.
TEST_F(NmtBleuCli, SeveralSystemsAreScoredSideBySide) {
  const std::string args =
      data("heavy", "ref0.txt") + " -i " + data("heavy", "hyp.txt") + " " + data("light", "hyp.txt") + " -m chrf bleu";
  const ProgramRun json_run = run(args);
  ASSERT_EQ(json_run.exit_code, 0) << json_run.err;
  const ordered_json systems = ordered_json::parse(json_run.out);
  ASSERT_EQ(systems.size(), 2u);
  EXPECT_EQ(systems[0]["system"], (kVectors / "heavy" / "hyp.txt").string());
  EXPECT_EQ(systems[0]["BLEU"], "23.5");
  EXPECT_EQ(systems[0]["chrF2"], "54.6");  // expected.json: chrf 54.618796
  const ProgramRun text = run(args + " -f text -w 2");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("│ 23.49  │  54.62  │"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(" - BLEU       nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:"), std::string::npos);
  EXPECT_EQ(text.out.find("Paired"), std::string::npos) << text.out;
}

// sacreBLEU's --paired-bs report: the baseline's score with its bootstrap mean and 95%
// interval, each system's with its p-value, the explanation and the signatures with bs:N
// and the seed. heavy and light differ by 45 BLEU: no resample comes near, p = 1/1001.
TEST_F(NmtBleuCli, PairedBootstrapReportsIntervalsAndPValues) {
  const std::string args = data("heavy", "ref0.txt") + " -i " + data("heavy", "hyp.txt") + " " +
                           data("light", "hyp.txt") + " " + data("heavy", "hyp.txt") + " -m bleu chrf --paired-bs";
  const ProgramRun text = run(args + " -f text");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.err.find("ignoring " + (kVectors / "heavy" / "hyp.txt").string() + " among the systems"),
            std::string::npos)
      << text.err;
  for (const std::string& expected : std::vector<std::string>{
           "System │  BLEU (μ ± 95% CI)  │  chrF2 (μ ± 95% CI)  │", "│ Baseline: " + (kVectors / "heavy").string(),
           "(p = 0.0010)*", "Paired bootstrap resampling test with 1000 resampling trials",
           " - BLEU       nrefs:1|bs:1000|seed:12345|case:mixed|eff:no|tok:13a|smooth:exp|version:",
           " - chrF2      nrefs:1|bs:1000|seed:12345|case:mixed|eff:yes|nc:6|nw:0|space:no|version:"}) {
    EXPECT_NE(text.out.find(expected), std::string::npos) << expected << "\n" << text.out;
  }
  const ProgramRun json_run = run(args);
  ASSERT_EQ(json_run.exit_code, 0) << json_run.err;
  const ordered_json systems = ordered_json::parse(json_run.out);
  ASSERT_EQ(systems.size(), 2u);
  std::vector<std::string> keys;
  for (const auto& item : systems[0]["BLEU"].items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"score", "p_value", "mean", "ci"}));
  EXPECT_TRUE(systems[0]["BLEU"]["p_value"].is_null());
  EXPECT_NEAR(systems[0]["BLEU"]["score"].get<double>(), 23.486441, 1e-6);
  EXPECT_NEAR(systems[0]["BLEU"]["mean"].get<double>(), 23.486441, 0.3);
  // 1,000 segments: the interval is a little over one BLEU point wide on each side.
  EXPECT_GT(systems[0]["BLEU"]["ci"].get<double>(), 0.5);
  EXPECT_LT(systems[0]["BLEU"]["ci"].get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(systems[1]["BLEU"]["p_value"].get<double>(), 1.0 / 1001.0);
  EXPECT_DOUBLE_EQ(systems[1]["chrF2"]["p_value"].get<double>(), 1.0 / 1001.0);
  EXPECT_EQ(json_run.out.find("\n    {\n        \"system\": "), 1u) << "not json.dumps(indent=4)";
}

TEST_F(NmtBleuCli, PairedRandomizationAndItsSeed) {
  const std::string args = data("heavy", "ref0.txt") + " -i " + data("heavy", "hyp.txt") + " " +
                           data("light", "hyp.txt") + " --paired-ar --paired-ar-n 200";
  const ProgramRun first = run(args), again = run(args);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out, again.out);
  const ordered_json systems = ordered_json::parse(first.out);
  EXPECT_DOUBLE_EQ(systems[1]["BLEU"]["p_value"].get<double>(), 1.0 / 201.0);
  EXPECT_TRUE(systems[1]["BLEU"]["mean"].is_null());
  const ProgramRun text = run(args + " -f text");
  EXPECT_NE(text.out.find("Paired approximate randomization test with 200 trials"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("nrefs:1|ar:200|seed:12345|case:mixed"), std::string::npos) << text.out;

  // A close pair: the heavy system against itself with one line changed.
  std::string close = read_file(kVectors / "heavy" / "hyp.txt");
  close.replace(0, close.find('\n'), "x");
  const fs::path nearly = write("nearly.txt", close);
  const std::string near_args =
      data("heavy", "ref0.txt") + " -i " + data("heavy", "hyp.txt") + " " + quoted(nearly) + " --paired-bs";
  const double p12345 = ordered_json::parse(run(near_args).out)[1]["BLEU"]["p_value"].get<double>();
  EXPECT_GT(p12345, 0.05) << "one changed line out of 1,000 is not significant";
  const ProgramRun seeded = run("SACREBLEU_SEED=7 " + quoted(kProgram) + " " + near_args, std::nullopt, true);
  EXPECT_NE(ordered_json::parse(seeded.out)[1]["BLEU"]["p_value"].get<double>(), p12345);
  const ProgramRun unseeded =
      run("SACREBLEU_SEED=None " + quoted(kProgram) + " " + near_args + " -f text", std::nullopt, true);
  EXPECT_NE(unseeded.out.find("|bs:1000|seed:none|"), std::string::npos) << unseeded.out;
  const ProgramRun bad = run("SACREBLEU_SEED=x " + quoted(kProgram) + " " + near_args, std::nullopt, true);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("SACREBLEU_SEED='x'"), std::string::npos) << bad.err;
}

TEST_F(NmtBleuCli, SystemsOfOtherLengthsAreNamed) {
  const fs::path short_system = write("short.txt", "one line\n");
  const ProgramRun r =
      run(data("heavy", "ref0.txt") + " -i " + data("heavy", "hyp.txt") + " " + quoted(short_system) + " --paired-bs");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("hypothesis " + short_system.string() + " has 1 lines, reference"), std::string::npos) << r.err;
}

TEST_F(NmtBleuCli, TabsOnStandardInputAreRefused) {
  const fs::path hyp = write("hyp.txt", "a b\nsystem one\tsystem two\n"), ref = write("ref.txt", "a b\nc d\n");
  const ProgramRun r = run(quoted(ref), hyp);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("<stdin>:2: tab"), std::string::npos) << r.err;
}

TEST_F(NmtBleuCli, HelpAndVersion) {
  const ProgramRun help = run("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--smooth-method"), std::string::npos);
  const ProgramRun version = run("-V");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.substr(0, version.out.find('\n') + 1), "nmt-bleu " + std::string(signature_version()) + "\n");
  EXPECT_NE(version.out.find("\nnmt-bleu (nmt "), std::string::npos) << version.out;
  EXPECT_NE(version.out.find(", commit "), std::string::npos) << version.out;
}

}  // namespace
}  // namespace nmt::eval
