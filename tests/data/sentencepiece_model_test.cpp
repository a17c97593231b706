#include "nmt/data/sentencepiece_model.h"

#include <gtest/gtest.h>
#include <sentencepiece_trainer.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "data_error_message.h"
#include "nmt/data/special_ids.h"
#include "small_corpus.h"
#include "temp_files.h"

namespace nmt::data {
namespace {

using testing::data_error_message;

constexpr int kVocabularySize = 400;

// Identity normalisation, so that decode(encode(s)) == s holds for every sentence.
SubwordTrainingOptions small_options(SubwordModelType type = SubwordModelType::unigram) {
  SubwordTrainingOptions options;
  options.vocab_size = kVocabularySize;
  options.model_type = type;
  options.normalization = SubwordNormalization::identity;
  return options;
}

class SentencePieceModelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    corpus_ = std::make_unique<ParallelCorpus>(testing::small_corpus());
    const std::array<std::span<const std::string>, 2> sides = {corpus_->source(), corpus_->target()};
    model_ = std::make_unique<SentencePieceModel>(SentencePieceModel::train(sides, small_options()));
  }
  static void TearDownTestSuite() {
    model_.reset();
    corpus_.reset();
  }

  static std::vector<std::string> all_sentences() {
    std::vector<std::string> sentences(corpus_->source().begin(), corpus_->source().end());
    sentences.insert(sentences.end(), corpus_->target().begin(), corpus_->target().end());
    return sentences;
  }

  static inline std::unique_ptr<ParallelCorpus> corpus_;
  static inline std::unique_ptr<SentencePieceModel> model_;
};

TEST_F(SentencePieceModelTest, HasTheRequestedSizeAndFixedSpecialIds) {
  EXPECT_EQ(model_->size(), kVocabularySize);
  EXPECT_EQ(model_->piece(kPadId), "<pad>");
  EXPECT_EQ(model_->piece(kUnkId), "<unk>");
  EXPECT_EQ(model_->piece(kBosId), "<s>");
  EXPECT_EQ(model_->piece(kEosId), "</s>");
}

TEST_F(SentencePieceModelTest, PiecesAndIdsMapBothWays) {
  for (int32_t id = 0; id < model_->size(); ++id) EXPECT_EQ(model_->id(model_->piece(id)), id);
  EXPECT_EQ(model_->id("no such piece in any vocabulary"), kUnkId);
  EXPECT_THROW(model_->piece(model_->size()), DataError);
  EXPECT_THROW(model_->piece(-1), DataError);
}

TEST_F(SentencePieceModelTest, DecodeInvertsEncodeOnTheTrainingText) {
  size_t ordinary_ids = 0;
  for (const std::string& sentence : all_sentences()) {
    const auto ids = model_->encode(sentence);
    ASSERT_FALSE(ids.empty()) << sentence;
    for (const int32_t id : ids) {
      ASSERT_GE(id, kUnkId) << sentence;  // never pad, bos or eos
      ASSERT_NE(id, kBosId);
      ASSERT_NE(id, kEosId);
      ordinary_ids += id >= kFirstOrdinaryId;
    }
    EXPECT_EQ(model_->decode(ids), sentence);
  }
  EXPECT_GT(ordinary_ids, 0u);
}

TEST_F(SentencePieceModelTest, UnseenCharacterBecomesUnknown) {
  const auto ids = model_->encode("Zeile \xE8\xA1\x8C");  // a CJK character in no sentence
  EXPECT_NE(std::find(ids.begin(), ids.end(), kUnkId), ids.end());
}

TEST_F(SentencePieceModelTest, DecodeDropsSpecialTokensAndRejectsUnknownIds) {
  const std::string sentence = corpus_->target()[0];
  auto ids = model_->encode(sentence);
  ids.insert(ids.begin(), kBosId);
  ids.push_back(kEosId);
  ids.push_back(kPadId);
  EXPECT_EQ(model_->decode(ids), sentence);
  const std::vector<int32_t> outside = {kFirstOrdinaryId, model_->size()};
  EXPECT_NE(data_error_message([&] { model_->decode(outside); }).find(std::to_string(model_->size())),
            std::string::npos);
  EXPECT_THROW(model_->decode(std::vector<int32_t>{-5}), DataError);
}

TEST_F(SentencePieceModelTest, ModelBytesRoundTrip) {
  const auto copy = SentencePieceModel::from_bytes(model_->bytes());
  EXPECT_EQ(copy.bytes(), model_->bytes());
  ASSERT_EQ(copy.size(), model_->size());
  for (int32_t id = 0; id < copy.size(); ++id) EXPECT_EQ(copy.piece(id), model_->piece(id));
  for (const std::string& sentence : all_sentences()) {
    EXPECT_EQ(copy.encode(sentence), model_->encode(sentence));
  }
}

