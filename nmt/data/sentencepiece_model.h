#pragma once
// A SentencePiece subword model: the vocabulary of one side (or both, when joint) and the
// text <-> id conversion. Trained from sentences in memory or loaded from the serialized
// model bytes, which a saved translation model carries so that it needs no side files.
// Special ids are fixed (special_ids.h): pad 0, unk 1, bos 2, eos 3. encode() adds no
// bos/eos; decode() drops them (and pad). Runs of spaces are collapsed by both
// normalisations, so decode(encode(s)) == s needs single spaces (and, for nmt_nfkc, NFKC
// text).
// Thread safety: const member functions may run concurrently; train() sets
// SentencePiece's process-wide seed and log level, so two trainings must not overlap.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace nmt::data {

enum class SubwordModelType { unigram, bpe };

// Text normalisation applied before encoding, stored in the model. nmt_nfkc
// (SentencePiece's default) folds compatibility characters (full-width letters, ligatures,
// the one-character ellipsis U+2026 to three dots) so odd input still meets known pieces,
// at the price that decode(encode(s)) returns s normalised; identity keeps every character.
enum class SubwordNormalization { nmt_nfkc, identity };

struct SubwordTrainingOptions {
  int vocab_size = 8000;  // including the 4 special pieces
  // Share of characters the vocabulary must cover; rarer characters become <unk>.
  // 1.0 suits alphabetic languages, 0.9995 is usual for Chinese or Japanese.
  double character_coverage = 1.0;
  SubwordModelType model_type = SubwordModelType::unigram;
  SubwordNormalization normalization = SubwordNormalization::nmt_nfkc;
  // With a fixed seed, thread count and input, training gives identical model bytes.
  std::uint32_t seed = 1;
  int threads = 1;
  // Sentences sampled (with the seed) for training when there are more; 0 takes all.
  std::size_t max_sentences = 0;
};

class SentencePieceModel {
 public:
  // Trains on all sentences of all `sentence_sets` (e.g. source and target for a joint
  // vocabulary). Throws DataError when SentencePiece refuses (e.g. a vocabulary larger
  // than the text can fill).
  static SentencePieceModel train(std::span<const std::span<const std::string>> sentence_sets,
                                  const SubwordTrainingOptions& options);
  // Loads serialized model bytes, as returned by bytes() or written by SentencePiece's
  // own trainer (spm_train). Throws DataError on malformed bytes or special ids that
  // differ from special_ids.h.
  static SentencePieceModel from_bytes(std::string bytes);
  static SentencePieceModel load(const std::filesystem::path& model_file);
  void save(const std::filesystem::path& model_file) const;

  SentencePieceModel(SentencePieceModel&&) noexcept;
  SentencePieceModel& operator=(SentencePieceModel&&) noexcept;
  ~SentencePieceModel();

  const std::string& bytes() const { return bytes_; }

  // Vocabulary.
  std::int32_t size() const;
  const std::string& piece(std::int32_t id) const;  // DataError when id is out of range
  std::int32_t id(std::string_view piece) const;    // kUnkId for an unknown piece

  std::vector<std::int32_t> encode(std::string_view text) const;
  std::string decode(std::span<const std::int32_t> ids) const;

 private:
  explicit SentencePieceModel(std::string bytes);

  std::string bytes_;
  std::unique_ptr<sentencepiece::SentencePieceProcessor> processor_;
};

}  // namespace nmt::data
