// nmt-bleu: BLEU and chrF of one system's output against references, with sacreBLEU's
// command line and output formats so that habits and scripts carry over:
//
//   nmt-bleu ref.txt [ref2.txt ...] -i hyp.txt -m bleu chrf [--tokenize intl] [-b] [-w 2]
//   nmt-bleu ref.txt -i baseline.txt system1.txt system2.txt -m bleu chrf --paired-bs
//
// "-" is standard input: the hypotheses by default or with -i -, or one reference when -i
// names a file. Several systems after -i are scored side by side; with --paired-bs or
// --paired-ar each is tested against the first (significance.h).
// Differences from sacreBLEU 2.6.0: no tab-separated systems on standard input, no
// single-system --confidence and no --paired-ar-ci, no built-in test sets (-t), no TER,
// no --short signatures, no colours; --paired-jobs is accepted and runs one process (the
// tests take seconds); usage errors exit with 2, bad input with 1.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "nmt/eval/bleu.h"
#include "nmt/eval/chrf.h"
#include "nmt/eval/comparison_report.h"
#include "nmt/eval/line_reader.h"
#include "nmt/eval/report.h"
#include "nmt/eval/signature.h"
#include "nmt/eval/significance.h"
#include "nmt/eval/tokenizer.h"
#include "nmt/graph/build_info.h"

namespace po = boost::program_options;
namespace eval = nmt::eval;
namespace graph = nmt::graph;

namespace {

constexpr int kExitBadInput = 1;
constexpr int kExitUsage = 2;  // argparse's code for a bad command line
constexpr std::string_view kStdinName = "<stdin>";

// A bad command line; main() prints it and exits with kExitUsage.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

constexpr std::string_view kStdinPath = "-";  // as a path: standard input

struct Arguments {
  std::vector<std::string> references;        // one of them may be "-" when the hypotheses are a file
  std::vector<std::string> inputs;            // the systems; standard input if empty (or "-")
  std::vector<std::string> metrics;           // "bleu", "chrf": sorted, without duplicates
  std::vector<std::string> metrics_as_given;  // without duplicates: the paired tests' column order
  eval::PairedTest paired_test = eval::PairedTest::none;
  int paired_samples = 0;  // resamples or trials of the paired test
  bool sentence_level = false;
  eval::BleuOptions bleu;
  eval::ChrfOptions chrf;
  bool score_only = false;
  int width = 1;
  bool json = true;
  bool quiet = false;
};

// sacreBLEU's multi-letter short options (argparse allows them, Boost does not) are
// rewritten to their long names before parsing.
std::vector<std::string> expand_short_aliases(int argc, char** argv) {
  static constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
      {"-tok", "--tokenize"},      {"-lc", "--lowercase"},       {"-sv", "--smooth-value"},
      {"-sl", "--sentence-level"}, {"-cc", "--chrf-char-order"}, {"-cw", "--chrf-word-order"},
      {"-pbs", "--paired-bs"},     {"-par", "--paired-ar"},      {"-pbsn", "--paired-bs-n"},
      {"-parn", "--paired-ar-n"},
  };
  std::vector<std::string> args(argv + 1, argv + argc);
  for (std::string& arg : args) {
    for (const auto& [alias, name] : kAliases) {
      if (arg == alias) arg = name;
    }
  }
  return args;
}

