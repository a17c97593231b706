// The table as Markdown and CSV, from a comparison made up here.
#include "nmt/report/table.h"

#include <gtest/gtest.h>

#include <sstream>

namespace nmt::report {
namespace {

Comparison sample() {
  Comparison c;
  c.test_source = "test.en";
  c.test_reference = "test.fr";
  c.test_sentences = 3;
  RunResult a;
  a.name = "en-fr-bahdanau";
  a.model_type = "rnn";
  a.attention = "bahdanau";
  a.seed = 3;
  a.parameters = 1234567;
  a.metrics.training_seconds = 1203.25;
  a.metrics.tokens_per_second = {1000.0, 2000.5};
  a.metrics.steps = 4000;
  a.metrics.validations = {{1000, 300.0, 40.125, 10.5, {}, {}}, {2000, 600.0, 12.5, 20.25, {}, {}}};
  a.metrics.stop = StopRecord{4000, 1203.25, 3, "max_time"};
  a.test_bleu = 21.456;
  a.test_chrf = 50.1;
  a.attention_diagonal = 0.8765;
  a.sentences_per_second = 12.34;
  RunResult b;
  b.name = "odd, \"name\" | x";
  b.model_type = "rnn";
  b.attention = "none";
  b.parameters = 99;
  b.metrics.steps = 10;
  b.metrics.training_seconds = 5;
  c.runs = {a, b};
  return c;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(Table, MarkdownRowsAreRoundedForReading) {
  const auto rows = lines(markdown_table(sample()));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(
      rows[0],
      "| recipe | model | attention | seed | parameters | training time | target tok/s | steps | best dev ppl | best "
      "dev BLEU | test BLEU | test chrF | attn. diagonal | decode sent/s | stopped |");
  EXPECT_EQ(rows[2],
            "| en-fr-bahdanau | rnn | bahdanau | 3 | 1,234,567 | 20m 03s | 1,500 | 4,000 | 12.50 | 20.25 | 21.46 | "
            "50.10 | 0.88 | 12.3 | max_time |");
  // Values a run does not have are dashes; a pipe in a name is escaped.
  EXPECT_EQ(rows[3],
            "| odd, \"name\" \\| x | rnn | none | 0 | 99 | 5.0s | \xE2\x80\x93 | 10 | \xE2\x80\x93 | \xE2\x80\x93 | "
            "0.00 | 0.00 | \xE2\x80\x93 | 0.0 | not stopped |");
}

TEST(Table, CsvKeepsFullPrecisionAndQuotes) {
  const auto rows = lines(csv_table(sample()));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(
      rows[0],
      "recipe,model,attention,seed,parameters,training_seconds,target_tokens_per_second,steps,best_dev_perplexity,"
      "best_dev_bleu,test_bleu,test_chrf,attention_diagonal,decoding_sentences_per_second,stop_reason");
  EXPECT_EQ(rows[1],
            "en-fr-bahdanau,rnn,bahdanau,3,1234567,1203.25,1500.25,4000,12.5,20.25,21.456,50.1,0.8765,12.34,max_time");
  EXPECT_EQ(rows[2], "\"odd, \"\"name\"\" | x\",rnn,none,0,99,5,,10,,,0,0,,0,");
}

TEST(Table, MarkdownReportStatesTheSettingsAndExplainsEveryColumn) {
  const std::string md = markdown_report(sample());
  EXPECT_NE(md.find("`test.en` / `test.fr` (3 lines)"), std::string::npos) << md;
  EXPECT_NE(md.find("beam size 5, length penalty 1"), std::string::npos) << md;
  for (const auto& c : table_columns()) EXPECT_NE(md.find("- **" + c.heading + "**: "), std::string::npos) << c.heading;
}

}  // namespace
}  // namespace nmt::report
