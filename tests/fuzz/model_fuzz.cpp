// Fuzz target: the model file and checkpoint reader, on the path nmt-translate (a model) and
// a resumed nmt-train (a checkpoint) take.
//
// The input is a file as nmt writes it (io/section_file.h). A file that declares the kind
// "checkpoint" is read as one: io::read_section_file, models::model_from_sections, then the
// optimizer state (graph::decode_tensors, train::Adam::load_state), as train/trainer.cpp
// resumes; any other file as a model: read_section_file(path, "model") and
// model_from_sections, as models::load_model does.
//
// Checksums would stop almost every mutation at the first check, so the target checks that a
// file with a wrong checksum is refused, then puts the right checksum in (the file's and those of
// the "parameters" and "optimizer" tensor blobs) and reads on.
//
// Expected: success, io::FileFormatError, graph::FormatError (what these readers document).
// Findings: a crash, a sanitizer report, a hang, another exception type escaping, or a file with
// a wrong checksum accepted.
//
// Not fuzzed: models larger than kMaxParameters (estimated from the recipe section). Such a
// model is built and initialised before its parameters are compared with the file's, which
// would make an input take seconds or gigabytes; the estimate is deliberately generous.
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "fuzz_support.h"
#include "nmt/graph/tensor_io.h"
#include "nmt/io/recipe.h"
#include "nmt/io/section_file.h"
#include "nmt/models/saved_model.h"
#include "nmt/train/optimizer.h"

namespace {

constexpr double kMaxParameters = 4e6;

std::uint32_t crc_of(const std::string& bytes, std::size_t size) {
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(size));
  return static_cast<std::uint32_t>(crc);
}

// Both formats end with the CRC-32 of everything before it.
bool checksum_is_right(const std::string& bytes) {
  if (bytes.size() < 4) return false;
  std::uint32_t stored;
  std::memcpy(&stored, bytes.data() + bytes.size() - 4, 4);
  return stored == crc_of(bytes, bytes.size() - 4);
}

void put_checksum(std::string& bytes) {
  if (bytes.size() < 4) return;
  const std::uint32_t crc = crc_of(bytes, bytes.size() - 4);
  std::memcpy(bytes.data() + bytes.size() - 4, &crc, 4);
}

// The kind the file declares: "NMTFILE1" u32 version u32 kind_length kind.
std::string declared_kind(const std::string& bytes) {
  if (bytes.size() < 16 || bytes.compare(0, 8, "NMTFILE1") != 0) return "";
  std::uint32_t length;
  std::memcpy(&length, bytes.data() + 12, 4);
  if (length > bytes.size() - 16) return "";
  return bytes.substr(16, length);
}

// read_section_file reads a path: one temporary file per process, in memory where possible.
class TemporaryFile {
 public:
  TemporaryFile() {
    const char* dir = ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : std::getenv("TMPDIR");
    path_ = std::string(dir ? dir : "/tmp") + "/nmt-model-fuzz-" + std::to_string(::getpid());
  }
  ~TemporaryFile() { std::remove(path_.c_str()); }
  const std::string& write(const std::string& bytes) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) nmt::fuzz::finding("cannot write the temporary file " + path_);
    return path_;
  }

 private:
  std::string path_;
};

TemporaryFile& temporary_file() {
  static TemporaryFile file;
  return file;
}

// A generous upper bound of the parameters make_model would create for the sections' recipe.
double estimated_parameters(const nmt::io::Sections& sections) {
  nmt::io::Recipe recipe;
  try {
    recipe = nmt::io::parse_recipe(nmt::io::section(sections, "recipe", "fuzz"), "fuzz (recipe)");
  } catch (const std::exception&) {
    return 0;  // model_from_sections refuses it before building anything
  }
  // Every piece takes at least 2 bytes of a SentencePiece model (its field's tag and length).
  double vocabulary = 0;
  for (const auto& [name, bytes] : sections)
    if (name.rfind("sentencepiece.", 0) == 0) vocabulary = std::max(vocabulary, bytes.size() / 2.0 + 1);
  const auto& m = recipe.model;
  const double layers = static_cast<double>(m.encoder_layers + m.decoder_layers);
  if (m.type == "transformer") {
    const double d = static_cast<double>(m.d_model), ff = static_cast<double>(m.feed_forward);
    return 2 * (3 * vocabulary * d + vocabulary + layers * (8 * d * d + 2 * d * ff + ff + 20 * d));
  }
  const double e = static_cast<double>(m.embedding_size), he = static_cast<double>(m.encoder_hidden),
               hd = static_cast<double>(m.decoder_hidden), a = static_cast<double>(m.attention_hidden),
               positions = static_cast<double>(recipe.data.max_length + 2);
  const double widest = std::max({e, 2 * he, hd}) + e + 2 * he + 2 * hd + 2;
  return 2 * (4 * vocabulary * (e + hd + 2) + layers * 8 * std::max(he, hd) * widest +
              (a + hd + 2) * (2 * he + hd + 2) * 2 + hd * positions);
}

void fuzz_one(const std::string& input) {
  std::string bytes = input;
  using nmt::fuzz::finding;
  namespace io = nmt::io;
  const std::string kind = declared_kind(bytes) == "checkpoint" ? "checkpoint" : "model";

  if (!checksum_is_right(bytes)) {
    bool accepted = false;
    try {
      io::read_section_file(temporary_file().write(bytes), kind);
      accepted = true;
    } catch (const io::FileFormatError&) {
    } catch (...) {
      nmt::fuzz::unexpected_exception("read_section_file (wrong checksum)");
    }
    if (accepted) finding("read_section_file accepted a file whose checksum is wrong");
    put_checksum(bytes);
  }
  io::Sections sections;
  try {
    sections = io::read_section_file(temporary_file().write(bytes), kind);
  } catch (const io::FileFormatError&) {
    return;
  } catch (...) {
    nmt::fuzz::unexpected_exception("read_section_file");
  }

  for (auto& [name, blob] : sections) {
    if (name != "parameters" && name != "optimizer") continue;
    if (!checksum_is_right(blob)) {
      bool accepted = false;
      try {
        nmt::graph::decode_tensors(blob, "fuzz");
        accepted = true;
      } catch (const nmt::graph::FormatError&) {
      } catch (...) {
        nmt::fuzz::unexpected_exception("decode_tensors (wrong checksum)");
      }
      if (accepted) finding("decode_tensors accepted the '" + name + "' section with a wrong checksum");
      put_checksum(blob);
    }
  }
  if (estimated_parameters(sections) > kMaxParameters) return;

  const std::string path = "fuzz." + kind;
  nmt::models::SavedModel saved;
  try {
    saved = nmt::models::model_from_sections(sections, path);
  } catch (const io::FileFormatError&) {
    return;
  } catch (...) {
    nmt::fuzz::unexpected_exception("model_from_sections");
  }
  if (!saved.model || !saved.vocabularies.source || !saved.vocabularies.target)
    finding("model_from_sections returned an incomplete model");
  if (kind != "checkpoint") return;

  // As train/trainer.cpp resumes: the optimizer state for the model's parameters.
  try {
    nmt::train::Adam adam(saved.model->parameters().vars(), {});
    adam.load_state(nmt::graph::decode_tensors(io::section(sections, "optimizer", path), path), path);
  } catch (const io::FileFormatError&) {
  } catch (const nmt::graph::FormatError&) {
  } catch (...) {
    nmt::fuzz::unexpected_exception("Adam::load_state");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return nmt::fuzz::run_input(data, size, fuzz_one);
}
