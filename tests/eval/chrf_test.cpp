// chrF and chrF++ on segments small enough to count by hand.
#include "nmt/eval/chrf.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace nmt::eval {
namespace {

ChrfStats count_one(std::string_view hypothesis, std::vector<std::string_view> references,
                    const ChrfOptions& options = {}) {
  return ChrfCounter(options).count(hypothesis, references);
}

ChrfOptions char_order(int order) {
  ChrfOptions options;
  options.char_order = order;
  return options;
}

TEST(Chrf, IdenticalAndDisjoint) {
  EXPECT_DOUBLE_EQ(sentence_chrf("Le chat dort.", {"Le chat dort."}).score, 100.0);
  EXPECT_DOUBLE_EQ(sentence_chrf("Le chat dort.", {"Le chat dort."}, chrf_plus_plus()).score, 100.0);
  EXPECT_EQ(sentence_chrf("abc", {"xyz"}).score, 0.0);
}

TEST(Chrf, AveragesPrecisionAndRecallOverOrders) {
  // Unigrams: 2 of 2 hypothesis, 2 of 3 reference; bigrams: "ab" of {"ab"} and {"ab","bc"}.
  // P = 1, R = (2/3 + 1/2) / 2 = 7/12, F2 = 5PR / (4P + R) = 35/55.
  const ChrfStats stats = count_one("ab", {"abc"}, char_order(2));
  ASSERT_EQ(stats.orders.size(), 2u);
  EXPECT_EQ(stats.orders[0].hyp, 2);
  EXPECT_EQ(stats.orders[0].ref, 3);
  EXPECT_EQ(stats.orders[0].match, 2);
  EXPECT_EQ(stats.orders[1].hyp, 1);
  EXPECT_EQ(stats.orders[1].ref, 2);
  EXPECT_EQ(stats.orders[1].match, 1);
  EXPECT_NEAR(chrf_f_score(stats, char_order(2)), 100.0 * 35.0 / 55.0, 1e-12);
}

TEST(Chrf, ClipsRepeatedCharacters) {
  const ChrfStats stats = count_one("aaaa", {"aab"}, char_order(1));
  EXPECT_EQ(stats.orders[0].match, 2);
}

TEST(Chrf, IgnoresWhitespaceUnlessAsked) {
  EXPECT_DOUBLE_EQ(sentence_chrf("a b\u00A0c", {"abc"}).score, 100.0);
  ChrfOptions whitespace;
  whitespace.whitespace = true;
  EXPECT_LT(sentence_chrf("a b c", {"abc"}, whitespace).score, 100.0);
  EXPECT_EQ(count_one("a b", {"a b"}, whitespace).orders[0].hyp, 3);
}

TEST(Chrf, HypothesisCountsNothingWhereTheReferenceHasNoNgrams) {
  // The reference has no bigram, so sacreBLEU reports 0 hypothesis bigrams, not 3.
  const ChrfStats stats = count_one("abcd", {"a"}, char_order(2));
  EXPECT_EQ(stats.orders[1].hyp, 0);
  EXPECT_EQ(stats.orders[1].ref, 0);
  EXPECT_EQ(stats.orders[0].hyp, 4);
}

TEST(Chrf, EffectiveOrderAgainstEpsSmoothing) {
  // "a" against "ab": order 1 has P = 1, R = 1/2, F2 = 2.5/4.5; order 2 has no hypothesis
  // bigram. Effective order averages order 1 only; eps smoothing averages 5/9 with ~0.
  const ChrfStats stats = count_one("a", {"ab"}, char_order(2));
  EXPECT_NEAR(chrf_f_score(stats, char_order(2)), 100.0 * 2.5 / 4.5, 1e-12);
  ChrfOptions eps = char_order(2);
  eps.eps_smoothing = true;
  EXPECT_NEAR(chrf_f_score(stats, eps), 100.0 * 2.5 / 4.5 / 2.0, 1e-12);
}

TEST(Chrf, WordNgramsSplitOffOnePunctuationMark) {
  ChrfOptions words_only;
  words_only.char_order = 0;
  words_only.word_order = 1;
  // "(hi)" gives "(hi" and ")"; "(hi )" gives "(", "hi" and ")": only ")" is shared.
  const ChrfStats stats = count_one("(hi)", {"(hi )"}, words_only);
  ASSERT_EQ(stats.orders.size(), 1u);
  EXPECT_EQ(stats.orders[0].hyp, 2);
  EXPECT_EQ(stats.orders[0].ref, 3);
  EXPECT_EQ(stats.orders[0].match, 1);
  // A one-character word, even a punctuation mark or a multi-byte letter, stays whole.
  EXPECT_EQ(count_one(". é «a»", {". é «a»"}, words_only).orders[0].hyp, 3);
  EXPECT_EQ(count_one("Hello, world!", {"Hello , world !"}, words_only).orders[0].match, 4);
}

TEST(Chrf, PlusPlusAddsWordBigrams) {
  const ChrfStats stats = count_one("the cat sat", {"the cat sat"}, chrf_plus_plus());
  ASSERT_EQ(stats.orders.size(), 8u);
  EXPECT_EQ(stats.orders[6].hyp, 3);  // word unigrams
  EXPECT_EQ(stats.orders[7].hyp, 2);  // word bigrams
  EXPECT_EQ(stats.orders[7].match, 2);
}

TEST(Chrf, PicksTheReferenceWithTheBestFScore) {
  EXPECT_EQ(count_one("abc", {"xyz", "abc"}).orders[0].match, 3);
  EXPECT_EQ(count_one("ab", {"abx", "ab"}).orders[0].ref, 2);
  EXPECT_EQ(count_one("ab", {"ab", "abx"}).orders[0].ref, 2);
  // Equal F-scores (62.5) from different statistics: "abx" (P 2/4, R 2/3) and "a" (P 1/4,
  // R 1/1). The first listed wins.
  EXPECT_EQ(count_one("abcd", {"abx", "a"}, char_order(1)).orders[0].ref, 3);
  EXPECT_EQ(count_one("abcd", {"a", "abx"}, char_order(1)).orders[0].ref, 1);
  EXPECT_EQ(count_one("ab", {"", "ab"}).orders[0].ref, 2);  // empty references are skipped
  EXPECT_THROW(count_one("ab", {""}), std::invalid_argument);
}

TEST(Chrf, LowercaseOption) {
  ChrfOptions lowercase;
  lowercase.lowercase = true;
  EXPECT_DOUBLE_EQ(sentence_chrf("ÉCOLE", {"école"}, lowercase).score, 100.0);
  EXPECT_LT(sentence_chrf("ÉCOLE", {"école"}).score, 100.0);
}

TEST(Chrf, EmptyInputScoresZero) {
  EXPECT_EQ(corpus_chrf({}, {{}}).score, 0.0);
  EXPECT_EQ(corpus_chrf({"", ""}, {{"a b", "c"}}).score, 0.0);
  ChrfOptions eps;
  eps.eps_smoothing = true;
  EXPECT_LT(corpus_chrf({""}, {{"abc"}}, eps).score, 1e-10);
}

TEST(Chrf, CorpusAddsSegmentStatistics) {
  ChrfStats sum = count_one("le chat", {"le chien"});
  sum += count_one("dort bien", {"dort mal"});
  EXPECT_DOUBLE_EQ(corpus_chrf({"le chat", "dort bien"}, {{"le chien", "dort mal"}}).score, chrf_f_score(sum, {}));
  EXPECT_THROW(corpus_chrf({"a"}, {{"a", "b"}}), std::invalid_argument);
}

TEST(Chrf, NamesAndSignatures) {
  EXPECT_EQ(chrf_name({}), "chrF2");
  EXPECT_EQ(chrf_name(chrf_plus_plus()), "chrF2++");
  ChrfOptions options = chrf_plus_plus();
  options.beta = 1;
  options.lowercase = true;
  options.whitespace = true;
  options.eps_smoothing = true;
  EXPECT_EQ(chrf_name(options), "chrF1++");
  EXPECT_EQ(signature(ChrfOptions{}, 1, "2.6.0"), "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0");
  EXPECT_EQ(signature(options, 2, "V"), "nrefs:2|case:lc|eff:no|nc:6|nw:2|space:yes|version:V");
}

TEST(Chrf, RejectsImpossibleOrders) {
  EXPECT_THROW(ChrfCounter(char_order(0)), std::invalid_argument);
  EXPECT_THROW(ChrfCounter(char_order(-1)), std::invalid_argument);
}

}  // namespace
}  // namespace nmt::eval
