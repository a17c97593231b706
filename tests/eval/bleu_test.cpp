// BLEU on segments small enough to count by hand.
#include "nmt/eval/bleu.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace nmt::eval {
namespace {

BleuStats count_one(std::string_view hypothesis, std::vector<std::string_view> references,
                    const BleuOptions& options = {}) {
  return BleuCounter(options).count(hypothesis, references);
}

BleuOptions with_smoothing(Smoothing smoothing) {
  BleuOptions options;
  options.smoothing = smoothing;
  return options;
}

// Hypothesis of seven "the" against "the cat is on the mat": 2 of 7 unigrams match (clipped
// to the reference's two), no longer n-gram does.
constexpr std::string_view kSevenThe = "the the the the the the the";
constexpr std::string_view kCatRef = "the cat is on the mat";

TEST(Bleu, CountsClippedMatchesPerOrder) {
  const BleuStats stats = count_one(kSevenThe, {kCatRef});
  EXPECT_EQ(stats.counts, (std::array<std::int64_t, 4>{2, 0, 0, 0}));
  EXPECT_EQ(stats.totals, (std::array<std::int64_t, 4>{7, 6, 5, 4}));
  EXPECT_EQ(stats.sys_len, 7);
  EXPECT_EQ(stats.ref_len, 6);
}

TEST(Bleu, ExpSmoothingHalvesEachMissingOrder) {
  // Precisions 200/7, then 100/(2*6), 100/(4*5), 100/(8*4); values from Python's math.
  const BleuScore score = compute_bleu(count_one(kSevenThe, {kCatRef}), {});
  EXPECT_DOUBLE_EQ(score.precisions[1], 100.0 / 12.0);
  EXPECT_DOUBLE_EQ(score.precisions[3], 100.0 / 32.0);
  EXPECT_NEAR(score.score, 7.809849842300637, 1e-12);
  EXPECT_EQ(score.bp, 1.0);
}

TEST(Bleu, FloorSmoothingUsesItsValueAsMatches) {
  const BleuOptions floor = with_smoothing(Smoothing::floor);
  const BleuScore score = compute_bleu(count_one(kSevenThe, {kCatRef}), floor);
  EXPECT_DOUBLE_EQ(score.precisions[2], 100.0 * 0.1 / 5.0);
  EXPECT_NEAR(score.score, 3.9281465090051304, 1e-12);
}

TEST(Bleu, AddKSmoothingAddsToHigherOrders) {
  const BleuScore score = compute_bleu(count_one(kSevenThe, {kCatRef}), with_smoothing(Smoothing::add_k));
  EXPECT_EQ(score.counts, (std::array<double, 4>{2, 1, 1, 1}));
  EXPECT_EQ(score.totals, (std::array<double, 4>{7, 7, 6, 5}));
  EXPECT_NEAR(score.score, 19.20561263749893, 1e-12);
}

TEST(Bleu, NoSmoothingGivesZeroForAMissingOrder) {
  const BleuScore score = compute_bleu(count_one(kSevenThe, {kCatRef}), with_smoothing(Smoothing::none));
  EXPECT_EQ(score.precisions[1], 0.0);
  EXPECT_EQ(score.score, 0.0);
}

TEST(Bleu, NoMatchAtAllScoresZeroWithoutSmoothing) {
  const BleuScore score = compute_bleu(count_one("x y z w", {"a b c d"}), {});
  EXPECT_EQ(score.score, 0.0);
  EXPECT_EQ(score.precisions, (std::array<double, 4>{0, 0, 0, 0}));
  EXPECT_EQ(score.bp, 1.0);
}

TEST(Bleu, EffectiveOrderAveragesOnlyOrdersPresent) {
  BleuOptions effective;
  effective.effective_order = true;
  const BleuStats stats = count_one("the cat", {"the cat"});
  EXPECT_DOUBLE_EQ(compute_bleu(stats, effective).score, 100.0);
  EXPECT_EQ(compute_bleu(stats, {}).score, 0.0);  // orders 3 and 4 have no n-grams
  EXPECT_DOUBLE_EQ(sentence_bleu("the cat", {"the cat"}).score, 100.0);
}

TEST(Bleu, BrevityPenalty) {
  BleuOptions effective;
  effective.effective_order = true;
  const BleuScore score = compute_bleu(count_one("the cat", {"the cat sat on the mat"}), effective);
  EXPECT_DOUBLE_EQ(score.bp, std::exp(1.0 - 6.0 / 2.0));
  EXPECT_NEAR(score.score, 13.53352832366127, 1e-12);
  EXPECT_DOUBLE_EQ(score.ratio(), 2.0 / 6.0);
}

TEST(Bleu, ClosestReferenceLengthPrefersShorterOnTies) {
  EXPECT_EQ(count_one("a b c", {"a b", "a b c d"}).ref_len, 2);
  EXPECT_EQ(count_one("a b c", {"a b c d", "a b"}).ref_len, 2);
  EXPECT_EQ(count_one("a b c", {"a", "a b c d e"}).ref_len, 1);
  EXPECT_EQ(count_one("a b c", {"x y z w v u", "a b c d"}).ref_len, 4);
}

TEST(Bleu, ClipsEachNgramToItsMostGenerousReference) {
  const BleuStats stats = count_one("a a a", {"a b", "a a c"});
  EXPECT_EQ(stats.counts[0], 2);  // max(1, 2)
  EXPECT_EQ(stats.counts[1], 1);  // "a a" only in the second reference
}

TEST(Bleu, SkipsEmptyReferencesLikeSacrebleu) {
  // With the empty reference kept, |2 - 0| would tie |2 - 4| and pick length 0.
  EXPECT_EQ(count_one("x y", {"", "x y z w"}).ref_len, 4);
  EXPECT_THROW(count_one("x y", {""}), std::invalid_argument);
  EXPECT_THROW(count_one("x y", {}), std::invalid_argument);
}

TEST(Bleu, CorpusRejectsMisalignedOrEmptyReferences) {
  EXPECT_THROW(corpus_bleu({"a", "b"}, {{"a"}}), std::invalid_argument);
  EXPECT_THROW(corpus_bleu({"a"}, {}), std::invalid_argument);
  try {
    corpus_bleu({"a", "b"}, {{"a", ""}});
    FAIL() << "an empty reference was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("segment 2"), std::string::npos) << e.what();
  }
}

TEST(Bleu, EmptyInputScoresZeroWithoutDividingByZero) {
  const BleuScore nothing = corpus_bleu({}, {{}});
  EXPECT_EQ(nothing.score, 0.0);
  EXPECT_EQ(nothing.ratio(), 0.0);
  const BleuScore blank = corpus_bleu({"", ""}, {{"a b", "c"}});
  EXPECT_EQ(blank.score, 0.0);
  EXPECT_EQ(blank.bp, 0.0);
  EXPECT_EQ(blank.sys_len, 0);
  EXPECT_EQ(blank.ref_len, 3);
  EXPECT_FALSE(std::isnan(blank.precisions[0]));
}

TEST(Bleu, CorpusAddsSegmentStatistics) {
  const std::vector<std::string> hyps = {"the cat sat", "on a mat today"};
  const std::vector<std::string> refs = {"the cat sat down", "on the mat"};
  BleuStats sum = count_one(hyps[0], {refs[0]});
  sum += count_one(hyps[1], {refs[1]});
  const BleuScore corpus = corpus_bleu(hyps, {refs});
  const BleuScore from_sum = compute_bleu(sum, {});
  EXPECT_EQ(corpus.score, from_sum.score);
  EXPECT_EQ(corpus.sys_len, 7);
  EXPECT_EQ(corpus.ref_len, 7);
}

TEST(Bleu, PreprocessingLowercasesStripsAndTokenizes) {
  BleuOptions lowercase;
  lowercase.lowercase = true;
  EXPECT_EQ(count_one("THE Cat.", {"the cat ."}, lowercase).counts[3], 0);
  EXPECT_EQ(count_one("THE Cat.", {"the cat ."}, lowercase).counts[2], 1);
  EXPECT_EQ(count_one("THE Cat.", {"the cat ."}).counts[0], 1);  // only "."
  BleuOptions none;
  none.tokenizer = Tokenizer::none;
  EXPECT_EQ(count_one("cat.", {"cat ."}, none).counts[0], 0);
  EXPECT_EQ(count_one("a b \u00A0", {"a b"}, none).sys_len, 2);
  BleuOptions chars;
  chars.tokenizer = Tokenizer::characters;
  EXPECT_EQ(count_one("été", {"ét"}, chars).sys_len, 3);
}

TEST(Bleu, SignatureAndVerboseLikeSacrebleu) {
  EXPECT_EQ(signature(BleuOptions{}, 1, "2.6.0"), "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0");
  BleuOptions options;
  options.lowercase = true;
  options.tokenizer = Tokenizer::intl;
  options.smoothing = Smoothing::floor;
  options.smooth_value = 0.25;
  options.effective_order = true;
  EXPECT_EQ(signature(options, 3, "V"), "nrefs:3|case:lc|eff:yes|tok:intl|smooth:floor[0.25]|version:V");
  EXPECT_EQ(signature(with_smoothing(Smoothing::add_k), 1, "V"),
            "nrefs:1|case:mixed|eff:no|tok:13a|smooth:add-k[1.00]|version:V");
  BleuOptions exp_with_value;
  exp_with_value.smooth_value = 0.5;  // exp has no parameter: the value does not show
  EXPECT_EQ(signature(exp_with_value, 1, "V"), "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:V");
  EXPECT_TRUE(signature(BleuOptions{}, 1).ends_with("|version:" + std::string(signature_version())));

  const BleuScore score = compute_bleu(count_one(kSevenThe, {kCatRef}), {});
  EXPECT_EQ(score.verbose(), "28.6/8.3/5.0/3.1 (BP = 1.000 ratio = 1.167 hyp_len = 7 ref_len = 6)");
}

TEST(Bleu, SmoothingNamesRoundTrip) {
  for (const Smoothing s : {Smoothing::exp, Smoothing::floor, Smoothing::add_k, Smoothing::none}) {
    EXPECT_EQ(parse_smoothing(smoothing_name(s)), s);
  }
  EXPECT_EQ(smoothing_name(Smoothing::add_k), "add-k");
  EXPECT_FALSE(parse_smoothing("exponential").has_value());
}

}  // namespace
}  // namespace nmt::eval
