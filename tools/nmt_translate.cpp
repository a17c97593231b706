// nmt-translate: translates text with a trained model (batched beam search).
//
//   nmt-translate -m runs/en-fr/model.nmt < input.en > output.fr
//   nmt-translate -m MODEL -i input.en -o output.fr --beam-size 5 --n-best 3
//
// Exactly one output line per input line, in order (an empty line gives an empty line),
// written batch by batch as the lines come when the input is a pipe or a terminal; with
// --n-best N, N lines per input in Moses' format "LINE ||| translation ||| score"; with
// --alignment, the attention of each target subword over the source subwords as JSON lines
// (soft) or Pharaoh "i-j" pairs (hard: source piece i is target piece j's most attended, EOS
// never named); nmt/decode/alignments.h and docs/translating.md describe both formats.
// Exit status: 0 done, 1 bad input or model file, 2 bad command line.
#include <boost/program_options.hpp>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iostream>
#include <utility>

#include "nmt/decode/alignments.h"
#include "nmt/decode/input_lines.h"
#include "nmt/decode/translator.h"
#include "nmt/graph/cpu_info.h"
#include "nmt/graph/engine.h"
#include "nmt/graph/openmp_waiting.h"
#include "nmt/nmt.h"
#include "tools/command_line.h"
#include "tools/line_filter.h"
#include "tools/log_stream.h"

namespace po = boost::program_options;

