// Beam search: beam 1 is greedy search; a beam wide enough to hold every sequence finds the
// exhaustive search's best sequence and score; n-best lists are sorted and distinct; the
// translator keeps line count and order, and its output does not depend on the batch size.
#include "nmt/decode/beam_search.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <set>
#include <span>
#include <vector>

#include "../decode/greedy_reference.h"
#include "../layers/registered_mechanisms.h"
#include "nmt/data/batch.h"
#include "nmt/data/parallel_corpus.h"
#include "nmt/data/special_ids.h"
#include "nmt/decode/translator.h"
#include "nmt/models/rnn_seq2seq.h"
#include "nmt/models/transformer.h"

namespace nmt::decode {
namespace {

models::RnnConfig config(std::int64_t vocabulary, const std::string& mechanism = "luong-general") {
  models::RnnConfig c;
  c.source_vocabulary = c.target_vocabulary = vocabulary;
  c.embedding_size = 8;
  c.encoder_hidden = 8;
  c.decoder_hidden = 16;
  c.dropout = 0;
  c.attention.mechanism = mechanism;
  c.attention.hidden_size = 8;
  c.attention.window = 2;
  c.attention.max_source_length = 32;
  return c;
}

data::Batch sources(const std::vector<std::vector<std::int32_t>>& sentences) {
  data::TokenSequences seqs;
  for (const auto& s : sentences) seqs.push_back(s);
  std::vector<std::size_t> rows(sentences.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  return data::make_source_batch(seqs, rows);
}

class BeamTest : public ::testing::TestWithParam<std::string> {};

TEST_P(BeamTest, BeamOfOneIsGreedySearch) {
  const models::RnnSeq2Seq model(config(24, GetParam()), 41);
  const data::Batch batch = sources({{5, 9, 13}, {7}, {20, 21, 22, 23, 4, 6}, {8, 8}});
  BeamOptions o;
  o.beam_size = 1;
  o.max_length_ratio = 100;
  o.max_length = 12;  // the same limit for every sentence, as greedy_decode has
  const auto beam = beam_search(model, batch, o);
  const auto greedy = testing::greedy_decode(model, batch, 12);
  for (std::size_t r = 0; r < batch.rows; ++r) {
    ASSERT_EQ(beam[r].size(), 1u);
    EXPECT_EQ(beam[r][0].tokens, greedy[r]) << "row " << r;
  }
}

INSTANTIATE_TEST_SUITE_P(Attention, BeamTest, ::testing::ValuesIn(layers::testing::registered_mechanisms()),
                         layers::testing::mechanism_test_name);

// Every target sequence of at most `limit` tokens (EOS included), scored by the model.
struct Scored {
  std::vector<std::int32_t> tokens;
  double log_probability, score;
};
void enumerate(const models::Seq2SeqModel& model, const data::Batch& batch, std::int64_t limit, double alpha,
               std::vector<std::int32_t> prefix, double log_probability, std::vector<Scored>& out) {
  auto encoded = model.encode(batch);
  auto state = model.start(*encoded);
  std::vector<std::int32_t> previous{data::kBosId};
  models::StepResult r;
  for (std::size_t i = 0; i <= prefix.size(); ++i) {
    r = model.step(*encoded, *state, previous);
    if (i < prefix.size()) previous = {prefix[i]};
  }
  const std::int64_t vocab = r.log_probs.dim(1);
  for (std::int32_t v = 0; v < vocab; ++v) {
    const double lp = log_probability + r.log_probs.data()[v];
    std::vector<std::int32_t> next = prefix;
    if (v == data::kEosId) {
      out.push_back({next, lp, lp / std::pow(static_cast<double>(next.size() + 1), alpha)});
      continue;
    }
    next.push_back(v);
    if (static_cast<std::int64_t>(next.size()) == limit) {
      out.push_back({next, lp, lp / std::pow(static_cast<double>(next.size()), alpha)});
      continue;
    }
    enumerate(model, batch, limit, alpha, next, lp, out);
  }
}

TEST(BeamSearch, WideBeamFindsTheExhaustiveBest) {
  models::RnnSeq2Seq model(config(6), 43);  // 4 special ids and 2 ordinary tokens
  const data::Batch batch = sources({{4, 5, 4}});
  for (double alpha : {0.0, 1.0}) {
    std::vector<Scored> all;
    enumerate(model, batch, 3, alpha, {}, 0.0, all);
    const auto best =
        std::max_element(all.begin(), all.end(), [](const Scored& a, const Scored& b) { return a.score < b.score; });
    BeamOptions o;
    o.beam_size = static_cast<int>(all.size());
    o.n_best = 3;
    o.max_length = 3;
    o.length_penalty = alpha;
    const auto found = beam_search(model, batch, o);
    ASSERT_FALSE(found[0].empty());
    EXPECT_EQ(found[0][0].tokens, best->tokens) << "alpha " << alpha;
    EXPECT_NEAR(found[0][0].score, best->score, 1e-5) << "alpha " << alpha;
    EXPECT_NEAR(found[0][0].log_probability, best->log_probability, 1e-5);
  }
}

// Forwards to a model and records the rows of every decoder step.
class RowRecorder : public models::Seq2SeqModel {
 public:
  explicit RowRecorder(models::Seq2SeqModel& model) : model_(model) {}
  graph::Parameters& parameters() override { return model_.parameters(); }
  std::int64_t target_vocabulary_size() const override { return model_.target_vocabulary_size(); }
  std::string attention_description() const override { return model_.attention_description(); }
  bool has_attention() const override { return model_.has_attention(); }
  std::int64_t max_source_length() const override { return model_.max_source_length(); }
  models::LossResult loss(const data::Batch& b, const models::LossOptions& o) const override {
    return model_.loss(b, o);
  }
  std::unique_ptr<models::EncodedSource> encode(const data::Batch& b) const override { return model_.encode(b); }
  std::unique_ptr<models::DecoderState> start(const models::EncodedSource& e) const override { return model_.start(e); }
  models::StepResult step(const models::EncodedSource& e, models::DecoderState& s,
                          std::span<const std::int32_t> previous) const override {
    rows.push_back(previous.size());
    return model_.step(e, s, previous);
  }
  mutable std::vector<std::size_t> rows;

 private:
  models::Seq2SeqModel& model_;
};

TEST(BeamSearch, DecoderRowsComeInMultiplesOfEightAndDoNotChangeTheResult) {
  // Issue 15: each new row count costs oneDNN primitives; as hypotheses finish, the state keeps
  // copies of a live row so that from 8 rows on the count is a multiple of 8.
  models::RnnSeq2Seq model(config(24), 47);
  RowRecorder recorder(model);
  std::vector<std::vector<std::int32_t>> sentences;
  for (std::int32_t i = 0; i < 7; ++i) sentences.push_back({4 + i, 5 + 2 * i % 19, 6 + i});
  const data::Batch batch = sources(sentences);
  BeamOptions o;
  o.beam_size = 3;
  o.n_best = 2;
  o.max_length = 10;
  const auto found = beam_search(recorder, batch, o);
  ASSERT_GT(recorder.rows.size(), 2u);
  EXPECT_EQ(recorder.rows[0], 7u);  // the first step: one row per sentence
  for (std::size_t t = 1; t < recorder.rows.size(); ++t)
    EXPECT_TRUE(recorder.rows[t] < 8 || recorder.rows[t] % 8 == 0)
        << "step " << t << ": " << recorder.rows[t] << " rows";
  // Each sentence alone (fewer than 8 rows, nothing padded) finds the same hypotheses.
  for (std::size_t r = 0; r < sentences.size(); ++r) {
    const auto alone = beam_search(model, sources({sentences[r]}), o);
    ASSERT_EQ(alone[0].size(), found[r].size()) << "sentence " << r;
    for (std::size_t k = 0; k < found[r].size(); ++k) {
      EXPECT_EQ(alone[0][k].tokens, found[r][k].tokens) << "sentence " << r;
      EXPECT_NEAR(alone[0][k].score, found[r][k].score, 1e-4) << "sentence " << r;
    }
  }
}

TEST(BeamSearch, RowsArePackedOnlyToCutThemByAQuarterOrMore) {
  // Packing the rows copies the decoder state and regroups the encodings, and each new row count
  // creates primitives: a finished sentence's rows stay until packing would cut the rows by a
  // quarter. The row count never grows after the first steps, and falls only by 25% or more.
  models::RnnSeq2Seq model(config(24), 47);
  RowRecorder recorder(model);
  std::vector<std::vector<std::int32_t>> sentences;
  for (std::int32_t i = 0; i < 16; ++i) {
    std::vector<std::int32_t> s;
    for (std::int32_t j = 0; j <= i % 6; ++j) s.push_back(4 + (5 * i + 3 * j) % 20);
    sentences.push_back(s);
  }
  BeamOptions o;
  o.beam_size = 3;
  o.max_length_ratio = 1.0;  // sentences of different lengths finish at different steps
  beam_search(recorder, sources(sentences), o);
  ASSERT_GT(recorder.rows.size(), 3u);
  EXPECT_EQ(recorder.rows[1], 48u);  // 16 sentences x 3 hypotheses, packed after the first step
  std::size_t falls = 0;
  for (std::size_t t = 2; t < recorder.rows.size(); ++t) {
    const std::size_t before = recorder.rows[t - 1], now = recorder.rows[t];
    EXPECT_LE(now, before) << "step " << t;
    if (now < before) {
      ++falls;
      EXPECT_LE(4 * now, 3 * before) << "step " << t << ": packed " << before << " rows into " << now;
    }
  }
  EXPECT_GE(falls, 2u) << "the sentences should finish at different steps";
}

TEST(BeamSearch, TransformerSentencesInABatchFindWhatEachFindsAlone) {
  // Issue 24: the Transformer's encoder-decoder attention reads each sentence's memory once for
  // all its hypotheses (layers::QueryGroups), a hypothesis takes its parent's row when it can
  // and the self-attention caches are reordered in place, and a finished sentence keeps its
  // rows until packing the others would make fewer rows. None of it may change a result.
  models::TransformerConfig c;
  c.source_vocabulary = c.target_vocabulary = 20;
  c.d_model = 16;
  c.feed_forward = 32;
  c.heads = 2;
  c.encoder_layers = c.decoder_layers = 2;
  c.dropout = c.attention_dropout = c.feed_forward_dropout = 0.0f;
  const models::Transformer model(c, 29);
  std::vector<std::vector<std::int32_t>> sentences;
  for (std::int32_t i = 0; i < 11; ++i) {
    std::vector<std::int32_t> s;
    for (std::int32_t j = 0; j < 1 + i % 5; ++j) s.push_back(4 + (3 * i + 5 * j) % 16);
    sentences.push_back(s);
  }
  for (const int beam : {1, 3}) {
    BeamOptions o;
    o.beam_size = beam;
    o.n_best = beam;
    o.attention = true;
    o.max_length_ratio = 1.0;  // sentences of different target lengths finish at different steps
    const auto found = beam_search(model, sources(sentences), o);
    for (std::size_t r = 0; r < sentences.size(); ++r) {
      const auto alone = beam_search(model, sources({sentences[r]}), o);
      ASSERT_EQ(alone[0].size(), found[r].size()) << "beam " << beam << " sentence " << r;
      for (std::size_t k = 0; k < found[r].size(); ++k) {
        EXPECT_EQ(alone[0][k].tokens, found[r][k].tokens) << "beam " << beam << " sentence " << r;
        EXPECT_NEAR(alone[0][k].score, found[r][k].score, 1e-4) << "beam " << beam << " sentence " << r;
        ASSERT_EQ(alone[0][k].attention.size(), found[r][k].attention.size());
        for (std::size_t t = 0; t < found[r][k].attention.size(); ++t)
          for (std::size_t j = 0; j < alone[0][k].attention[t].size(); ++j)
            EXPECT_NEAR(alone[0][k].attention[t][j], found[r][k].attention[t][j], 1e-5)
                << "beam " << beam << " sentence " << r << " position " << t;
      }
    }
  }
}

TEST(BeamSearch, NBestListsAreSortedAndDistinct) {
  models::RnnSeq2Seq model(config(16), 47);
  const data::Batch batch = sources({{5, 6, 7}, {9}, {10, 11, 12, 13}});
  BeamOptions o;
  o.beam_size = 6;
  o.n_best = 6;
  o.attention = true;
  const auto lists = beam_search(model, batch, o);
  for (const auto& list : lists) {
    ASSERT_EQ(list.size(), 6u);
    std::set<std::vector<std::int32_t>> seen;
    for (std::size_t i = 0; i < list.size(); ++i) {
      EXPECT_TRUE(seen.insert(list[i].tokens).second) << "a repeated hypothesis";
      if (i > 0) {
        EXPECT_LE(list[i].score, list[i - 1].score);
      }
      EXPECT_GE(list[i].attention.size(), list[i].tokens.size());
      for (const auto& row : list[i].attention) {
        double sum = 0;
        for (float w : row) sum += w;
        EXPECT_NEAR(sum, 1.0, 1e-4);
      }
    }
  }
  o.n_best = 7;
  EXPECT_THROW(beam_search(model, batch, o), std::invalid_argument);
}

TEST(Translator, KeepsLineCountAndOrderAndIgnoresBatchSize) {
  const data::ParallelCorpus corpus =
      data::ParallelCorpus::read(std::string(NMT_SOURCE_DIR) + "/tests/data/tiny/train.en",
                                 std::string(NMT_SOURCE_DIR) + "/tests/data/tiny/train.fr");
  data::VocabularyOptions v;
  v.subword.vocab_size = 96;
  const data::Vocabularies vocab = data::train_vocabularies(corpus, v);
  models::RnnSeq2Seq model(config(vocab.source->size()), 53);
  std::string very_long;
  for (int i = 0; i < 200; ++i) very_long += "Open the file and save it. ";
  const std::vector<std::string> lines{"Open the file.", "", "Save as PDF", very_long, "", "Python scripts"};
  TranslateOptions o;
  o.max_source_length = 32;
  o.beam.beam_size = 3;
  o.beam.max_length_ratio = 0.5;
  o.batch_tokens = 2000;
  const Translations big = translate(model, vocab, lines, o);
  o.batch_tokens = 8;  // one sentence per batch
  const Translations small = translate(model, vocab, lines, o);
  ASSERT_EQ(big.sentences.size(), lines.size());
  EXPECT_EQ(big.best_lines(), small.best_lines());
  EXPECT_TRUE(big.sentences[1].n_best.empty());
  EXPECT_TRUE(big.sentences[4].n_best.empty());
  EXPECT_EQ(big.truncated_lines, std::vector<std::size_t>{3});
  EXPECT_EQ(big.sentences[3].source_pieces.size(), 31u);
  // Each line's translation is the one it gets alone.
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::vector<std::string> one{lines[i]};
    EXPECT_EQ(translate(model, vocab, one, o).best_lines()[0], big.best_lines()[i]) << "line " << i;
  }
}

}  // namespace
}  // namespace nmt::decode
