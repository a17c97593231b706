// nmt-heatmap: the attention heat-map of one sentence, from nmt-translate's soft alignments
// or from nmt-classify's attention pooling weights.
//
//   nmt-translate -m runs/en-fr/model.nmt --alignment soft < in.en > in.align.jsonl
//   nmt-heatmap --alignment-json in.align.jsonl --line 3 -o line3.svg   # the 4th input line
//   echo "Open the file." | nmt-translate -m MODEL --alignment soft | nmt-heatmap > open.svg
//   echo "Open the file." | nmt-classify -m CLASSIFIER --attention | nmt-heatmap > open.svg
//
// Exit status: 0 done, 1 bad input (file, record, a model without attention), 2 bad command line.
#include <boost/program_options.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "nmt/io/section_file.h"
#include "nmt/report/alignment_json.h"
#include "nmt/report/heatmap.h"
#include "tools/command_line.h"

namespace po = boost::program_options;

int main(int argc, char** argv) {
  std::string input, output;
  long long line = 0;  // with --line; signed, so that -1 is refused instead of wrapping
  po::options_description visible(
      "nmt-heatmap [--alignment-json FILE] [--line N] [-o OUT.svg]\n\n"
      "Draws the attention of one translated sentence as an SVG heat-map: target subwords down the\n"
      "left, source subwords across the top, cells shaded by weight. Reads the JSON lines of\n"
      "'nmt-translate --alignment soft' from FILE (default: standard input) and writes the SVG to\n"
      "OUT.svg (default: standard output). The JSON lines of 'nmt-classify --attention' draw one\n"
      "row per attention head over the sentence's subwords, with the label it was given.\n\nOptions");
  visible.add_options()("help,h", "show this help")("version", "show the version, commit and oneDNN version")(
      "alignment-json,i", po::value(&input),
      "nmt-translate --alignment soft or nmt-classify --attention output (default: standard input)")(
      "line,l", po::value(&line),
      "the record of input line N (its \"line\" field; input lines count from 0, as in n-best lists); "
      "default: the first record")("output,o", po::value(&output), "SVG file to write (default: standard output)");
  po::variables_map vm;
  if (const auto done = nmt::tools::parse_command_line("nmt-heatmap", argc, argv, visible, vm)) return *done;
  if (vm.count("line") && line < 0) {
    std::cerr << "nmt-heatmap: --line counts input lines from 0, not " << line << " (see nmt-heatmap --help)\n";
    return 2;
  }
  try {
    nmt::report::AttentionMap map;
    const std::optional<std::size_t> wanted =
        vm.count("line") ? std::optional(static_cast<std::size_t>(line)) : std::nullopt;
    if (input.empty() || input == "-") {
      map = nmt::report::read_alignment(std::cin, "standard input", wanted);
    } else {
      if (std::filesystem::is_directory(input)) {
        std::cerr << "nmt-heatmap: " << input << ": is a directory, not a JSON lines file\n";
        return 1;
      }
      std::ifstream in(input, std::ios::binary);
      if (!in) {
        std::cerr << "nmt-heatmap: " << input << ": cannot open: " << std::strerror(errno) << "\n";
        return 1;
      }
      map = nmt::report::read_alignment(in, input, wanted);
    }
    const std::string svg = nmt::report::heatmap_svg(map, "heatmap", /*standalone=*/true);
    if (output.empty() || output == "-") {
      std::cout << svg;
      std::cout.flush();
      if (!std::cout) {
        std::cerr << "nmt-heatmap: cannot write the output\n";
        return 1;
      }
    } else {
      nmt::io::write_file_atomically(output, svg);
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "nmt-heatmap: " << e.what() << "\n";
    return 1;
  }
}
