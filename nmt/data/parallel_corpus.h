#pragma once
// A parallel corpus: two files with one sentence per line, line i of one translating line
// i of the other (plain or gzip, see text_file.h). Pairs with an empty (or white-space
// only) side carry nothing to learn from: they are skipped and counted. Files of different
// line counts are an error naming both files and both counts.

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace nmt::data {

class ParallelCorpus {
 public:
  static ParallelCorpus read(const std::filesystem::path& source_file, const std::filesystem::path& target_file);

  // From sentences in memory; both sides must have the same size (else DataError).
  ParallelCorpus(std::vector<std::string> source, std::vector<std::string> target);

  std::size_t size() const { return source_.size(); }
  std::span<const std::string> source() const { return source_; }
  std::span<const std::string> target() const { return target_; }
  // Line pairs that read() left out because one side was empty.
  std::size_t skipped_empty_pairs() const { return skipped_empty_pairs_; }

 private:
  std::vector<std::string> source_;
  std::vector<std::string> target_;
  std::size_t skipped_empty_pairs_ = 0;
};

}  // namespace nmt::data
