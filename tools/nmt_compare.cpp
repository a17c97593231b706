// nmt-compare: trains (or collects) several runs and compares them on the same test set with
// the same decoding: a table (Markdown, CSV) and a self-contained HTML report with learning
// curves and attention heat-maps. See docs/comparing-attention.md. Classifiers
// (model.type classifier) are compared the same way by accuracy and macro-F1 of their labels
// (docs/attention-classifier.md).
//
//   nmt-compare recipes/en-fr-*.yaml -o comparison
//   nmt-compare recipes/en-fr-*.yaml --seeds 2 --baseline en-fr-luong-general
//   nmt-compare runs/a runs/b --collect-only --beam-size 1
//
// Exit status: 0 done, 1 bad input (recipes, runs, files), 2 bad command line, 128 + N when
// signal N stopped training (the run keeps its checkpoint; the same command continues).
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cctype>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>

#include "nmt/decode/translator.h"
#include "nmt/eval/significance.h"
#include "nmt/graph/build_info.h"
#include "nmt/graph/engine.h"
#include "nmt/graph/openmp_waiting.h"
#include "nmt/io/section_file.h"
#include "nmt/report/classifier_comparison.h"
#include "nmt/report/comparison.h"
#include "nmt/report/html_report.h"
#include "nmt/report/run_spec.h"
#include "nmt/report/seed_summary.h"
#include "nmt/report/table.h"
#include "nmt/train/trainer.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;
using namespace nmt::report;

