// Named-tensor files and parameter (de)serialisation: round trip, truncation, corruption.
#include <gtest/gtest.h>

#include "gradient_check.h"
#include "nmt/graph/parameters.h"

namespace nmt::graph {
namespace {

Parameters small_model(std::uint64_t seed) {
  RandomGenerator gen(seed);
  Parameters p;
  p.add("embedding", uniform_tensor({5, 3}, 0.1f, gen));
  p.add("output.bias", Tensor::zeros({5}));
  p.add("scalar", Tensor::filled({}, 2.5f));
  return p;
}

TEST(TensorIo, RoundTripIsExact) {
  Parameters a = small_model(1), b = small_model(2);
  b.deserialize(a.serialize(), "model.bin");
  for (std::size_t i = 0; i < a.entries().size(); ++i)
    EXPECT_EQ(a.entries()[i].second.value().to_vector(), b.entries()[i].second.value().to_vector());
}

TEST(TensorIo, EveryTruncationIsAClearError) {
  const std::string bytes = small_model(1).serialize();
  for (std::size_t cut = 0; cut < bytes.size(); cut += 7) {
    Parameters target = small_model(3);
    const auto before = target.get("embedding").value().to_vector();
    try {
      target.deserialize(std::string_view(bytes).substr(0, cut), "model.bin");
      FAIL() << "truncated to " << cut << " bytes but loaded";
    } catch (const FormatError& e) {
      EXPECT_NE(std::string(e.what()).find("model.bin"), std::string::npos) << e.what();
    }
    EXPECT_EQ(target.get("embedding").value().to_vector(), before) << "a failed load changed the model";
  }
}

TEST(TensorIo, EveryFlippedByteIsDetected) {
  const std::string bytes = small_model(1).serialize();
  for (std::size_t at = 0; at < bytes.size(); ++at) {
    std::string corrupted = bytes;
    corrupted[at] = static_cast<char>(corrupted[at] ^ 0x20);
    Parameters target = small_model(3);
    EXPECT_THROW(target.deserialize(corrupted, "model.bin"), FormatError) << "byte " << at;
  }
}

TEST(TensorIo, MismatchedModelIsAnErrorNamingTheParameter) {
  Parameters other;
  RandomGenerator gen(1);
  other.add("embedding", uniform_tensor({6, 3}, 0.1f, gen));
  other.add("output.bias", Tensor::zeros({5}));
  other.add("scalar", Tensor::filled({}, 2.5f));
  Parameters target = small_model(3);
  try {
    target.deserialize(other.serialize(), "other.bin");
    FAIL();
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("'embedding' has shape [6,3], expected [5,3]"), std::string::npos) << e.what();
  }
}

TEST(Parameters, DuplicateNamesAreRejected) {
  Parameters p;
  p.add("w", Tensor::zeros({1}));
  EXPECT_THROW(p.add("w", Tensor::zeros({1})), std::logic_error);
  EXPECT_EQ(p.element_count(), 1);
}

}  // namespace
}  // namespace nmt::graph
