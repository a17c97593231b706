// Score lines and JSON as sacreBLEU's Score.format() prints them.
#include "nmt/eval/report.h"

#include <gtest/gtest.h>

namespace nmt::eval {
namespace {

TEST(Report, RoundsLikePythonFormat) {
  // Python: format(0.125, '.2f') == '0.12', format(2.675, '.2f') == '2.67' (its double is
  // below 2.675), format(99.95, '.1f') == '100.0', format(2.5, '.0f') == '2'.
  EXPECT_EQ(format_score(0.125, 2), "0.12");
  EXPECT_EQ(format_score(0.375, 2), "0.38");
  EXPECT_EQ(format_score(2.675, 2), "2.67");
  EXPECT_EQ(format_score(99.95, 1), "100.0");
  EXPECT_EQ(format_score(2.5, 0), "2");
  EXPECT_EQ(format_score(23.486441, 1), "23.5");
}

TEST(Report, TextLine) {
  const MetricReport bleu{"BLEU", 23.486441, "nrefs:1|version:V", "81.9/35.9/19.6/11.7 (BP = 0.819)"};
  EXPECT_EQ(format_text(bleu, 2), "BLEU|nrefs:1|version:V = 23.49 81.9/35.9/19.6/11.7 (BP = 0.819)");
  const MetricReport chrf{"chrF2", 54.618796, "nrefs:1|version:V", ""};
  EXPECT_EQ(format_text(chrf, 1), "chrF2|nrefs:1|version:V = 54.6");
}

TEST(Report, JsonLikePythonJsonDumpsIndent1) {
  const MetricReport bleu{"BLEU", 100.0, "nrefs:1|case:mixed|version:V", "100.0/100.0/100.0/100.0 (BP = 1.000)"};
  EXPECT_EQ(format_json(bleu, 1),
            "{\n"
            " \"name\": \"BLEU\",\n"
            " \"score\": 100.0,\n"
            " \"signature\": \"nrefs:1|case:mixed|version:V\",\n"
            " \"verbose_score\": \"100.0/100.0/100.0/100.0 (BP = 1.000)\",\n"
            " \"nrefs\": \"1\",\n"
            " \"case\": \"mixed\",\n"
            " \"version\": \"V\"\n"
            "}");
  const MetricReport chrf{"chrF2++", 53.293297, "nrefs:2|version:V", ""};
  EXPECT_EQ(format_json(chrf, 2),
            "{\n \"name\": \"chrF2++\",\n \"score\": 53.29,\n \"signature\": \"nrefs:2|version:V\",\n"
            " \"nrefs\": \"2\",\n \"version\": \"V\"\n}");
  EXPECT_NE(format_json(chrf, 0).find("\"score\": 53.0,"), std::string::npos);
}

TEST(Report, FromScores) {
  BleuScore bleu;
  bleu.score = 12.5;
  const MetricReport report = bleu_report(bleu, BleuOptions{}, 2, "V");
  EXPECT_EQ(report.name, "BLEU");
  EXPECT_EQ(report.signature, "nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:V");
  EXPECT_EQ(report.verbose, bleu.verbose());
  const MetricReport chrf = chrf_report(ChrfScore{40.0, "chrF2++"}, chrf_plus_plus(), 1, "V");
  EXPECT_EQ(chrf.name, "chrF2++");
  EXPECT_TRUE(chrf.verbose.empty());
}

TEST(Signature, VersionAndFields) {
  EXPECT_EQ(std::string(signature_version()).rfind(std::string(kSacrebleuVersion) + "+nmt", 0), 0u);
  const auto fields = signature_fields("nrefs:1|tok:13a|smooth:floor[0.10]");
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields[2].first, "smooth");
  EXPECT_EQ(fields[2].second, "floor[0.10]");
}

}  // namespace
}  // namespace nmt::eval
