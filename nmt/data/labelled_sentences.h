#pragma once
// The data of a sentence classifier: a text file and a label file, line i of one labelling
// line i of the other (plain or gzip, see text_file.h), and the label set a model predicts.
//
// A label is any text without a tab (nmt-classify writes LABEL<TAB>probability), with the
// white space around it dropped; an empty label line is an error naming the file and line.
// Files of different line counts are an error naming both files and both counts.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace nmt::data {

struct LabelledSentences {
  std::vector<std::string> sentences;
  std::vector<std::string> labels;
  std::vector<std::size_t> lines;  // the 1-based line of each in both files
  std::size_t skipped_empty = 0;   // blank sentences left out (when read with skip_blank)

  std::size_t size() const { return sentences.size(); }

  // skip_blank: leave out (and count) lines whose sentence is blank, which carry nothing to
  // learn from (training); without it every line is kept (dev and test: each line is scored).
  static LabelledSentences read(const std::filesystem::path& text_file, const std::filesystem::path& label_file,
                                bool skip_blank);
};

// The labels a classifier knows, numbered 0..size()-1 in byte order of their names (a model
// trained twice on the same labels numbers them alike, whatever their order in the file).
class LabelSet {
 public:
  LabelSet() = default;
  // The distinct labels of `labels`.
  static LabelSet of(std::span<const std::string> labels);
  // From serialize()'s text; DataError naming `where` if it is not a sorted list of distinct labels.
  static LabelSet parse(const std::string& text, const std::string& where);
  std::string serialize() const;  // one label per line

  std::size_t size() const { return names_.size(); }
  const std::string& name(std::int32_t id) const { return names_.at(static_cast<std::size_t>(id)); }
  const std::vector<std::string>& names() const { return names_; }
  std::optional<std::int32_t> find(const std::string& label) const;
  // The id of each label of `data`; a label outside the set is a DataError naming
  // `label_file` and its line.
  std::vector<std::int32_t> ids(const LabelledSentences& data, const std::string& label_file) const;

 private:
  std::vector<std::string> names_;
};

}  // namespace nmt::data
