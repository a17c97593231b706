// Checks the committed classification corpus (corpora/help-apps, issue 20): text and label
// files line up, the labels are the eight applications, the splits have the documented sizes,
// and no paragraph is in two splits or carries two labels.

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "nmt/data/text_file.h"

namespace nmt::data {
namespace {

const std::filesystem::path kCorpusDir = std::filesystem::path(NMT_SOURCE_DIR) / "corpora/help-apps";

struct LabelledSplit {
  std::vector<std::string> text, labels;
};

LabelledSplit read_split(const std::string& split) {
  return {read_text_lines(kCorpusDir / (split + ".en.gz")), read_text_lines(kCorpusDir / (split + ".label.gz"))};
}

TEST(HelpAppsCorpus, TextAndLabelsLineUpWithTheDocumentedSizesAndLabels) {
  const std::set<std::string> applications{"base", "basic", "calc", "chart", "draw", "impress", "math", "writer"};
  const std::map<std::string, std::size_t> sizes{{"train", 23745}, {"dev", 1000}, {"test", 1000}};
  for (const auto& [name, size] : sizes) {
    const LabelledSplit split = read_split(name);
    EXPECT_EQ(split.text.size(), size) << name;
    ASSERT_EQ(split.labels.size(), split.text.size()) << name;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < split.text.size(); ++i) {
      EXPECT_FALSE(split.text[i].empty()) << name << " line " << i + 1;
      EXPECT_TRUE(applications.contains(split.labels[i])) << name << " line " << i + 1 << ": " << split.labels[i];
      seen.insert(split.labels[i]);
    }
    EXPECT_EQ(seen, applications) << name << ": every application occurs in every split";
  }
}

TEST(HelpAppsCorpus, EachParagraphOnceWithOneLabel) {
  std::map<std::string, std::string> split_of;
  for (const std::string name : {"train", "dev", "test"}) {
    const LabelledSplit split = read_split(name);
    for (const auto& paragraph : split.text) {
      const auto [it, inserted] = split_of.emplace(paragraph, name);
      EXPECT_TRUE(inserted) << "'" << paragraph << "' in " << it->second << " and " << name;
    }
  }
}

}  // namespace
}  // namespace nmt::data