po::options_description option_descriptions() {
  po::options_description options("Options");
  // clang-format off
  options.add_options()
    ("help,h", "show this help and exit")
    ("version,V", "show the version and exit")
    ("input,i", po::value<std::vector<std::string>>()->multitoken(),
     "the system output(s) to score; - or none: standard input; with several, the first is the "
     "baseline of the paired tests")
    ("metrics,m", po::value<std::vector<std::string>>()->multitoken(),
     "metrics to compute: bleu, chrf (default: bleu)")
    ("sentence-level", "score each line alone (BLEU with effective order); one metric (-sl)")
    ("tokenize", po::value<std::string>()->default_value("13a"),
     "BLEU tokenizer: 13a, intl, char, none (-tok)")
    ("lowercase", "BLEU: compare lowercased text (-lc)")
    ("smooth-method,s", po::value<std::string>()->default_value("exp"),
     "BLEU smoothing: exp, floor, add-k, none")
    ("smooth-value", po::value<double>(), "BLEU smoothing value: floor 0.1, add-k 1 by default (-sv)")
    ("force", "accepted for compatibility: nmt-bleu never warns about tokenized input")
    ("chrf-char-order", po::value<int>()->default_value(6), "chrF character n-gram order (-cc)")
    ("chrf-word-order", po::value<int>()->default_value(0), "chrF word n-gram order; 2 gives chrF++ (-cw)")
    ("chrf-beta", po::value<int>()->default_value(2), "chrF: weight of recall against precision")
    ("chrf-whitespace", "chrF: keep whitespace in character n-grams")
    ("chrf-lowercase", "chrF: compare lowercased text")
    ("chrf-eps-smoothing", "chrF: eps smoothing as chrF++.py, Moses, NLTK (default: effective order)")
    ("paired-bs", "test each system against the first by paired bootstrap resampling, with 95% "
     "confidence intervals (-pbs); seed 12345 or SACREBLEU_SEED")
    ("paired-ar", "test each system against the first by paired approximate randomization (-par)")
    ("paired-bs-n", po::value<int>()->default_value(eval::kDefaultBootstrapResamples),
     "bootstrap resamples (-pbsn); 0: the default")
    ("paired-ar-n", po::value<int>()->default_value(eval::kDefaultRandomizationTrials),
     "approximate randomization trials (-parn); 0: the default")
    ("paired-jobs,j", po::value<int>()->default_value(1),
     "accepted for compatibility: the tests run in one process")
    ("score-only,b", "print only the score")
    ("width,w", po::value<int>()->default_value(1), "decimals of printed scores")
    ("format,f", po::value<std::string>()->default_value("json"), "output format: json, text")
    ("quiet,q", "do not print warnings");
  // clang-format on
  return options;
}

void print_help(const po::options_description& options) {
  fmt::print(
      "Usage: nmt-bleu REF [REF...] [-i HYP] [-m bleu chrf] [options]\n"
      "       nmt-bleu REF [REF...] -i BASELINE SYSTEM... [-m bleu chrf] [--paired-bs | --paired-ar]\n\n"
      "BLEU and chrF identical to sacreBLEU {}'s, with its command line. References come\n"
      "before -i; without -i (or with -i -) the hypotheses are read from standard input, and\n"
      "with -i FILE one reference may be - (standard input). Several systems after -i are\n"
      "scored in one table; --paired-bs and --paired-ar test each against the first with\n"
      "sacreBLEU's methods and defaults. Signatures say version:{} (sacreBLEU's\n"
      "version + the nmt release).\n\n",
      eval::kSacrebleuVersion, eval::signature_version());
  std::cout << options;
}

template <class T>
T parse_choice(std::string_view what, const std::string& value, std::optional<T> parsed, std::string_view choices) {
  if (!parsed) throw UsageError(fmt::format("invalid {} '{}' (choose from {})", what, value, choices));
  return *parsed;
}

