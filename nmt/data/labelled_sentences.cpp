#include "nmt/data/labelled_sentences.h"

#include <algorithm>

#include "nmt/data/data_error.h"
#include "nmt/data/text_file.h"

namespace nmt::data {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r'; }

std::string trimmed(const std::string& text) {
  std::size_t begin = 0, end = text.size();
  while (begin < end && is_space(text[begin])) ++begin;
  while (end > begin && is_space(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

std::size_t count_all_lines(TextFileReader& reader) {
  std::string line;
  while (reader.read_line(line)) {
  }
  return reader.line_number();
}

}  // namespace

LabelledSentences LabelledSentences::read(const std::filesystem::path& text_file,
                                          const std::filesystem::path& label_file, bool skip_blank) {
  TextFileReader text_reader(text_file);
  TextFileReader label_reader(label_file);
  LabelledSentences result;
  std::string sentence, label;
  while (true) {
    const bool has_sentence = text_reader.read_line(sentence);
    const bool has_label = label_reader.read_line(label);
    if (has_sentence != has_label) {
      const std::size_t text_lines = has_sentence ? count_all_lines(text_reader) : text_reader.line_number();
      const std::size_t label_lines = has_label ? count_all_lines(label_reader) : label_reader.line_number();
      throw DataError("'" + text_file.string() + "' has " + std::to_string(text_lines) + " lines but its labels '" +
                      label_file.string() + "' have " + std::to_string(label_lines) + ": one label per line");
    }
    if (!has_sentence) break;
    const std::size_t line = label_reader.line_number();
    std::string name = trimmed(label);
    if (name.empty())
      throw DataError(label_file.string() + ":" + std::to_string(line) + ": empty label (one label per line)");
    if (name.find('\t') != std::string::npos)
      throw DataError(label_file.string() + ":" + std::to_string(line) +
                      ": a label may not contain a tab (nmt-classify writes LABEL<TAB>probability)");
    if (skip_blank && std::all_of(sentence.begin(), sentence.end(), is_space)) {
      ++result.skipped_empty;
      continue;
    }
    result.sentences.push_back(std::move(sentence));
    result.labels.push_back(std::move(name));
    result.lines.push_back(line);
  }
  return result;
}

LabelSet LabelSet::of(std::span<const std::string> labels) {
  LabelSet set;
  set.names_.assign(labels.begin(), labels.end());
  std::sort(set.names_.begin(), set.names_.end());
  set.names_.erase(std::unique(set.names_.begin(), set.names_.end()), set.names_.end());
  return set;
}

LabelSet LabelSet::parse(const std::string& text, const std::string& where) {
  LabelSet set;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = text.find('\n', at);
    if (end == std::string::npos) throw DataError(where + ": the label list does not end with a line end");
    set.names_.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  for (std::size_t i = 0; i < set.names_.size(); ++i) {
    const std::string& name = set.names_[i];
    if (name.empty() || name != trimmed(name) || name.find('\t') != std::string::npos)
      throw DataError(where + ": label " + std::to_string(i + 1) + " is not a valid label: '" + name + "'");
    if (i > 0 && !(set.names_[i - 1] < name))
      throw DataError(where + ": the labels are not distinct and sorted (at '" + name + "')");
  }
  return set;
}

std::string LabelSet::serialize() const {
  std::string text;
  for (const std::string& name : names_) text += name + "\n";
  return text;
}

std::optional<std::int32_t> LabelSet::find(const std::string& label) const {
  const auto it = std::lower_bound(names_.begin(), names_.end(), label);
  if (it == names_.end() || *it != label) return std::nullopt;
  return static_cast<std::int32_t>(it - names_.begin());
}

std::vector<std::int32_t> LabelSet::ids(const LabelledSentences& data, const std::string& label_file) const {
  std::vector<std::int32_t> out;
  out.reserve(data.size());
  for (std::size_t i = 0; i < data.size(); ++i) {
    const std::optional<std::int32_t> id = find(data.labels[i]);
    if (!id) {
      std::string known;
      for (const std::string& name : names_) known += (known.empty() ? "" : ", ") + name;
      throw DataError(label_file + ":" + std::to_string(data.lines[i]) + ": label '" + data.labels[i] +
                      "' is not among the training labels (" + known + ")");
    }
    out.push_back(*id);
  }
  return out;
}

}  // namespace nmt::data
