// nmt's public C++ interface: translate with a trained model file, score with BLEU and chrF.
//
//   #include <nmt/nmt.h>
//
//   nmt::Translator translator("runs/en-fr/model.nmt", {.threads = 2});
//   nmt::TranslationOptions options;
//   options.beam_size = 5;
//   std::vector<nmt::Translation> out = translator.translate({"Open the file."}, options);
//   std::cout << out[0].best() << "\n";                                   // the best translation
//   double score = nmt::bleu({out[0].best()}, {{"Ouvrez le fichier."}});  // sacreBLEU's BLEU
//
// Found by CMake as find_package(nmt) and target nmt::nmt (README, "Use it from C++"); the
// Python module `nmt` is a thin layer over this header (python/nmt_module.cpp).
//
// Errors are exceptions: nmt::Error (a std::runtime_error) whose message names the model file,
// the option or the value at fault.
//
// Threads: a Translator may be used from several threads at once, and several Translators may
// live in one process. A call on one compute thread (TranslationOptions::threads = 1, or a
// Translator made with threads = 1) runs on the calling thread, beside other such calls from
// other threads: a server decodes with a thread per core that way (nmt/serve). A call on more
// threads runs alone: it waits for the calls running and they wait for it. Programs
// that share their cores with other busy processes should set GOMP_SPINCOUNT=10000 in their
// environment before they start (nmt's own programs do so themselves: graph/openmp_waiting.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "nmt/translation.h"

namespace nmt {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TranslatorOptions {
  int threads = 2;  // compute threads, 1 to 1024
  // "f32"; "bf16" (products on bfloat16 operands; needs AVX512_BF16 or AMX); "int8" (linear
  // layers in 8 bits; needs VNNI); or "auto": bf16 where the CPU has it, else f32 with a warning.
  std::string precision = "f32";
};

// The options of nmt-translate, with its defaults and ranges (docs/translating.md).
struct TranslationOptions {
  int beam_size = 5;                 // 1 to 256; 1 is greedy search
  int n_best = 1;                    // hypotheses per line, 1 to beam_size
  double length_penalty = 1.0;       // alpha, 0 to 10: hypotheses ranked by log P / length^alpha
  double max_length_ratio = 2.0;     // longest output: ratio x source subwords + 10; (0, 100]
  bool alignment = false;            // fill TranslatedHypothesis::attention
  std::int64_t batch_tokens = 2000;  // padded source subwords per batch, 1 to 10000000
  std::int64_t batch_size = 64;      // sentences per batch, at most; 1 to 10000000
  int threads = 0;                   // compute threads of this call, 1 to 1024; 0: the Translator's
};

class Translator {
 public:
  // Loads a model file written by nmt-train; Error names the file when it is not one, is
  // damaged, or is a classifier; or the option when it is not a precision, or when the CPU
  // cannot run the precision asked for.
  explicit Translator(const std::string& model_path, const TranslatorOptions& options = {});
  ~Translator();
  Translator(Translator&&) noexcept;
  Translator& operator=(Translator&&) noexcept;

  // One Translation per line, in order. An empty line gives no hypotheses; invalid UTF-8 is
  // replaced by U+FFFD first; a line longer than max_source_pieces() is cut (and marked
  // truncated). Error names the option when one is out of its range.
  std::vector<Translation> translate(const std::vector<std::string>& lines,
                                     const TranslationOptions& options = {}) const;

  const std::string& model_path() const;
  std::string precision() const;                 // what runs: "f32", "bf16" or "int8" ("auto" chosen)
  const std::string& precision_warning() const;  // why "auto" runs f32 here; "" otherwise
  std::string model_description() const;         // e.g. "transformer, multi-head (4 heads) attention"
  std::int64_t max_source_pieces() const;        // source subwords read per line (EOS not counted)

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Corpus BLEU as sacreBLEU computes it, 0 to 100: references[r][i] is reference r of line i
// (sacreBLEU's layout: one list per reference stream). tokenize: "13a" (sacreBLEU's default),
// "intl", "char" or "none". Error when the streams' lengths differ or the tokenizer is unknown.
double bleu(const std::vector<std::string>& hypotheses, const std::vector<std::vector<std::string>>& references,
            const std::string& tokenize = "13a", bool lowercase = false);
// Corpus chrF2 as sacreBLEU computes it (word_order 2: chrF2++).
double chrf(const std::vector<std::string>& hypotheses, const std::vector<std::vector<std::string>>& references,
            int word_order = 0);

std::string version();  // "0.1.0"

}  // namespace nmt
