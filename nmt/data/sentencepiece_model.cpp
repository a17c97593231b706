#include "nmt/data/sentencepiece_model.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <type_traits>
#include <unordered_map>

#include "nmt/data/data_error.h"
#include "nmt/data/special_ids.h"

namespace nmt::data {
namespace {

// Feeds SentencePiece's trainer from memory, so no temporary file holds the corpus.
class SentenceSetsIterator : public sentencepiece::SentenceIterator {
 public:
  explicit SentenceSetsIterator(std::span<const std::span<const std::string>> sets) : sets_(sets) {
    skip_finished_sets();
  }
  bool done() const override { return set_ == sets_.size(); }
  void Next() override {
    ++index_;
    skip_finished_sets();
  }
  const std::string& value() const override { return sets_[set_][index_]; }
  sentencepiece::util::Status status() const override { return {}; }

 private:
  void skip_finished_sets() {
    while (set_ < sets_.size() && index_ >= sets_[set_].size()) {
      ++set_;
      index_ = 0;
    }
  }
  std::span<const std::span<const std::string>> sets_;
  std::size_t set_ = 0;
  std::size_t index_ = 0;
};

const char* model_type_name(SubwordModelType type) {
  switch (type) {
    case SubwordModelType::unigram:
      return "unigram";
    case SubwordModelType::bpe:
      return "bpe";
  }
  throw DataError("unknown subword model type");
}

const char* normalization_name(SubwordNormalization normalization) {
  switch (normalization) {
    case SubwordNormalization::nmt_nfkc:
      return "nmt_nfkc";
    case SubwordNormalization::identity:
      return "identity";
  }
  throw DataError("unknown subword normalization");
}

}  // namespace

SentencePieceModel::SentencePieceModel(std::string bytes)
    : bytes_(std::move(bytes)), processor_(std::make_unique<sentencepiece::SentencePieceProcessor>()) {
  const auto status = processor_->LoadFromSerializedProto(bytes_);
  if (!status.ok()) {
    throw DataError(std::string("not a valid SentencePiece model: ") + status.ToString());
  }
  struct Expected {
    const char* name;
    int actual;
    std::int32_t wanted;
  };
  for (const Expected& special :
       {Expected{"pad", processor_->pad_id(), kPadId}, Expected{"unk", processor_->unk_id(), kUnkId},
        Expected{"bos", processor_->bos_id(), kBosId}, Expected{"eos", processor_->eos_id(), kEosId}}) {
    if (special.actual != special.wanted) {
      throw DataError(std::string("SentencePiece model has ") + special.name + " id " + std::to_string(special.actual) +
                      ", nmt needs " + std::to_string(special.wanted) +
                      " (train it with --pad_id=0 --unk_id=1 --bos_id=2 --eos_id=3)");
    }
  }
}

SentencePieceModel::SentencePieceModel(SentencePieceModel&&) noexcept = default;
SentencePieceModel& SentencePieceModel::operator=(SentencePieceModel&&) noexcept = default;
SentencePieceModel::~SentencePieceModel() = default;

SentencePieceModel SentencePieceModel::train(std::span<const std::span<const std::string>> sentence_sets,
                                             const SubwordTrainingOptions& options) {
  // SentencePiece reserves this seed for "seed from std::random_device".
  if (options.seed == std::numeric_limits<unsigned int>::max()) {
    throw DataError("subword training seed " + std::to_string(options.seed) +
                    " is reserved by SentencePiece; choose another");
  }
  std::ostringstream coverage;
  coverage.precision(17);
  coverage << options.character_coverage;
  std::unordered_map<std::string, std::string> arguments = {
      {"vocab_size", std::to_string(options.vocab_size)},
      {"character_coverage", coverage.str()},
      {"model_type", model_type_name(options.model_type)},
      {"normalization_rule_name", normalization_name(options.normalization)},
      {"pad_id", std::to_string(kPadId)},
      {"unk_id", std::to_string(kUnkId)},
      {"bos_id", std::to_string(kBosId)},
      {"eos_id", std::to_string(kEosId)},
      {"num_threads", std::to_string(options.threads)},
      // Only errors: the trainer's progress log would flood the training output.
      {"minloglevel", "2"},
  };
  if (options.max_sentences > 0) {
    arguments["input_sentence_size"] = std::to_string(options.max_sentences);
    arguments["shuffle_input_sentence"] = "true";
  }
  // The trainer's sampling and the unigram model's EM draw from one global generator.
  sentencepiece::SetRandomGeneratorSeed(options.seed);

  SentenceSetsIterator sentences(sentence_sets);
  if (sentences.done()) throw DataError("cannot train a SentencePiece model on no sentences");
  std::string bytes;
  const auto status = sentencepiece::SentencePieceTrainer::Train(arguments, &sentences, &bytes);
  if (!status.ok()) {
    throw DataError(std::string("SentencePiece training failed: ") + status.ToString());
  }
  return SentencePieceModel(std::move(bytes));
}

SentencePieceModel SentencePieceModel::from_bytes(std::string bytes) { return SentencePieceModel(std::move(bytes)); }

SentencePieceModel SentencePieceModel::load(const std::filesystem::path& model_file) {
  std::ifstream in(model_file, std::ios::binary);
  if (!in) throw DataError("cannot open SentencePiece model '" + model_file.string() + "'");
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) throw DataError("cannot read SentencePiece model '" + model_file.string() + "'");
  try {
    return SentencePieceModel(std::move(bytes));
  } catch (const DataError& error) {
    throw DataError("'" + model_file.string() + "': " + error.what());
  }
}

void SentencePieceModel::save(const std::filesystem::path& model_file) const {
  std::ofstream out(model_file, std::ios::binary | std::ios::trunc);
  out.write(bytes_.data(), static_cast<std::streamsize>(bytes_.size()));
  out.close();
  if (!out) throw DataError("cannot write SentencePiece model '" + model_file.string() + "'");
}

std::int32_t SentencePieceModel::size() const { return processor_->GetPieceSize(); }

const std::string& SentencePieceModel::piece(std::int32_t id) const {
  if (id < 0 || id >= size()) {
    throw DataError("piece id " + std::to_string(id) + " is outside the vocabulary of " + std::to_string(size()));
  }
  return processor_->IdToPiece(id);
}

std::int32_t SentencePieceModel::id(std::string_view piece) const { return processor_->PieceToId(piece); }

// SentencePiece speaks int; the two are one type here, so ids move without a copy.
static_assert(std::is_same_v<int, std::int32_t>);

std::vector<std::int32_t> SentencePieceModel::encode(std::string_view text) const {
  std::vector<std::int32_t> ids;
  const auto status = processor_->Encode(text, &ids);
  if (!status.ok()) {
    throw DataError(std::string("SentencePiece encoding failed: ") + status.ToString());
  }
  return ids;
}

std::string SentencePieceModel::decode(std::span<const std::int32_t> ids) const {
  const std::int32_t vocabulary_size = size();
  // SentencePiece aborts the process on an id outside the vocabulary; a model's output
  // must not be able to do that.
  for (const std::int32_t id : ids) {
    if (id < 0 || id >= vocabulary_size) {
      throw DataError("cannot decode piece id " + std::to_string(id) + ": outside the vocabulary of " +
                      std::to_string(vocabulary_size));
    }
  }
  std::string text;
  const auto status = processor_->Decode(std::vector<std::int32_t>(ids.begin(), ids.end()), &text);
  if (!status.ok()) {
    throw DataError(std::string("SentencePiece decoding failed: ") + status.ToString());
  }
  return text;
}

}  // namespace nmt::data
