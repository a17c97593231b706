// The BLEU tokenizers. 13a expectations come from running sacreBLEU's regular expressions
// with Python's `re`; intl ones are worked out by hand from its three rules.
#include "nmt/eval/tokenizer.h"

#include <gtest/gtest.h>

namespace nmt::eval {
namespace {

TEST(Tokenizer13a, SpacesOutPunctuationAndSymbols) {
  EXPECT_EQ(tokenize_13a("Hello, world!"), "Hello , world !");
  EXPECT_EQ(tokenize_13a("Prix: 1.000,50€ (TTC)..."), "Prix : 1.000,50€ ( TTC ) . . .");
}

TEST(Tokenizer13a, KeepsPeriodsAndCommasInsideNumbers) {
  EXPECT_EQ(tokenize_13a("It costs $3.50, or 3,5 €."), "It costs $ 3.50 , or 3,5 € .");
}

TEST(Tokenizer13a, SplitsDashOnlyAfterDigit) { EXPECT_EQ(tokenize_13a("1-2 a-b 3 -4"), "1 - 2 a-b 3 -4"); }

TEST(Tokenizer13a, KeepsApostrophes) { EXPECT_EQ(tokenize_13a("l'été"), "l'été"); }

TEST(Tokenizer13a, MatchesDoNotOverlap) {
  // "([^0-9])([\.,])" consumes "a." so "," is only split off by the next rule.
  EXPECT_EQ(tokenize_13a("a.,b"), "a . , b");
  EXPECT_EQ(tokenize_13a("x,.y"), "x , . y");
}

TEST(Tokenizer13a, UnescapesEntitiesAndDropsSkipped) {
  EXPECT_EQ(tokenize_13a("&quot;Hi&quot; &amp; bye"), "\" Hi \" & bye");
  EXPECT_EQ(tokenize_13a("<skipped>text"), "text");
  EXPECT_EQ(tokenize_13a("&amp;lt;"), "<");  // replacements run one after the other
}

TEST(Tokenizer13a, SplitsOnUnicodeWhitespaceOnly) {
  EXPECT_EQ(tokenize_13a("a\u00A0b"), "a b");                   // no-break space separates
  EXPECT_EQ(tokenize_13a("Hi\u200B there"), "Hi\u200B there");  // zero-width space does not
  EXPECT_EQ(tokenize_13a(""), "");
  EXPECT_EQ(tokenize_13a("   "), "");
}

TEST(TokenizerIntl, SeparatesUnicodePunctuation) {
  EXPECT_EQ(tokenize_intl("«Bonjour», dit-il."), "« Bonjour » , dit - il .");
  EXPECT_EQ(tokenize_intl("a\u2014b"), "a \u2014 b");  // em dash, category Pd
}

TEST(TokenizerIntl, KeepsPunctuationBetweenNumbers) {
  // A period after a number at the very end stays: mteval-v14.pl does the same.
  EXPECT_EQ(tokenize_intl("1,000.5 et 3.14."), "1,000.5 et 3.14.");
}

TEST(TokenizerIntl, SeparatesEverySymbol) {
  EXPECT_EQ(tokenize_intl("5$+3€"), "5 $ + 3 €");      // Sc, Sm, Sc
  EXPECT_EQ(tokenize_intl("x\u2122y"), "x \u2122 y");  // trade mark sign, So
}

TEST(TokenizerChar, JoinsEveryCharacterWithSpaces) {
  EXPECT_EQ(tokenize_char("ab c"), "a b   c");
  EXPECT_EQ(tokenize_char("été"), "é t é");
  EXPECT_EQ(tokenize_char(""), "");
}

TEST(Tokenizer, NamesRoundTrip) {
  for (const Tokenizer tokenizer : {Tokenizer::mteval_13a, Tokenizer::intl, Tokenizer::characters, Tokenizer::none}) {
    EXPECT_EQ(parse_tokenizer(tokenizer_name(tokenizer)), tokenizer);
  }
  EXPECT_EQ(tokenizer_name(Tokenizer::mteval_13a), "13a");
  EXPECT_FALSE(parse_tokenizer("zh").has_value());
  EXPECT_EQ(tokenize(Tokenizer::none, " a  b "), " a  b ");
}

}  // namespace
}  // namespace nmt::eval
