// A classifier's data: text and label files line by line, the label set in byte order, and
// clear errors naming the file and line.
#include "nmt/data/labelled_sentences.h"

#include <gtest/gtest.h>

#include "nmt/data/data_error.h"
#include "temp_files.h"

namespace nmt::data {
namespace {

using testing::TempDir;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}

TEST(LabelledSentences, LinesPairUpLabelsAreTrimmedAndBlankSentencesSkipOnlyWhenAsked) {
  const TempDir dir;
  const auto text = dir.write("t.txt", "one\n\ntwo three\r\n");
  const auto labels = dir.write("t.label", " b \na\r\nc\n");
  const LabelledSentences training = LabelledSentences::read(text, labels, true);
  EXPECT_EQ(training.sentences, (std::vector<std::string>{"one", "two three"}));
  EXPECT_EQ(training.labels, (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(training.lines, (std::vector<std::size_t>{1, 3}));
  EXPECT_EQ(training.skipped_empty, 1u);
  const LabelledSentences all = LabelledSentences::read(text, labels, false);
  EXPECT_EQ(all.size(), 3u);
  EXPECT_EQ(all.labels[1], "a");
}

TEST(LabelledSentences, MalformedFilesNameTheFileAndLine) {
  const TempDir dir;
  const auto text = dir.write("t.txt", "x\ny\n");
  const auto short_labels = dir.write("short.label", "a\n");
  std::string expected = "'";  // built step by step: GCC 12 warns (-Wrestrict, falsely) on "'" + string
  expected += text.string() + "' has 2 lines but its labels '" + short_labels.string() + "' have 1: one label per line";
  EXPECT_EQ(error_of([&] { LabelledSentences::read(text, short_labels, true); }), expected);
  const auto empty = dir.write("empty.label", "a\n\t\n");
  EXPECT_EQ(error_of([&] { LabelledSentences::read(text, empty, false); }),
            empty.string() + ":2: empty label (one label per line)");
  const auto bad = dir.write("bad.label", "a\n\xff\n");
  EXPECT_NE(error_of([&] { LabelledSentences::read(text, bad, false); }).find(bad.string()), std::string::npos);
}

TEST(LabelSet, NumbersLabelsInByteOrderWhateverTheirOrderInTheFile) {
  const std::vector<std::string> labels = {"writer", "calc", "Base", "calc", "writer"};
  const LabelSet set = LabelSet::of(labels);
  EXPECT_EQ(set.names(), (std::vector<std::string>{"Base", "calc", "writer"}));
  EXPECT_EQ(set.find("calc"), 1);
  EXPECT_EQ(set.find("draw"), std::nullopt);
  EXPECT_EQ(LabelSet::parse(set.serialize(), "m").names(), set.names());
  EXPECT_NE(error_of([] { LabelSet::parse("b\na\n", "model.nmt (labels)"); }).find("not distinct and sorted"),
            std::string::npos);
  EXPECT_NE(error_of([] { LabelSet::parse("a\n\nb\n", "m"); }).find("label 2 is not a valid label"), std::string::npos);
  EXPECT_NE(error_of([] { LabelSet::parse("a\nb", "m"); }).find("does not end with a line end"), std::string::npos);
}

TEST(LabelSet, AnUnknownLabelNamesItsFileAndLine) {
  const TempDir dir;
  const auto text = dir.write("d.txt", "x\n\ny\n");
  const auto labels = dir.write("d.label", "a\nb\nc\n");
  const LabelledSentences dev = LabelledSentences::read(text, labels, false);
  const std::vector<std::string> known = {"a", "b"};
  EXPECT_EQ(error_of([&] { LabelSet::of(known).ids(dev, "d.label"); }),
            "d.label:3: label 'c' is not among the training labels (a, b)");
  const std::vector<std::string> all = {"c", "a", "b"};
  EXPECT_EQ(LabelSet::of(all).ids(dev, "d.label"), (std::vector<std::int32_t>{0, 1, 2}));
}

}  // namespace
}  // namespace nmt::data
