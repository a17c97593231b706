#include "nmt/data/parallel_corpus.h"

#include <algorithm>

#include "nmt/data/data_error.h"
#include "nmt/data/text_file.h"

namespace nmt::data {
namespace {

bool is_blank(const std::string& line) {
  return std::all_of(line.begin(), line.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r'; });
}

// Reads the rest of a file only to report its full line count in the error message.
std::size_t count_all_lines(TextFileReader& reader) {
  std::string line;
  while (reader.read_line(line)) {
  }
  return reader.line_number();
}

}  // namespace

ParallelCorpus::ParallelCorpus(std::vector<std::string> source, std::vector<std::string> target)
    : source_(std::move(source)), target_(std::move(target)) {
  if (source_.size() != target_.size()) {
    throw DataError("parallel corpus sides differ in size: " + std::to_string(source_.size()) + " source and " +
                    std::to_string(target_.size()) + " target sentences");
  }
}

ParallelCorpus ParallelCorpus::read(const std::filesystem::path& source_file,
                                    const std::filesystem::path& target_file) {
  TextFileReader source_reader(source_file);
  TextFileReader target_reader(target_file);
  std::vector<std::string> source, target;
  std::size_t skipped = 0;
  std::string source_line, target_line;
  while (true) {
    const bool has_source = source_reader.read_line(source_line);
    const bool has_target = target_reader.read_line(target_line);
    if (has_source != has_target) {
      const std::size_t source_lines = has_source ? count_all_lines(source_reader) : source_reader.line_number();
      const std::size_t target_lines = has_target ? count_all_lines(target_reader) : target_reader.line_number();
      throw DataError("parallel files differ in line count: '" + source_file.string() + "' has " +
                      std::to_string(source_lines) + " lines, '" + target_file.string() + "' has " +
                      std::to_string(target_lines));
    }
    if (!has_source) break;
    if (is_blank(source_line) || is_blank(target_line)) {
      ++skipped;
      continue;
    }
    source.push_back(std::move(source_line));
    target.push_back(std::move(target_line));
  }
  ParallelCorpus corpus(std::move(source), std::move(target));
  corpus.skipped_empty_pairs_ = skipped;
  return corpus;
}

}  // namespace nmt::data