Arguments arguments_from(const po::variables_map& vm) {
  const auto flag = [&](const char* name) { return vm.count(name) > 0; };
  Arguments args;
  if (flag("refs")) args.references = vm["refs"].as<std::vector<std::string>>();
  if (flag("input")) {
    args.inputs = vm["input"].as<std::vector<std::string>>();
    if (args.inputs.size() == 1 && args.inputs.front() == kStdinPath) args.inputs.clear();  // sacreBLEU's default
    if (args.inputs.size() > 1 && std::count(args.inputs.begin(), args.inputs.end(), kStdinPath) > 0) {
      throw UsageError("with several systems after -i, each must be a file ('-' is standard input, one system)");
    }
  }
  args.metrics = flag("metrics") ? vm["metrics"].as<std::vector<std::string>>() : std::vector<std::string>{"bleu"};
  for (const std::string& metric : args.metrics) {
    if (std::find(args.metrics_as_given.begin(), args.metrics_as_given.end(), metric) == args.metrics_as_given.end()) {
      args.metrics_as_given.push_back(metric);
    }
  }
  if (flag("paired-bs") && flag("paired-ar")) throw UsageError("--paired-bs and --paired-ar exclude each other");
  if (flag("paired-bs") || flag("paired-ar")) {
    const bool bootstrap = flag("paired-bs");
    const char* option = bootstrap ? "paired-bs-n" : "paired-ar-n";
    const int samples = vm[option].as<int>();
    if (samples < 0) throw UsageError(fmt::format("--{} must be >= 0 (0: the default), not {}", option, samples));
    args.paired_test = bootstrap ? eval::PairedTest::bootstrap : eval::PairedTest::randomization;
    // sacreBLEU's PairedTest: 0 (or less) means the default.
    args.paired_samples =
        samples > 0 ? samples : (bootstrap ? eval::kDefaultBootstrapResamples : eval::kDefaultRandomizationTrials);
  }
  if (vm["paired-jobs"].as<int>() < 0) throw UsageError("--paired-jobs must be >= 0");
  args.sentence_level = flag("sentence-level");

  const std::string tokenizer = vm["tokenize"].as<std::string>();
  args.bleu.tokenizer = parse_choice("tokenizer", tokenizer, eval::parse_tokenizer(tokenizer), "13a, intl, char, none");
  args.bleu.lowercase = flag("lowercase");
  const std::string smoothing = vm["smooth-method"].as<std::string>();
  args.bleu.smoothing =
      parse_choice("smoothing method", smoothing, eval::parse_smoothing(smoothing), "exp, floor, add-k, none");
  if (flag("smooth-value")) args.bleu.smooth_value = vm["smooth-value"].as<double>();
  args.bleu.effective_order = args.sentence_level;  // sacreBLEU turns it on there, only there

  args.chrf.char_order = vm["chrf-char-order"].as<int>();
  args.chrf.word_order = vm["chrf-word-order"].as<int>();
  args.chrf.beta = vm["chrf-beta"].as<int>();
  args.chrf.whitespace = flag("chrf-whitespace");
  args.chrf.lowercase = flag("chrf-lowercase");
  args.chrf.eps_smoothing = flag("chrf-eps-smoothing");

  args.score_only = flag("score-only");
  args.width = vm["width"].as<int>();
  const std::string format = vm["format"].as<std::string>();
  if (format == "latex") throw UsageError("--format latex is not offered: choose json or text");
  if (format != "json" && format != "text") {
    throw UsageError(fmt::format("invalid format '{}' (choose from json, text)", format));
  }
  args.json = format == "json";
  args.quiet = flag("quiet");
  return args;
}

void check(Arguments& args) {
  if (args.references.empty()) {
    throw UsageError("no reference files: give them before -i (built-in test sets are not supported)");
  }
  const auto from_stdin =
      std::count(args.references.begin(), args.references.end(), kStdinPath) + (args.inputs.empty() ? 1 : 0);
  if (from_stdin > 1) {
    throw UsageError(
        "standard input can be read once: give the hypotheses (-i - or no -i) or one reference as '-', "
        "not both");
  }
  for (const std::string& metric : args.metrics) {
    if (metric == "ter") throw UsageError("nmt-bleu offers BLEU and chrF only, not TER; use -m bleu and/or chrf");
    if (metric != "bleu" && metric != "chrf") {
      throw UsageError(fmt::format("invalid metric '{}' (choose from bleu, chrf)", metric));
    }
  }
  // sacreBLEU keeps metrics in a dict keyed by name and prints them sorted by name.
  std::sort(args.metrics.begin(), args.metrics.end());
  args.metrics.erase(std::unique(args.metrics.begin(), args.metrics.end()), args.metrics.end());
  if (args.sentence_level && args.metrics.size() > 1) {
    throw UsageError("only one metric can be used in sentence-level mode");
  }
  const std::size_t systems = std::max<std::size_t>(1, args.inputs.size());
  if (args.sentence_level && systems > 1) throw UsageError("only one system can be scored in sentence-level mode");
  if (args.sentence_level && args.paired_test != eval::PairedTest::none) {
    throw UsageError("paired tests are unavailable in sentence-level mode");
  }
  if (args.paired_test != eval::PairedTest::none && systems == 1) {
    throw UsageError("paired tests need several systems after -i: the baseline first, then the others");
  }
  if (args.width < 0) throw UsageError(fmt::format("--width must be >= 0, not {}", args.width));
  const eval::ChrfOptions& chrf = args.chrf;
  if (chrf.char_order < 0 || chrf.word_order < 0 || chrf.char_order + chrf.word_order == 0) {
    throw UsageError("--chrf-char-order and --chrf-word-order must be >= 0 and not both 0");
  }
  if (chrf.beta < 0) throw UsageError("--chrf-beta must be >= 0");
}