TEST_F(SentencePieceModelTest, SavedFileLoadsBack) {
  testing::TempDir dir;
  const auto file = dir.path() / "spm.model";
  model_->save(file);
  const auto loaded = SentencePieceModel::load(file);
  EXPECT_EQ(loaded.bytes(), model_->bytes());
  EXPECT_EQ(loaded.encode(corpus_->source()[3]), model_->encode(corpus_->source()[3]));
}

TEST_F(SentencePieceModelTest, TrainingIsDeterministic) {
  const std::array<std::span<const std::string>, 2> sides = {corpus_->source(), corpus_->target()};
  EXPECT_EQ(SentencePieceModel::train(sides, small_options()).bytes(), model_->bytes());
}

TEST_F(SentencePieceModelTest, SampledTrainingIsDeterministicForASeed) {
  const std::array<std::span<const std::string>, 2> sides = {corpus_->source(), corpus_->target()};
  auto options = small_options();
  options.max_sentences = 300;  // of 500: SentencePiece samples with the seed
  options.vocab_size = 300;
  const auto first = SentencePieceModel::train(sides, options);
  const auto second = SentencePieceModel::train(sides, options);
  EXPECT_EQ(first.bytes(), second.bytes());
  EXPECT_EQ(first.size(), 300);
}

TEST_F(SentencePieceModelTest, BpeModelRoundTrips) {
  const std::array<std::span<const std::string>, 1> english = {corpus_->source()};
  const auto bpe = SentencePieceModel::train(english, small_options(SubwordModelType::bpe));
  EXPECT_EQ(bpe.size(), kVocabularySize);
  EXPECT_NE(bpe.bytes(), model_->bytes());
  for (const std::string& sentence : corpus_->source()) {
    EXPECT_EQ(bpe.decode(bpe.encode(sentence)), sentence);
  }
}

TEST_F(SentencePieceModelTest, NfkcNormalisationFoldsCompatibilityCharacters) {
  const std::array<std::span<const std::string>, 2> sides = {corpus_->source(), corpus_->target()};
  auto options = small_options();
  options.normalization = SubwordNormalization::nmt_nfkc;
  const auto nfkc = SentencePieceModel::train(sides, options);
  // U+2026 and full-width letters come back as their plain forms.
  EXPECT_EQ(nfkc.decode(nfkc.encode("Wait\xE2\x80\xA6 \xEF\xBD\x81\xEF\xBD\x82"
                                    "c")),
            "Wait... abc");
  EXPECT_EQ(model_->decode(model_->encode("Wait\xE2\x80\xA6")), "Wait\xE2\x80\xA6");
  // Text that is already normal round-trips unchanged.
  for (const std::string& sentence : corpus_->source()) {
    if (sentence.find("\xE2\x80\xA6") == std::string::npos) {
      EXPECT_EQ(nfkc.decode(nfkc.encode(sentence)), sentence);
    }
  }
}

TEST(SentencePieceModel, VocabularyLargerThanTheTextAllowsIsAnError) {
  const std::vector<std::string> tiny = {"a b c", "b c d"};
  const std::array<std::span<const std::string>, 1> sets = {tiny};
  auto options = small_options();
  const std::string message = data_error_message([&] { SentencePieceModel::train(sets, options); });
  EXPECT_NE(message.find("SentencePiece training failed"), std::string::npos) << message;
}

TEST(SentencePieceModel, NoSentencesIsAnError) {
  const std::vector<std::string> none;
  const std::array<std::span<const std::string>, 1> sets = {none};
  EXPECT_THROW(SentencePieceModel::train(sets, small_options()), DataError);
}

TEST(SentencePieceModel, MalformedBytesAreAnError) {
  const std::string message = data_error_message([] { SentencePieceModel::from_bytes("certainly not a protobuf"); });
  EXPECT_NE(message.find("not a valid SentencePiece model"), std::string::npos) << message;
  testing::TempDir dir;
  const auto missing = dir.path() / "missing.model";
  EXPECT_NE(data_error_message([&] { SentencePieceModel::load(missing); }).find(missing.string()), std::string::npos);
}

TEST(SentencePieceModel, ModelWithOtherSpecialIdsIsRefused) {
  // SentencePiece's own defaults: unk 0, bos 1, eos 2, no pad.
  const auto corpus = testing::small_corpus(200);
  testing::TempDir dir;
  std::string text;
  for (const auto& sentence : corpus.source()) text += sentence + "\n";
  const auto input = dir.write("input.txt", text);
  std::string bytes;
  const auto status = sentencepiece::SentencePieceTrainer::Train(
      {{"input", input.string()}, {"vocab_size", "300"}, {"minloglevel", "2"}}, nullptr, &bytes);
  ASSERT_TRUE(status.ok()) << status.ToString();
  const std::string message = data_error_message([&] { SentencePieceModel::from_bytes(bytes); });
  EXPECT_NE(message.find("pad id -1, nmt needs 0"), std::string::npos) << message;
}

}  // namespace
}  // namespace nmt::data
