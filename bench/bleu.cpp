// Speed of corpus BLEU and chrF on 100,000 sentence pairs, one core.
//
// The pairs are the sacreBLEU test vectors' sentences (tests/data/bleu), repeated with a
// different word pair swapped in the hypothesis on every pass, so that no two passes
// score the same text.
#include "nmt/eval/bleu.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include "nmt/eval/chrf.h"
#include "nmt/eval/line_reader.h"
#include "nmt/graph/cpu_info.h"

namespace eval = nmt::eval;

namespace {

constexpr std::size_t kPairs = 100'000;

// Swaps the words at `index` and `index + 1` (modulo the word count).
std::string swap_words(const std::string& sentence, std::size_t index) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start <= sentence.size()) {
    const std::size_t space = std::min(sentence.find(' ', start), sentence.size());
    words.push_back(sentence.substr(start, space - start));
    start = space + 1;
  }
  if (words.size() < 2) return sentence;
  std::swap(words[index % words.size()], words[(index + 1) % words.size()]);
  std::string joined = words.front();
  for (std::size_t i = 1; i < words.size(); ++i) joined += ' ' + words[i];
  return joined;
}

// Prints wall-clock and CPU seconds: on a shared machine the CPU time is the steadier figure.
template <class F>
void time_metric(const std::string& name, F&& score) {
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  const double result = score();
  const double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print("{:<9} {:.3f} s wall {:.3f} s CPU  {:>7.0f} sentences/s (CPU)  score {:.2f}\n", name, wall, cpu,
             static_cast<double>(kPairs) / cpu, result);
}

}  // namespace

int main() {
  // Plain C++ on one thread: the CPU model is what the figures depend on.
  std::printf("bench-bleu: cpu: %s, 1 thread\n", nmt::graph::cpu_model_name().c_str());
  const std::string data = std::string(NMT_SOURCE_DIR) + "/tests/data/bleu/";
  std::vector<std::string> base_hyps, base_refs;
  for (const char* name : {"heavy", "light", "short-brevity"}) {
    const auto hyps = eval::read_segments_file(data + name + "/hyp.txt").lines;
    const auto refs = eval::read_segments_file(data + name + "/ref0.txt").lines;
    base_hyps.insert(base_hyps.end(), hyps.begin(), hyps.end());
    base_refs.insert(base_refs.end(), refs.begin(), refs.end());
  }

  std::vector<std::string> hyps, refs;
  hyps.reserve(kPairs);
  refs.reserve(kPairs);
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < kPairs; ++i) {
    const std::size_t base = i % base_hyps.size(), pass = i / base_hyps.size();
    hyps.push_back(pass == 0 ? base_hyps[base] : swap_words(base_hyps[base], pass - 1));
    refs.push_back(base_refs[base]);
    bytes += hyps.back().size() + refs.back().size();
  }
  fmt::print("{} sentence pairs built from {} distinct ones, {:.1f} MB of text, one thread\n", kPairs, base_hyps.size(),
             static_cast<double>(bytes) / 1e6);

  const std::vector<std::vector<std::string>> references = {refs};
  time_metric("BLEU", [&] { return eval::corpus_bleu(hyps, references).score; });
  eval::BleuOptions intl;
  intl.tokenizer = eval::Tokenizer::intl;
  time_metric("BLEU intl", [&] { return eval::corpus_bleu(hyps, references, intl).score; });
  time_metric("chrF", [&] { return eval::corpus_chrf(hyps, references).score; });
  time_metric("chrF++", [&] { return eval::corpus_chrf(hyps, references, eval::chrf_plus_plus()).score; });
  return 0;
}