namespace {

constexpr const char* kDefaultHeatmapLines = "3,7,12";

// "3,7,12" -> {3, 7, 12}; "none" or "" -> {}.
std::vector<std::size_t> parse_lines(const std::string& text) {
  std::vector<std::size_t> lines;
  if (text.empty() || text == "none") return lines;
  std::stringstream in(text);
  std::string item;
  std::set<std::size_t> seen;
  while (std::getline(in, item, ',')) {
    std::size_t used = 0;
    long long n = 0;
    try {
      n = std::stoll(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || item.empty() || n < 1)
      throw po::error("--heatmap-sentences: '" + item + "' is not a line number (1-based, e.g. 3,7,12)");
    if (!seen.insert(static_cast<std::size_t>(n)).second)
      throw po::error("--heatmap-sentences: line " + item + " is listed twice");
    lines.push_back(static_cast<std::size_t>(n));
  }
  return lines;
}

std::string shell_quoted(const std::string& word) {
  if (!word.empty() &&
      word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=,:+@%") ==
          std::string::npos)
    return word;
  std::string out = "'";
  for (const char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string now_utc() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char text[64];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &tm);
  return text;
}

// A file name for a run's translations: its name with anything but letters, digits, '-', '_'
// and '.' replaced.
std::string file_name(const std::string& name) {
  std::string out;
  for (const char c : name)
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ? c : '_';
  return out;
}

// Labels the test set with every classifier, scores and summarizes them, and writes the
// tables, the report and each run's labels (predictions/RUN.labels); returns the exit status.
int compare_classifiers(const std::vector<RunSpec>& specs, const LabelledTestSet& test,
                        const DecodingSettings& decoding, const std::vector<std::size_t>& heatmap_lines,
                        const SummaryOptions& summary_options, const std::string& output_dir,
                        const std::string& command) {
  ClassifierComparison comparison;
  comparison.test_text = test.text_path;
  comparison.test_labels = test.labels_path;
  comparison.test_sentences = test.sentences.size();
  comparison.batch_tokens = decoding.batch_tokens;
  comparison.threads = decoding.threads;
  comparison.heatmap_lines = heatmap_lines;
  for (const auto& spec : specs) {
    std::cerr << "== " << spec.name << ": labelling " << test.sentences.size() << " test lines\n";
    comparison.runs.push_back(
        evaluate_classifier_run(spec, test, decoding.batch_tokens, decoding.threads, heatmap_lines));
    const ClassifierRunResult& r = comparison.runs.back();
    std::cerr << "test accuracy " << r.scores.accuracy << ", macro-F1 " << r.scores.macro_f1 << ", "
              << r.sentences_per_second << " sentences/s\n";
  }
  std::vector<ClassifierRecipeSummary> summaries;
  try {
    if (comparison.runs.size() > 1) summaries = summarize_classifier_recipes(comparison, summary_options);
  } catch (const std::exception& e) {  // the runs' table and report are still worth writing
    std::cerr << "nmt-compare: warning: no summary over recipes: " << e.what() << "\n";
  }
  const fs::path out(output_dir);
  fs::create_directories(out / "predictions");
  if (!summaries.empty())
    nmt::io::write_file_atomically((out / "summary.csv").string(), classifier_summary_csv(summaries));
  nmt::io::write_file_atomically((out / "comparison.md").string(),
                                 classifier_markdown(comparison, summaries, summary_options));
  nmt::io::write_file_atomically((out / "comparison.csv").string(), classifier_csv(comparison));
  nmt::io::write_file_atomically(
      (out / "report.html").string(),
      classifier_html_report(comparison, summaries, {command, now_utc(), {}, summary_options}));
  for (const auto& r : comparison.runs) {
    std::string text;
    for (const std::int32_t id : r.predicted) text += r.labels[static_cast<std::size_t>(id)] + "\n";
    nmt::io::write_file_atomically((out / "predictions" / (file_name(r.name) + ".labels")).string(), text);
  }
  if (!summaries.empty()) std::cout << classifier_summary_markdown(summaries, summary_options) << "\n";
  std::cout << classifier_markdown_table(comparison) << "\n"
            << "table:        " << (out / "comparison.md").string() << ", " << (out / "comparison.csv").string()
            << (summaries.empty() ? "" : ", " + (out / "summary.csv").string()) << "\n"
            << "report:       " << (out / "report.html").string() << "\n"
            << "predictions:  " << (out / "predictions").string() << "/\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  nmt::graph::restart_with_openmp_spin_count(argv);  // before any parallel region; see openmp_waiting.h
  std::vector<std::string> inputs, overrides;
  std::string output_dir = "comparison", heatmap_text = kDefaultHeatmapLines;
  std::int64_t batch_tokens = 2000;  // signed, so that -1 is refused instead of wrapping
  std::string precision = "f32";
  DecodingSettings decoding;
  int seeds = 1;
  SummaryOptions summary_options;
  po::options_description visible(
      "nmt-compare RECIPE.yaml|RUN_DIRECTORY... [options]\n\n"
      "Compares runs on one test set. Trains each recipe that has not finished (resuming its run directory,\n"
      "as nmt-train does), then translates the test set with every best model using the same decoding\n"
      "settings, and writes to the output directory: comparison.md and comparison.csv (the table),\n"
      "report.html (table, learning curves, attention heat-maps; self-contained) and translations/.\n"
      "Classifiers (model.type classifier) are compared by the accuracy and macro-F1 of their test\n"
      "labels (predictions/ instead of translations/; the decoding options do not apply).\n"
      "See docs/comparing-attention.md and docs/attention-classifier.md.\n\nOptions");
  visible.add_options()("help,h", "show this help")("version", "show the version, commit and oneDNN version")(
      "output,o", po::value(&output_dir)->default_value(output_dir), "output directory")(
      "collect-only", "train nothing: compare the runs that exist (an error names any that does not)")(
      "set", po::value(&overrides)->composing(),
      "override a key of every recipe, e.g. --set training.max_time=5m (repeatable)")(
      "seeds", po::value(&seeds)->default_value(1),
      "train each recipe with this many seeds (training.seed, +1, ...; the first in the recipe's output.directory, "
      "the others in OUTPUT.DIRECTORY-seedN) and summarize each recipe by the mean and standard deviation over them; "
      "recipes only, not run directories")(
      "baseline", po::value(&summary_options.baseline),
      "the recipe (its name or the argument) every other is tested against by paired bootstrap resampling "
      "(default: the first)")(
      "bootstrap-resamples",
      po::value(&summary_options.resamples)->default_value(nmt::eval::kDefaultBootstrapResamples),
      "resamples of that test (sacreBLEU's --paired-bs-n; seed 12345 or SACREBLEU_SEED)")(
      "beam-size,b", po::value(&decoding.beam_size)->default_value(5), "beam size of the test decoding; 1 is greedy")(
      "length-penalty", po::value(&decoding.length_penalty)->default_value(1.0),
      "alpha: hypotheses are ranked by log P / length^alpha")("max-length-ratio",
                                                              po::value(&decoding.max_length_ratio)->default_value(2.0),
                                                              "longest output: ratio x source subwords + 10")(
      "batch-tokens", po::value(&batch_tokens)->default_value(2000), "padded source subwords per decoding batch")(
      "threads", po::value(&decoding.threads)->default_value(2),
      "compute threads of the test decoding (training uses each recipe's training.threads)")(
      "precision", po::value(&precision)->default_value("f32"),
      "f32 | bf16 | int8 | auto: the products of the test decoding (bf16 needs AVX512_BF16 or AMX, int8 VNNI; as "
      "nmt-translate)")(
      "heatmap-sentences", po::value(&heatmap_text)->default_value(kDefaultHeatmapLines),
      "test lines (1-based, comma-separated) to draw attention heat-maps of; 'none' for none (the default lines a "
      "shorter test set lacks are left out)");
  po::options_description all;
  all.add(visible).add_options()("input", po::value(&inputs)->composing());
  po::positional_options_description positional;
  positional.add("input", -1);
  po::variables_map vm;
  std::vector<std::size_t> heatmap_lines;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << visible << "\n";
      return 0;
    }
    if (vm.count("version")) {
      std::cout << nmt::graph::version_text("nmt-compare");
      return 0;
    }
    heatmap_lines = parse_lines(heatmap_text);
    if (inputs.empty()) throw po::error("give the recipes or run directories to compare");
    if (seeds < 1 || seeds > 100) throw po::error("--seeds must be between 1 and 100");
    if (summary_options.resamples < 1) throw po::error("--bootstrap-resamples must be at least 1");
    if (decoding.threads < 1 || decoding.threads > nmt::graph::kMaxComputeThreads)
      throw po::error("--threads must be between 1 and " + std::to_string(nmt::graph::kMaxComputeThreads));
    // The ranges nmt-translate checks, before any training.
    if (const std::string error = nmt::decode::batch_option_error("--batch-tokens", batch_tokens); !error.empty())
      throw po::error(error);
    decoding.batch_tokens = static_cast<std::size_t>(batch_tokens);
    const nmt::graph::PrecisionChoice chosen = nmt::graph::choose_precision(precision);
    if (!chosen.error.empty()) throw po::error("--precision " + chosen.error);
    if (!chosen.warning.empty()) std::cerr << "nmt-compare: warning: --precision " << chosen.warning << "\n";
    decoding.precision = chosen.precision;
    nmt::decode::TranslateOptions checked;
    checked.batch_tokens = decoding.batch_tokens;
    checked.beam.beam_size = decoding.beam_size;
    checked.beam.length_penalty = decoding.length_penalty;
    checked.beam.max_length_ratio = decoding.max_length_ratio;
    if (const std::string error = nmt::decode::options_error(checked); !error.empty()) throw po::error(error);
  } catch (const po::error& e) {
    std::cerr << "nmt-compare: " << e.what() << " (see nmt-compare --help)\n";
    return 2;
  }
  const bool collect_only = vm.count("collect-only") > 0;

