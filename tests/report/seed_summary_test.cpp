// The summary over seeds: means and spreads of the runs' scores, and the paired bootstrap
// test on pooled hypotheses, on comparisons made by hand.
#include "nmt/report/seed_summary.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace nmt::report {
namespace {

const std::vector<std::string> kReferences = {"the cat sat on the mat", "a dog barked at the postman",
                                              "it rained all day in the town", "we walked home after the film"};
const std::vector<std::string> kPerfect = kReferences;
const std::vector<std::string> kPoor = {"cat the mat", "dog a", "rained day it", "film home"};

RunResult run(const std::string& recipe, std::int64_t seed, std::vector<std::string> translations, double bleu,
              double chrf) {
  RunResult r;
  r.name = recipe + " seed " + std::to_string(seed);
  r.recipe_name = recipe;
  r.argument = "recipes/" + recipe + ".yaml";
  r.seed = seed;
  r.model_type = "rnn";
  r.attention = recipe;
  r.translations = std::move(translations);
  r.test_bleu = bleu;
  r.test_chrf = chrf;
  return r;
}

Comparison two_recipes_two_seeds() {
  Comparison c;
  c.runs = {run("good", 1, kPerfect, 30.0, 60.0), run("good", 2, kPerfect, 32.0, 62.0),
            run("bad", 1, kPoor, 10.0, 40.0), run("bad", 2, kPoor, 14.0, 41.0)};
  return c;
}

TEST(SeedSummary, MeanAndSampleDeviationOverSeeds) {
  const auto summaries = summarize_recipes(two_recipes_two_seeds(), kReferences, {});
  ASSERT_EQ(summaries.size(), 2u);
  EXPECT_EQ(summaries[0].name, "good");
  EXPECT_EQ(summaries[0].runs, (std::vector<std::size_t>{0, 1}));
  EXPECT_DOUBLE_EQ(summaries[0].bleu_mean, 31.0);
  EXPECT_DOUBLE_EQ(summaries[0].bleu_sd, std::sqrt(2.0));  // (1 + 1) / (2 - 1)
  EXPECT_DOUBLE_EQ(summaries[1].bleu_mean, 12.0);
  EXPECT_DOUBLE_EQ(summaries[1].bleu_sd, std::sqrt(8.0));
  EXPECT_DOUBLE_EQ(summaries[1].chrf_sd, std::sqrt(0.5));
  EXPECT_TRUE(summaries[0].baseline);  // the first, by default
  EXPECT_FALSE(summaries[0].bleu_test);
}

TEST(SeedSummary, TheTestIsPairedBootstrapOnThePooledSeeds) {
  const auto summaries = summarize_recipes(two_recipes_two_seeds(), kReferences, {"bad", 200, 12345});
  EXPECT_TRUE(summaries[1].baseline);
  ASSERT_TRUE(summaries[0].bleu_test);
  // The pooled score is the corpus BLEU of both seeds' translations against the references twice.
  const std::vector<std::string> pooled = {kPerfect.begin(), kPerfect.end()};
  std::vector<std::string> two = pooled;
  two.insert(two.end(), pooled.begin(), pooled.end());
  std::vector<std::string> references = kReferences;
  references.insert(references.end(), kReferences.begin(), kReferences.end());
  EXPECT_DOUBLE_EQ(summaries[0].bleu_test->score, eval::corpus_bleu(two, {references}).score);
  EXPECT_DOUBLE_EQ(summaries[0].bleu_test->score, 100.0);
  // Every resample of perfect against poor output differs by far more than the centred
  // differences: the smallest p-value 200 resamples allow.
  EXPECT_DOUBLE_EQ(*summaries[0].bleu_test->p_value, 1.0 / 201.0);
  EXPECT_DOUBLE_EQ(*summaries[0].chrf_test->p_value, 1.0 / 201.0);
  const std::string markdown = markdown_summary(summaries, {"bad", 200, 12345});
  EXPECT_NE(markdown.find("| good | rnn | good | 2 | 31.00 ± 1.41 | 61.00 ± 1.41 | 0.0050 * | 0.0050 * |"),
            std::string::npos)
      << markdown;
  EXPECT_NE(markdown.find("| bad | rnn | bad | 2 | 12.00 ± 2.83 | 40.50 ± 0.71 | baseline | baseline |"),
            std::string::npos)
      << markdown;
  EXPECT_NE(markdown.find("200 resamples, seed 12345) of each recipe against bad"), std::string::npos) << markdown;
  const std::string csv = csv_summary(summaries);
  EXPECT_NE(csv.find("\ngood,rnn,good,2,31,1.4142135623730951,61,1.4142135623730951,false,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\nbad,rnn,bad,2,12,2.8284271247461903,40.5,0.7071067811865476,true,,\n"), std::string::npos)
      << csv;
  EXPECT_NE(html_summary(summaries, {}).find("<tr data-recipe=\"good\">"), std::string::npos);
}

// Seed k pairs with the baseline's seed k, whatever order the runs come in: a recipe whose
// seeds translate exactly as the baseline's do has no difference at all (p = 1/(n + 1)).
TEST(SeedSummary, SeedKIsPairedWithTheBaselinesSeedK) {
  Comparison c;
  c.runs = {run("base", 1, kPerfect, 30.0, 60.0), run("base", 2, kPoor, 10.0, 40.0), run("same", 2, kPoor, 10.0, 40.0),
            run("same", 1, kPerfect, 30.0, 60.0)};
  const auto summaries = summarize_recipes(c, kReferences, {"", 100, 12345});
  EXPECT_EQ(summaries[1].runs, (std::vector<std::size_t>{3, 2}));
  EXPECT_DOUBLE_EQ(*summaries[1].bleu_test->p_value, 1.0 / 101.0);
  // Paired the other way round, the same translations differ on every line.
  c.runs[2].seed = 1;
  c.runs[3].seed = 2;
  const auto swapped = summarize_recipes(c, kReferences, {"", 100, 12345});
  EXPECT_GT(*swapped[1].bleu_test->p_value, 1.0 / 101.0);
  // Seeds 1 and 3 do not pair with seeds 1 and 2.
  c.runs[3].seed = 3;
  EXPECT_THROW(summarize_recipes(c, kReferences, {}), ReportError);
}

TEST(SeedSummary, OneSeedHasNoSpread) {
  Comparison c;
  c.runs = {run("good", 1, kPerfect, 30.0, 60.0), run("bad", 1, kPoor, 10.0, 40.0)};
  const auto summaries = summarize_recipes(c, kReferences, {"", 100, 12345});
  const std::string markdown = markdown_summary(summaries, {"", 100, 12345});
  EXPECT_NE(markdown.find("| good | rnn | good | 1 | 30.00 | 60.00 | baseline | baseline |"), std::string::npos)
      << markdown;
  EXPECT_NE(csv_summary(summaries).find("\ngood,rnn,good,1,30,,60,,true,,\n"), std::string::npos)
      << csv_summary(summaries);
}

TEST(SeedSummary, TheBaselineMustBeARecipeAndSeedCountsMustMatch) {
  try {
    summarize_recipes(two_recipes_two_seeds(), kReferences, {"ugly", 10, 1});
    FAIL() << "no error";
  } catch (const ReportError& e) {
    EXPECT_STREQ(e.what(), "--baseline ugly is none of the recipes compared (good, bad)");
  }
  Comparison uneven = two_recipes_two_seeds();
  uneven.runs.pop_back();
  EXPECT_THROW(summarize_recipes(uneven, kReferences, {}), ReportError);
  RunSpec spec;
  spec.recipe_name = "good";
  spec.argument = "recipes/good.yaml";
  EXPECT_NO_THROW(check_baseline({spec}, "recipes/good.yaml"));
  EXPECT_NO_THROW(check_baseline({spec}, ""));
  EXPECT_THROW(check_baseline({spec}, "bad"), ReportError);
}

}  // namespace
}  // namespace nmt::report
