// Model files and checkpoints share one loading path (model_from_sections and
// Parameters::deserialize): weights that are not finite are refused there, naming the tensor,
// even though the file's checksums are valid.
#include "nmt/models/saved_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "nmt/data/parallel_corpus.h"
#include "nmt/data/vocabularies.h"
#include "nmt/graph/tensor_io.h"
#include "nmt/io/recipe.h"
#include "nmt/io/section_file.h"
#include "nmt/models/factory.h"

namespace nmt::models {
namespace {

class SavedModelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string root = NMT_SOURCE_DIR;
    recipe_ = io::parse_recipe(io::read_file(root + "/recipes/tiny.yaml"), "tiny.yaml");
    const auto corpus =
        data::ParallelCorpus::read(root + "/tests/data/tiny/train.en", root + "/tests/data/tiny/train.fr");
    data::VocabularyOptions options;
    options.subword.vocab_size = static_cast<int>(recipe_.data.vocab_size);
    vocabularies_ = data::train_vocabularies(corpus, options);
  }

  // The sections of a fresh model with `value` written into element `element` of parameter `index`.
  static io::Sections sections_with(std::size_t index, std::int64_t element, float value, std::string& name) {
    auto model = make_model(recipe_, vocabularies_.source->size(), vocabularies_.target->size(), 7);
    io::Sections sections = model_sections(recipe_, vocabularies_, *model);
    for (auto& [section, bytes] : sections) {
      if (section != "parameters") continue;
      graph::NamedTensors tensors = graph::decode_tensors(bytes, "parameters");
      name = tensors.at(index).first;
      tensors.at(index).second.data()[element] = value;
      bytes = graph::encode_tensors(tensors);  // with its own valid checksum
    }
    return sections;
  }

  static std::string error_of(const io::Sections& sections, const std::string& path) {
    try {
      (void)model_from_sections(sections, path);
    } catch (const io::FileFormatError& e) {
      return e.what();
    }
    return "no error";
  }

  static inline io::Recipe recipe_;
  static inline data::Vocabularies vocabularies_;
};

TEST_F(SavedModelTest, FiniteWeightsLoad) {
  std::string name;
  EXPECT_EQ(error_of(sections_with(0, 0, 0.25f, name), "model.nmt"), "no error");
}

TEST_F(SavedModelTest, NanOrInfinityInAWeightIsAnErrorNamingTheTensor) {
  std::string name;
  const io::Sections nan = sections_with(2, 3, std::numeric_limits<float>::quiet_NaN(), name);
  std::string message = error_of(nan, "model.nmt");
  EXPECT_EQ(message.rfind("model.nmt: parameter '" + name + "' holds NaN (element 3 of ", 0), 0u) << message;
  EXPECT_NE(message.find("did training diverge?"), std::string::npos) << message;
  // A checkpoint goes the same way when a run resumes (the trainer names it "checkpoint").
  const io::Sections inf = sections_with(1, 0, -std::numeric_limits<float>::infinity(), name);
  message = error_of(inf, "checkpoint");
  EXPECT_EQ(message.rfind("checkpoint: parameter '" + name + "' holds infinity (element 0 of ", 0), 0u) << message;
  // Written to a file with valid checksums, it is refused on loading too.
  const std::string path = ::testing::TempDir() + "nan-model.nmt";
  io::write_section_file(path, "model", nan);
  EXPECT_THROW(
      {
        try {
          (void)load_model(path);
        } catch (const io::FileFormatError& e) {
          EXPECT_NE(std::string(e.what()).find(path + ": parameter '"), std::string::npos) << e.what();
          throw;
        }
      },
      io::FileFormatError);
}

TEST_F(SavedModelTest, ARecipeSectionNoModelCanBeBuiltFromIsAFileFormatError) {
  // Found by tests/fuzz/model_fuzz: heads that do not divide d_model let make_model's
  // std::invalid_argument escape load_model, whose callers expect io::FileFormatError.
  std::string name;
  io::Sections sections = sections_with(0, 0, 0.25f, name);
  for (auto& [section, bytes] : sections)
    if (section == "recipe")
      bytes = io::parse_recipe(bytes, "recipe", {"model.type=transformer", "model.d_model=16", "model.heads=3"})
                  .effective_yaml;
  const std::string message = error_of(sections, "model.nmt");
  EXPECT_EQ(message.rfind("model.nmt: its recipe describes no model nmt can build: ", 0), 0u) << message;
}

}  // namespace
}  // namespace nmt::models
