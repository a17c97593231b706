// The JSON of POST /translate: what a request may hold, the error (status and message naming
// the field) for everything else, and the answer's shape.
#include "nmt/serve/translate_request.h"

#include <gtest/gtest.h>

namespace nmt::serve {
namespace {

// The status and message a body is refused with (0, "" when it is accepted).
std::pair<int, std::string> refusal(const std::string& body, const RequestLimits& limits = {}) {
  try {
    parse_translate_request(body, limits);
  } catch (const RequestError& e) {
    return {e.status(), e.what()};
  }
  return {0, ""};
}

TEST(TranslateRequest, TakesAListOrOneStringAndTheDecodingOptions) {
  const TranslateRequest r = parse_translate_request(
      R"({"text": ["Open the file.", ""], "beam_size": 4, "n_best": 2, "alignment": true})", {});
  EXPECT_EQ(r.text, (std::vector<std::string>{"Open the file.", ""}));
  EXPECT_EQ(r.options.beam_size, 4);
  EXPECT_EQ(r.options.n_best, 2);
  EXPECT_TRUE(r.options.alignment);
  EXPECT_TRUE(r.warnings.empty());
  const TranslateRequest one = parse_translate_request(R"({"text": "Save it."})", {});
  EXPECT_EQ(one.text, std::vector<std::string>{"Save it."});
  EXPECT_EQ(one.options.beam_size, 5);  // the defaults of nmt-translate
  EXPECT_EQ(one.options.n_best, 1);
  EXPECT_FALSE(one.options.alignment);
}

TEST(TranslateRequest, MalformedJsonAndWrongTypesAre400NamingTheField) {
  EXPECT_EQ(refusal(R"({"text": ["a"])").first, 400);
  EXPECT_NE(refusal(R"({"text": ["a"])").second.find("malformed JSON"), std::string::npos);
  EXPECT_EQ(refusal(R"(["a"])"),
            (std::pair<int, std::string>{400, "the request must be a JSON object with a \"text\" field"}));
  EXPECT_EQ(refusal(R"({"beam_size": 5})").second, "\"text\" is missing (a string or a list of strings)");
  EXPECT_EQ(refusal(R"({"text": 3})").second, "\"text\" must be a string or a list of strings, not number");
  EXPECT_EQ(refusal(R"({"text": ["a", 7]})").second, "\"text\"[1] must be a string, not number");
  EXPECT_EQ(refusal(R"({"text": "a", "beam_size": "5"})").second, "\"beam_size\" must be an integer from 1 to 256");
  EXPECT_EQ(refusal(R"({"text": "a", "beam_size": 300})").second, "\"beam_size\" must be from 1 to 256, not 300");
  EXPECT_EQ(refusal(R"({"text": "a", "beam_size": 2.5})").first, 400);
  EXPECT_EQ(refusal(R"({"text": "a", "beam_size": 3, "n_best": 4})").second, "\"n_best\" must be from 1 to 3, not 4");
  EXPECT_EQ(refusal(R"({"text": "a", "alignment": 1})").second, "\"alignment\" must be true or false");
  EXPECT_EQ(refusal(R"({"text": "a", "length_penalty": -1})").second,
            "\"length_penalty\" must be a number from 0 to 10");
  EXPECT_EQ(refusal(R"({"text": "a", "beam": 5})").second,
            "unknown field \"beam\" (known: text, beam_size, n_best, alignment, length_penalty)");
  EXPECT_EQ(refusal(R"({"text": "two\nlines"})").second, "\"text\"[0] holds a line break: one sentence per string");
}

TEST(TranslateRequest, TooManySentencesOrCharactersAre413) {
  RequestLimits limits;
  limits.max_sentences = 2;
  limits.max_sentence_characters = 5;
  EXPECT_EQ(refusal(R"({"text": ["a", "b", "c"]})", limits),
            (std::pair<int, std::string>{413, "\"text\" holds 3 sentences; at most 2 per request"}));
  // Characters are code points: five of them in "été é" (eight bytes) pass.
  EXPECT_EQ(refusal(R"({"text": ["été é"]})", limits).first, 0);
  EXPECT_EQ(refusal(R"({"text": ["ok", "été ée"]})", limits),
            (std::pair<int, std::string>{413, "\"text\"[1] has 6 characters; at most 5"}));
}

TEST(TranslateRequest, InvalidUtf8IsReplacedWithAWarning) {
  const TranslateRequest r = parse_translate_request("{\"text\": [\"caf\xC3 ok\"]}", {});
  EXPECT_EQ(r.text, std::vector<std::string>{"caf\xEF\xBF\xBD ok"});
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0], "invalid UTF-8 at byte 14 of the request (and any after it) replaced by U+FFFD");
}

TEST(TranslateRequest, TheAnswerHasATranslationPerSentenceWithWhatWasAskedFor) {
  TranslateRequest request =
      parse_translate_request(R"({"text": ["a", ""], "n_best": 2, "beam_size": 2, "alignment": true})", {});
  Translation t;
  t.source_pieces = {"▁a"};
  TranslatedHypothesis best;
  best.text = "un";
  best.pieces = {"▁un"};
  best.score = -0.5;
  best.attention = {{0.75f, 0.25f}, {0.5f, 0.5f}};
  TranslatedHypothesis second = best;
  second.text = "une";
  second.score = -1.5;
  t.n_best = {best, second};
  const nlohmann::json answer = translate_response(request, {t, Translation{}}, "transformer");
  EXPECT_EQ(answer["model"], "transformer");
  ASSERT_EQ(answer["translations"].size(), 2u);
  const auto& first = answer["translations"][0];
  EXPECT_EQ(first["text"], "un");
  EXPECT_EQ(first["score"], -0.5);
  EXPECT_EQ(first["n_best"].size(), 2u);
  EXPECT_EQ(first["n_best"][1]["text"], "une");
  EXPECT_EQ(first["source"], (nlohmann::json{"▁a", "</s>"}));
  EXPECT_EQ(first["target"], (nlohmann::json{"▁un", "</s>"}));
  EXPECT_EQ(first["alignment"][0][0], 0.75);
  EXPECT_FALSE(first.contains("truncated"));
  EXPECT_EQ(answer["translations"][1]["text"], "");  // an empty sentence
  EXPECT_EQ(answer["translations"][1]["alignment"].size(), 0u);
  EXPECT_FALSE(answer.contains("warnings"));
  request.options.n_best = 1;
  request.options.alignment = false;
  const nlohmann::json plain = translate_response(request, {t, Translation{}}, "transformer");
  EXPECT_FALSE(plain["translations"][0].contains("n_best"));
  EXPECT_FALSE(plain["translations"][0].contains("alignment"));
  EXPECT_EQ(nlohmann::json::parse(error_body("\"x\" is wrong")), (nlohmann::json{{"error", "\"x\" is wrong"}}));
}

}  // namespace
}  // namespace nmt::serve
