// nmt-classify: labels text with a trained sentence classifier (model.type classifier).
//
//   nmt-classify -m runs/help-apps/model.nmt < paragraphs.txt > labels.tsv
//   nmt-classify -m MODEL -i input.txt --attention > input.attention.jsonl
//   nmt-classify -m MODEL -i input.txt --attention | nmt-heatmap --line 3 > line3.svg
//
// Exactly one output line per input line, in order: "LABEL<TAB>probability" (the softmax
// probability of the best label, 4 decimals), or with --attention one JSON object per line:
// {"line": N (from 0), "label", "probability", "pieces": [subwords, "</s>"], "attention":
// [[weight per piece] per head]}, which nmt-heatmap draws as one row of weights per head. An
// empty line is classified as the EOS alone (the model's guess without words). From a pipe or
// a terminal each batch of lines is answered as soon as it is there.
// Exit status: 0 done, 1 bad input or model file, 2 bad command line.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "nmt/decode/classification.h"
#include "nmt/decode/input_lines.h"
#include "nmt/decode/translator.h"
#include "nmt/graph/cpu_info.h"
#include "nmt/graph/engine.h"
#include "nmt/graph/memory_pool.h"
#include "nmt/graph/openmp_waiting.h"
#include "nmt/models/saved_classifier.h"
#include "tools/command_line.h"
#include "tools/line_filter.h"
#include "tools/log_stream.h"

namespace po = boost::program_options;

namespace {

// From a pipe or a terminal: how long to wait for more lines before labelling those in hand.
constexpr std::size_t kLinesPerChunk = 256;

}  // namespace

int main(int argc, char** argv) {
  nmt::graph::restart_with_openmp_spin_count(argv);  // before any parallel region; see openmp_waiting.h
  nmt::graph::set_default_memory_pool_capacity(nmt::graph::kDecodingMemoryPoolCapacity);
  std::string model_path, input_path, output_path, log_path;
  int threads = 2;
  std::int64_t batch_tokens = 0;
  po::options_description visible(
      "nmt-classify -m MODEL [-i INPUT] [-o OUTPUT] [--attention] [options]\n\n"
      "Labels raw text, one sentence (or paragraph) per line, from INPUT (default or -: standard\n"
      "input) with a classifier trained by nmt-train (model.type classifier), writing\n"
      "'LABEL<TAB>probability' lines to OUTPUT (default or -: standard output).\n\nOptions");
  visible.add_options()("help,h", "show this help")("version", "show the version, commit and oneDNN version")(
      "quiet,q", "no CPU line and no warnings on standard error (errors are still shown)")(
      "log", po::value(&log_path), "also append the CPU line and the warnings to this file")(
      "model,m", po::value(&model_path), "classifier model file (model.nmt)")("input,i", po::value(&input_path),
                                                                              "input file; - or none: standard input")(
      "output,o", po::value(&output_path), "output file; - or none: standard output")(
      "attention",
      "JSON lines with the label, its probability, the subword pieces and each attention head's "
      "weights over them (model.pooling: attention), for nmt-heatmap")(
      "batch-tokens", po::value(&batch_tokens)->default_value(2000), "padded subwords per batch (1 to 10000000)")(
      "threads", po::value(&threads)->default_value(2), "compute threads");
  po::variables_map vm;
  if (const auto done = nmt::tools::parse_command_line("nmt-classify", argc, argv, visible, vm)) return *done;
  const auto usage = [](const std::string& message) { return nmt::tools::usage_error("nmt-classify", message); };
  if (model_path.empty()) return usage("give a model with -m");
  if (threads < 1 || threads > nmt::graph::kMaxComputeThreads)
    return usage("--threads must be between 1 and " + std::to_string(nmt::graph::kMaxComputeThreads));
  if (const std::string error = nmt::decode::batch_option_error("--batch-tokens", batch_tokens); !error.empty())
    return usage(error);
  const bool attention = vm.count("attention") > 0;
  nmt::tools::LogStream log_stream(vm.count("quiet") > 0, log_path);
  if (!log_stream.ok()) return usage("--log " + log_path + ": cannot open the file for writing");
  std::ostream& log = log_stream.stream();
  try {
    nmt::decode::InputLines input(input_path);  // a missing file or a directory fails before the model loads
    nmt::graph::set_compute_threads(threads);
    log << "nmt-classify: " << nmt::graph::cpu_line() << std::endl;
    const nmt::models::SavedClassifier saved = nmt::models::load_classifier(model_path);
    if (attention && saved.model->config().pooling != nmt::layers::Pooling::attention) {
      std::cerr << "nmt-classify: " << model_path << " pools its states with '" << saved.recipe.model.pooling
                << "': it has no attention weights to show (--attention needs model.pooling: attention)\n";
      return 1;
    }
    return nmt::tools::filter_lines(
        "nmt-classify", input, output_path, kLinesPerChunk, log,
        [&](const nmt::decode::InputChunk& chunk, std::ostream& out) {
          const std::vector<nmt::decode::Classification> labelled = nmt::decode::classify(
              *saved.model, *saved.vocabulary, chunk.lines, static_cast<std::size_t>(batch_tokens));
          for (std::size_t k = 0; k < labelled.size(); ++k) {
            const nmt::models::Prediction& p = labelled[k].prediction;
            if (!attention) {
              out << saved.labels.name(p.label) << '\t' << fmt::format("{:.4f}", p.probability) << '\n';
              continue;
            }
            nlohmann::json pieces = nlohmann::json::array();
            for (const std::int32_t id : labelled[k].ids) pieces.push_back(saved.vocabulary->piece(id));
            out << nlohmann::json{{"line", chunk.first_line + k},
                                  {"label", saved.labels.name(p.label)},
                                  {"probability", p.probability},
                                  {"pieces", pieces},
                                  {"attention", p.weights}}
                       .dump()
                << '\n';
          }
        });
  } catch (const std::exception& e) {
    std::cerr << "nmt-classify: " << e.what() << "\n";
    return 1;
  }
}
