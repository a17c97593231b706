// nmt-heatmap: the attention heat-map of one sentence, from nmt-translate's soft alignments.
//
//   nmt-translate -m runs/en-fr/model.nmt --alignment soft < in.en > in.align.jsonl
//   nmt-heatmap --alignment-json in.align.jsonl --line 3 -o line3.svg   # the 4th input line
//   echo "Open the file." | nmt-translate -m MODEL --alignment soft | nmt-heatmap > open.svg
//
// Exit status: 0 done, 1 bad input (file, record, a model without attention), 2 bad command line.
#include <boost/program_options.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "nmt/graph/build_info.h"
#include "nmt/io/section_file.h"
#include "nmt/report/alignment_json.h"
#include "nmt/report/heatmap.h"

namespace po = boost::program_options;

int main(int argc, char** argv) {
  std::string input, output;
  long long line = 0;  // with --line; signed, so that -1 is refused instead of wrapping
  po::options_description visible(
      "nmt-heatmap [--alignment-json FILE] [--line N] [-o OUT.svg]\n\n"
      "Draws the attention of one translated sentence as an SVG heat-map: target subwords down the\n"
      "left, source subwords across the top, cells shaded by weight. Reads the JSON lines of\n"
      "'nmt-translate --alignment soft' from FILE (default: standard input) and writes the SVG to\n"
      "OUT.svg (default: standard output).\n\nOptions");
  visible.add_options()("help,h", "show this help")("version", "show the version, commit and oneDNN version")(
      "alignment-json,i", po::value(&input), "nmt-translate --alignment soft output (default: standard input)")(
      "line,l", po::value(&line),
      "the record of input line N (its \"line\" field; input lines count from 0, as in n-best lists); "
      "default: the first record")("output,o", po::value(&output), "SVG file to write (default: standard output)");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, visible), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "nmt-heatmap: " << e.what() << " (see nmt-heatmap --help)\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << visible << "\n";
    return 0;
  }
  if (vm.count("version")) {
    std::cout << nmt::graph::version_text("nmt-heatmap");
    return 0;
  }
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