int main(int argc, char** argv) {
  nmt::graph::restart_with_openmp_spin_count(argv);  // before any parallel region; see openmp_waiting.h
  std::string model_path, input_path, output_path, log_path, alignment = "none", precision = "f32";
  int threads = 2;
  std::int64_t batch_tokens = 0, batch_sentences = 0;
  nmt::decode::TranslateOptions options;
  po::options_description visible(
      "nmt-translate -m MODEL [-i INPUT] [-o OUTPUT] [options]\n\n"
      "Translates raw text, one sentence per line, from INPUT (default or -: standard input) to\n"
      "OUTPUT (default or -: standard output). From a pipe or a terminal, each batch of lines is\n"
      "translated and written as soon as it is there, so a line typed alone is answered at once.\n\nOptions");
  visible.add_options()("help,h", "show this help")("version", "show the version, commit and oneDNN version")(
      "quiet,q", "no CPU line and no warnings on standard error (errors are still shown)")(
      "log", po::value(&log_path), "also append the CPU line and the warnings to this file")(
      "model,m", po::value(&model_path), "model file (model.nmt)")("input,i", po::value(&input_path),
                                                                   "input file; - or none: standard input")(
      "output,o", po::value(&output_path), "output file; - or none: standard output")(
      "beam-size,b", po::value(&options.beam.beam_size)->default_value(5), "beam size (1 to 256); 1 is greedy search")(
      "length-penalty", po::value(&options.beam.length_penalty)->default_value(1.0),
      "alpha (0 to 10): hypotheses are ranked by log P / length^alpha")(
      "max-length-ratio", po::value(&options.beam.max_length_ratio)->default_value(2.0),
      "longest output: ratio x source subwords + 10 (ratio above 0, at most 100)")(
      "n-best", po::value(&options.beam.n_best)->default_value(1),
      "hypotheses per sentence (1 to the beam size), as 'LINE ||| translation ||| score' lines")(
      "alignment", po::value(&alignment)->default_value("none"),
      "none | soft (JSON lines with attention weights) | hard (translation ||| Pharaoh i-j pairs)")(
      "batch-tokens", po::value(&batch_tokens)->default_value(2000),
      "padded source subwords per batch (1 to 10000000)")("batch-size", po::value(&batch_sentences)->default_value(64),
                                                          "sentences per batch, at most (1 to 10000000)")(
      "threads", po::value(&threads)->default_value(2), "compute threads")(
      "precision", po::value(&precision)->default_value("f32"),
      "f32 | bf16 | int8 | auto: bf16 rounds the operands of the linear layers' products to bfloat16, f32 "
      "accumulation (needs AVX512_BF16 or AMX); int8 quantises the linear layers' weights and inputs to 8 bits (needs "
      "VNNI); auto: bf16 where the CPU has it, else f32 with a warning");
  po::variables_map vm;
  if (const auto done = nmt::tools::parse_command_line("nmt-translate", argc, argv, visible, vm)) return *done;
  const auto usage = [](const std::string& message) { return nmt::tools::usage_error("nmt-translate", message); };
  if (model_path.empty()) return usage("give a model with -m");
  if (alignment != "none" && alignment != "soft" && alignment != "hard")
    return usage("--alignment must be none, soft or hard, not '" + alignment + "'");
  if (alignment != "none" && options.beam.n_best != 1) return usage("--alignment works with --n-best 1");
  if (threads < 1 || threads > nmt::graph::kMaxComputeThreads)
    return usage("--threads must be between 1 and " + std::to_string(nmt::graph::kMaxComputeThreads));
  // Read as signed numbers: "-1" would wrap to a huge unsigned one.
  for (const auto& [name, value] :
       {std::pair{"--batch-tokens", batch_tokens}, std::pair{"--batch-size", batch_sentences}})
    if (const std::string error = nmt::decode::batch_option_error(name, value); !error.empty()) return usage(error);
  options.batch_tokens = static_cast<std::size_t>(batch_tokens);
  options.batch_sentences = static_cast<std::size_t>(batch_sentences);
  if (const std::string error = nmt::decode::options_error(options); !error.empty()) return usage(error);
  options.beam.attention = alignment != "none";
  const nmt::graph::PrecisionChoice chosen = nmt::graph::choose_precision(precision);
  if (!nmt::graph::parse_precision(precision) && precision != "auto") return usage("--precision " + chosen.error);
  if (!chosen.error.empty()) {
    std::cerr << "nmt-translate: --precision " << chosen.error << std::endl;
    return 1;
  }
  options.precision = chosen.precision;
  precision = nmt::graph::precision_name(chosen.precision);  // what runs ("auto" chosen)
  nmt::tools::LogStream log_stream(vm.count("quiet") > 0, log_path);
  if (!log_stream.ok()) return usage("--log " + log_path + ": cannot open the file for writing");
  std::ostream& log = log_stream.stream();
  try {
    nmt::decode::InputLines input(input_path);  // a missing file or a directory fails before the model loads
    nmt::graph::set_compute_threads(threads);
    if (!chosen.warning.empty()) log << "nmt-translate: warning: --precision " << chosen.warning << std::endl;
    log << "nmt-translate: " << nmt::graph::cpu_line() << "; " << precision << " linear layers on "
        << nmt::graph::linear_kernel_name(options.precision) << std::endl;
    // The public interface (nmt/nmt.h), as a program embedding nmt would use it.
    const nmt::Translator translator(model_path, {threads, precision});
    nmt::TranslationOptions translation;
    translation.beam_size = options.beam.beam_size;
    translation.n_best = options.beam.n_best;
    translation.length_penalty = options.beam.length_penalty;
    translation.max_length_ratio = options.beam.max_length_ratio;
    translation.alignment = options.beam.attention;
    translation.batch_tokens = batch_tokens;
    translation.batch_size = batch_sentences;
    // Each chunk is a batch of lines: from a pipe or a terminal, written as soon as it is there.
    return nmt::tools::filter_lines(
        "nmt-translate", input, output_path, options.batch_sentences, log,
        [&](const nmt::decode::InputChunk& chunk, std::ostream& out) {
          const std::vector<nmt::Translation> result = translator.translate(chunk.lines, translation);
          for (std::size_t k = 0; k < result.size(); ++k)
            if (result[k].truncated)
              log << "nmt-translate: warning: line " << chunk.first_line + k + 1 << " is longer than the model's "
                  << translator.max_source_pieces() << " subwords and was cut" << std::endl;
          for (std::size_t k = 0; k < result.size(); ++k) {
            const auto& s = result[k];
            const std::size_t i = chunk.first_line + k;  // input lines count from 0
            if (options.beam.n_best > 1) {
              for (const auto& h : s.n_best) out << i << " ||| " << h.text << " ||| " << h.score << "\n";
              if (s.n_best.empty()) out << i << " |||  ||| 0\n";
            } else if (alignment == "soft") {
              out << nmt::decode::soft_alignment(s, i).dump() << "\n";
            } else if (alignment == "hard") {
              out << s.best() << " ||| " << nmt::decode::hard_alignment(s) << "\n";
            } else {
              out << s.best() << "\n";
            }
          }
        });
  } catch (const std::exception& e) {
    std::cerr << "nmt-translate: " << e.what() << "\n";
    return 1;
  }
}