// nullopt when --help or --version was answered.
std::optional<Arguments> parse_arguments(int argc, char** argv) {
  const po::options_description options = option_descriptions();
  po::options_description all = options;
  all.add_options()("refs", po::value<std::vector<std::string>>(), "reference files");
  po::positional_options_description positional;
  positional.add("refs", -1);
  po::variables_map vm;
  try {
    po::command_line_parser parser(expand_short_aliases(argc, argv));
    po::store(parser.options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  if (vm.count("help")) {
    print_help(options);
    return std::nullopt;
  }
  if (vm.count("version")) {
    // The first line as sacreBLEU prints it (the version its signatures name), then the build.
    fmt::print("nmt-bleu {}\n{}", eval::signature_version(), graph::version_text("nmt-bleu"));
    return std::nullopt;
  }
  Arguments args = arguments_from(vm);
  check(args);
  return args;
}

void warn(const Arguments& args, std::string_view message) {
  if (!args.quiet) std::cerr << "nmt-bleu: warning: " << message << '\n';
}

void warn_about_bom(const Arguments& args, const eval::Segments& segments, std::string_view name) {
  if (!segments.starts_with_bom) return;
  warn(args, fmt::format("{} starts with a UTF-8 byte order mark; like sacreBLEU, nmt-bleu scores it as part "
                         "of the first word",
                         name));
}

struct System {
  std::string name;  // the path, "<stdin>" for standard input
  std::vector<std::string> hypotheses;
};

struct Corpus {
  std::vector<System> systems;                       // one unless several were given after -i
  std::vector<std::string> reference_names;          // the paths, "<stdin>" for "-"
  std::vector<std::vector<std::string>> references;  // [reference file][line]
};

eval::Segments read_reference(const std::string& path) {
  if (path != kStdinPath) return eval::read_segments_file(path);
  return eval::read_segments(std::cin, kStdinName, eval::LineEnds::universal);
}

eval::Segments read_hypotheses(const std::optional<std::string>& path) {
  if (path) return eval::read_segments_file(*path);
  eval::Segments segments = eval::read_segments(std::cin, kStdinName, eval::LineEnds::universal);
  // sacreBLEU reads tab-separated columns on standard input as several systems.
  for (std::size_t i = 0; i < segments.lines.size(); ++i) {
    if (segments.lines[i].find('\t') != std::string::npos) {
      throw std::runtime_error(
          fmt::format("{}:{}: tab in the hypothesis; sacreBLEU would read several systems here, nmt-bleu reads "
                      "them from files: -i baseline.txt system.txt ...",
                      kStdinName, i + 1));
    }
  }
  return segments;
}

// Reads the input and checks that sacreBLEU would score it, naming files and lines in errors.
Corpus read_corpus(const Arguments& args) {
  Corpus corpus;
  for (const std::string& path : args.references) {
    eval::Segments segments = read_reference(path);
    corpus.reference_names.push_back(path == kStdinPath ? std::string(kStdinName) : path);
    warn_about_bom(args, segments, corpus.reference_names.back());
    corpus.references.push_back(std::move(segments.lines));
  }
  std::vector<std::optional<std::string>> paths(args.inputs.begin(), args.inputs.end());
  if (paths.empty()) paths.emplace_back();  // standard input
  for (const auto& path : paths) {
    const std::string name = path.value_or(std::string(kStdinName));
    const bool seen = std::any_of(corpus.systems.begin(), corpus.systems.end(),
                                  [&](const System& system) { return system.name == name; });
    if (seen) {
      // sacreBLEU's convenience for -i baseline.txt systems/*.txt
      if (args.paired_test != eval::PairedTest::none && name == corpus.systems.front().name) {
        warn(args, fmt::format("ignoring {} among the systems: it is the baseline", name));
        continue;
      }
      throw std::runtime_error(fmt::format("{} is given twice after -i; each system needs its own file", name));
    }
    eval::Segments hypotheses = read_hypotheses(path);
    warn_about_bom(args, hypotheses, name);
    corpus.systems.push_back(System{name, std::move(hypotheses.lines)});
  }
  if (args.paired_test != eval::PairedTest::none && corpus.systems.size() == 1) {
    throw std::runtime_error("paired tests need a system besides the baseline; the others given were the baseline");
  }

  const std::size_t lines = corpus.systems.front().hypotheses.size();
  for (const System& system : corpus.systems) {
    for (std::size_t r = 0; r < corpus.references.size(); ++r) {
      if (corpus.references[r].size() != system.hypotheses.size()) {
        throw std::runtime_error(fmt::format("line counts differ: hypothesis {} has {} lines, reference {} has {}",
                                             system.name, system.hypotheses.size(), corpus.reference_names[r],
                                             corpus.references[r].size()));
      }
    }
  }
  for (std::size_t i = 0; i < lines; ++i) {
    const bool has_reference = std::any_of(corpus.references.begin(), corpus.references.end(),
                                           [&](const auto& stream) { return !stream[i].empty(); });
    if (!has_reference) {
      throw std::runtime_error(
          fmt::format("line {} is empty in every reference ({}); sacreBLEU refuses a segment without reference", i + 1,
                      fmt::join(corpus.reference_names, ", ")));
    }
  }
  if (lines == 0) {
    if (args.paired_test != eval::PairedTest::none) throw std::runtime_error("paired tests need at least one line");
    warn(args, fmt::format("{} has no lines; every score is 0", corpus.systems.front().name));
  }
  return corpus;
}

std::string format_result(const Arguments& args, const eval::MetricReport& report, bool json) {
  if (args.score_only) return eval::format_score(report.score, args.width);
  return json ? eval::format_json(report, args.width) : eval::format_text(report, args.width);
}

// sacreBLEU's print_single_results(): several JSON objects go in a list; several text lines
// are aligned on their '='.
void print_results(const Arguments& args, const std::vector<std::string>& results) {
  if (args.json) {
    if (results.size() == 1) {
      fmt::print("{}\n", results.front());
    } else {
      fmt::print("[\n{}\n]\n", fmt::join(results, ",\n"));
    }
    return;
  }
  std::vector<std::pair<std::size_t, std::string_view>> aligned;  // (length before " = ", line)
  for (const std::string& line : results) {
    const std::size_t equals = line.find('=');
    if (equals == std::string::npos || results.size() == 1) {
      fmt::print("{}\n", line);
    } else {
      aligned.emplace_back(equals - 1, line);
    }
  }
  std::size_t width = 0;
  for (const auto& [name_length, line] : aligned) width = std::max(width, name_length);
  for (const auto& [name_length, line] : aligned) {
    fmt::print("{:>{}}{}\n", line.substr(0, name_length), width, line.substr(name_length));
  }
}

// sacreBLEU's sentence-level mode: one text line per segment, whatever the format.
void score_sentences(const Arguments& args, const Corpus& corpus) {
  const auto nrefs = static_cast<int>(corpus.references.size());
  const bool bleu = args.metrics.front() == "bleu";
  eval::BleuCounter bleu_counter(args.bleu);
  eval::ChrfCounter chrf_counter(args.chrf);
  std::vector<std::string_view> references;
  const std::vector<std::string>& hypotheses = corpus.systems.front().hypotheses;
  for (std::size_t i = 0; i < hypotheses.size(); ++i) {
    references.clear();
    for (const auto& stream : corpus.references) references.push_back(stream[i]);
    const std::string& hypothesis = hypotheses[i];
    const eval::MetricReport report =
        bleu ? eval::bleu_report(eval::compute_bleu(bleu_counter.count(hypothesis, references), args.bleu), args.bleu,
                                 nrefs)
             : eval::chrf_report(eval::compute_chrf(chrf_counter.count(hypothesis, references), args.chrf), args.chrf,
                                 nrefs);
    fmt::print("{}\n", format_result(args, report, false));
  }
}

void score_corpus(const Arguments& args, const Corpus& corpus) {
  const auto nrefs = static_cast<int>(corpus.references.size());
  const std::vector<std::string>& hypotheses = corpus.systems.front().hypotheses;
  std::vector<std::string> results;
  for (const std::string& metric : args.metrics) {
    const eval::MetricReport report =
        metric == "bleu"
            ? eval::bleu_report(eval::corpus_bleu(hypotheses, corpus.references, args.bleu), args.bleu, nrefs)
            : eval::chrf_report(eval::corpus_chrf(hypotheses, corpus.references, args.chrf), args.chrf, nrefs);
    results.push_back(format_result(args, report, args.json));
  }
  print_results(args, results);
}

// sacreBLEU's multi-system mode: a table of every system's scores and, under a paired test,
// each system's p-value against the first (and with bootstrap, 95% confidence intervals).
void score_systems(const Arguments& args, const Corpus& corpus) {
  const auto nrefs = static_cast<int>(corpus.references.size());
  const bool paired = args.paired_test != eval::PairedTest::none;
  const std::optional<std::uint64_t> seed = paired ? eval::significance_seed_from_environment() : std::nullopt;
  eval::ComparisonReport report;
  report.test = args.paired_test;
  report.samples = args.paired_samples;
  for (const System& system : corpus.systems) report.systems.push_back({system.name, {}});
  if (paired) report.systems.front().name = "Baseline: " + report.systems.front().name;
  // Drawn once: every system is resampled at the same segments as the baseline.
  std::optional<eval::Resamples> resamples;
  if (args.paired_test == eval::PairedTest::bootstrap) {
    resamples.emplace(corpus.systems.front().hypotheses.size(), args.paired_samples, seed);
  }
  for (const std::string& metric : paired ? args.metrics_as_given : args.metrics) {
    const bool bleu = metric == "bleu";
    report.metrics.push_back(bleu ? "BLEU" : eval::chrf_name(args.chrf));
    const std::string signature = bleu ? eval::signature(args.bleu, nrefs) : eval::signature(args.chrf, nrefs);
    report.signatures.push_back(
        eval::paired_signature(signature, args.paired_test, args.paired_samples, eval::seed_label(seed)));
    const eval::Scorer scorer = bleu ? eval::bleu_scorer(args.bleu) : eval::chrf_scorer(args.chrf);
    const auto statistics = [&](const System& system) {
      return bleu ? eval::bleu_statistics(system.hypotheses, corpus.references, args.bleu)
                  : eval::chrf_statistics(system.hypotheses, corpus.references, args.chrf);
    };
    const eval::SegmentStatistics baseline = statistics(corpus.systems.front());
    for (std::size_t s = 0; s < corpus.systems.size(); ++s) {
      const eval::SegmentStatistics mine = s == 0 ? baseline : statistics(corpus.systems[s]);
      eval::TestResult result;
      if (args.paired_test == eval::PairedTest::bootstrap) {
        result = s == 0 ? eval::bootstrap_interval(baseline, scorer, *resamples)
                        : eval::paired_bootstrap(baseline, mine, scorer, *resamples);
      } else if (args.paired_test == eval::PairedTest::randomization && s > 0) {
        result = eval::paired_approximate_randomization(baseline, mine, scorer, args.paired_samples, seed);
      } else {
        result.score = scorer(mine.sum());
      }
      report.systems[s].results.push_back(result);
    }
  }
  fmt::print("{}", args.json ? eval::format_comparison_json(report, args.width)
                             : eval::format_comparison_text(report, args.width));
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::optional<Arguments> args = parse_arguments(argc, argv);
    if (!args) return EXIT_SUCCESS;
    const Corpus corpus = read_corpus(*args);
    if (args->sentence_level) {
      score_sentences(*args, corpus);
    } else if (corpus.systems.size() > 1 || args->paired_test != eval::PairedTest::none) {
      score_systems(*args, corpus);
    } else {
      score_corpus(*args, corpus);
    }
    return EXIT_SUCCESS;
  } catch (const UsageError& e) {
    std::cerr << "nmt-bleu: " << e.what() << "\nTry 'nmt-bleu --help'.\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "nmt-bleu: " << e.what() << '\n';
    return kExitBadInput;
  }
}