  try {
    summary_options.seed = nmt::eval::significance_seed_from_environment();
    const std::vector<RunSpec> specs = resolve_runs(inputs, overrides, seeds);
    check_baseline(specs, summary_options.baseline);
    // Classifiers (model.type classifier) are labelled and scored by accuracy and macro-F1
    // instead of translated; resolve_runs made sure that all runs are of one kind.
    const bool classifiers = specs.front().recipe.model.type == "classifier";
    if (classifiers) {
      for (const char* option : {"beam-size", "length-penalty", "max-length-ratio", "precision"})
        if (!vm[option].defaulted()) {
          std::cerr << "nmt-compare: --" << option
                    << " is a translation setting; classifiers label their test set without a search (see "
                       "nmt-compare --help)\n";
          return 2;
        }
    }
    // The test set and the heat-map lines are checked before hours of training, not after.
    const auto& test_data = specs.front().recipe.data;
    std::optional<TestSet> test;
    std::optional<LabelledTestSet> labelled_test;
    if (classifiers)
      labelled_test = read_labelled_test_set(test_data.test_source, test_data.test_labels);
    else
      test = read_test_set(test_data.test_source, test_data.test_target);
    const std::size_t test_lines = classifiers ? labelled_test->sentences.size() : test->sources.size();
    // Lines given on the command line must exist; the default ones (made for the en-fr test
    // set) that a smaller test set lacks are left out.
    if (vm["heatmap-sentences"].defaulted()) {
      std::erase_if(heatmap_lines, [&](std::size_t line) { return line > test_lines; });
    } else {
      for (const std::size_t line : heatmap_lines)
        if (line > test_lines)
          throw ReportError("--heatmap-sentences: line " + std::to_string(line) + " is not a line of " +
                            test_data.test_source + " (" + std::to_string(test_lines) + " lines)");
    }
    // Training (or checking that every run is there) comes first: a missing run is reported
    // before any decoding.
    if (collect_only) {
      for (const auto& spec : specs) check_collectable(spec);
    } else {
      nmt::train::install_stop_signal_handlers();
      const bool bar = ::isatty(STDERR_FILENO) != 0;
      for (const auto& spec : specs) {
        std::cerr << "== " << spec.name << ": " << spec.directory() << "\n";
        const TrainingOutcome outcome = train_unless_finished(spec, std::cerr, bar);
        if (outcome == TrainingOutcome::already_finished) std::cerr << "already trained (its limits are reached)\n";
        if (outcome == TrainingOutcome::stopped_by_signal) {
          std::cerr << "nmt-compare: training of " << spec.name << " stopped; its checkpoint is in " << spec.directory()
                    << "/checkpoints and the same command continues it\n";
          return 128 + nmt::train::received_stop_signal();
        }
        if (outcome == TrainingOutcome::diverged)
          std::cerr << "nmt-compare: warning: " << spec.name << " diverged; it is compared as it stands\n";
      }
      // Decoding does not look for stop requests: let Ctrl-C end it at once.
      std::signal(SIGINT, SIG_DFL);
      std::signal(SIGTERM, SIG_DFL);
    }

    std::string command;
    for (int i = 0; i < argc; ++i) {
      if (i) command += ' ';
      command += shell_quoted(i ? argv[i] : "nmt-compare");
    }
    if (classifiers)
      return compare_classifiers(specs, *labelled_test, decoding, heatmap_lines, summary_options, output_dir, command);

    const TestSet& test_set = *test;
    Comparison comparison;
    comparison.decoding = decoding;
    comparison.test_source = test_set.source_path;
    comparison.test_reference = test_set.reference_path;
    comparison.test_sentences = test_set.sources.size();
    comparison.heatmap_lines = heatmap_lines;
    for (const auto& spec : specs) {
      std::cerr << "== " << spec.name << ": translating " << test_set.sources.size() << " test lines (beam "
                << decoding.beam_size << ")\n";
      comparison.runs.push_back(evaluate_run(spec, test_set, decoding, heatmap_lines));
      const RunResult& r = comparison.runs.back();
      std::cerr << "test BLEU " << r.test_bleu << ", chrF " << r.test_chrf << ", " << r.sentences_per_second
                << " sentences/s\n";
    }

    // One row per recipe (mean and spread over its seeds, significance against the baseline);
    // for a single run there is nothing to summarize.
    std::vector<RecipeSummary> summaries;
    try {
      if (comparison.runs.size() > 1) summaries = summarize_recipes(comparison, test_set.references, summary_options);
    } catch (const std::exception& e) {  // the runs' table and report are still worth writing
      std::cerr << "nmt-compare: warning: no summary over recipes: " << e.what() << "\n";
    }
    fs::create_directories(fs::path(output_dir) / "translations");
    const fs::path out(output_dir);
    std::string markdown = markdown_report(comparison);
    if (!summaries.empty()) {
      // The summary first, under the report's title; every run's row after it.
      const std::size_t after_title = markdown.find("\n\n") + 2;
      markdown.insert(after_title,
                      "## Recipes\n\n" + markdown_summary(summaries, summary_options) + "## Every run\n\n");
      nmt::io::write_file_atomically((out / "summary.csv").string(), csv_summary(summaries));
    }
    nmt::io::write_file_atomically((out / "comparison.md").string(), markdown);
    nmt::io::write_file_atomically((out / "comparison.csv").string(), csv_table(comparison));
    nmt::io::write_file_atomically((out / "report.html").string(),
                                   html_report(comparison, {command, now_utc(), summaries, summary_options}));
    for (const auto& r : comparison.runs) {
      std::string text;
      for (const auto& line : r.translations) text += line + "\n";
      nmt::io::write_file_atomically((out / "translations" / (file_name(r.name) + ".hyp")).string(), text);
    }
    if (!summaries.empty()) std::cout << markdown_summary(summaries, summary_options) << "\n";
    std::cout << markdown_table(comparison) << "\n"
              << "table:        " << (out / "comparison.md").string() << ", " << (out / "comparison.csv").string()
              << (summaries.empty() ? "" : ", " + (out / "summary.csv").string()) << "\n"
              << "report:       " << (out / "report.html").string() << "\n"
              << "translations: " << (out / "translations").string() << "/\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "nmt-compare: " << e.what() << "\n";
    return 1;
  }
}
