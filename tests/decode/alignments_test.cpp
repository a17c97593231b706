// nmt-translate's alignment formats: the soft record lists exactly the pieces its attention
// rows and columns index (the EOS on both sides), and a hard alignment names real subwords only
// (never the source EOS, never the target EOS's row).
#include "nmt/decode/alignments.h"

#include <gtest/gtest.h>

namespace nmt::decode {
namespace {

// "▁Open ▁the ▁file" -> "▁Ouvrez ▁le" + EOS; the EOS column holds the most weight in rows 1 and 2.
Translation sample(bool complete) {
  Translation t;
  t.source_pieces = {"\xE2\x96\x81Open", "\xE2\x96\x81the",
                     "\xE2\x96\x81"
                     "file"};
  TranslatedHypothesis h;
  h.text = "Ouvrez le";
  h.pieces = {"\xE2\x96\x81Ouvrez", "\xE2\x96\x81le"};
  h.score = -0.75;
  h.complete = complete;
  h.attention = {{0.6f, 0.1f, 0.1f, 0.2f}, {0.1f, 0.3f, 0.2f, 0.4f}};
  if (complete) h.attention.push_back({0.1f, 0.1f, 0.2f, 0.6f});  // the target EOS's row
  t.n_best.push_back(h);
  return t;
}

TEST(SoftAlignment, SourceAndTargetListWhatTheAttentionIndexesEosIncluded) {
  const nlohmann::json j = soft_alignment(sample(true), 4);
  EXPECT_EQ(j.at("line"), 4);
  EXPECT_EQ(j.at("translation"), "Ouvrez le");
  EXPECT_EQ(j.at("source"), nlohmann::json({"\xE2\x96\x81Open", "\xE2\x96\x81the",
                                            "\xE2\x96\x81"
                                            "file",
                                            "</s>"}));
  EXPECT_EQ(j.at("target"), nlohmann::json({"\xE2\x96\x81Ouvrez", "\xE2\x96\x81le", "</s>"}));
  ASSERT_EQ(j.at("attention").size(), j.at("target").size());
  for (const auto& row : j.at("attention")) EXPECT_EQ(row.size(), j.at("source").size());
  EXPECT_EQ(j.at("score"), -0.75);
  // Cut at the length limit: no target EOS, and no row for one.
  const nlohmann::json cut = soft_alignment(sample(false), 0);
  EXPECT_EQ(cut.at("target").size(), 2u);
  EXPECT_EQ(cut.at("attention").size(), 2u);
  EXPECT_EQ(cut.at("source").back(), "</s>");
}

TEST(SoftAlignment, AnEmptyLineHasNothingToAlign) {
  const nlohmann::json j = soft_alignment(Translation{}, 0);
  EXPECT_EQ(j.at("translation"), "");
  EXPECT_TRUE(j.at("source").empty());
  EXPECT_TRUE(j.at("target").empty());
  EXPECT_TRUE(j.at("attention").empty());
  EXPECT_FALSE(j.contains("score"));
}

TEST(HardAlignment, NamesRealSubwordsOnlyNeverTheEos) {
  // Row 1 weighs the source EOS (index 3) most: its best real subword is "▁the" (1). The target
  // EOS's row gives no pair.
  EXPECT_EQ(hard_alignment(sample(true)), "0-0 1-1");
  EXPECT_EQ(hard_alignment(sample(false)), "0-0 1-1");
  EXPECT_EQ(hard_alignment(Translation{}), "");
  Translation no_attention = sample(true);
  no_attention.n_best.front().attention.clear();  // model.attention: none
  EXPECT_EQ(hard_alignment(no_attention), "");
}

}  // namespace
}  // namespace nmt::decode
