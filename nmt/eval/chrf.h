// chrF (Popović, 2015) and chrF++ (Popović, 2017) exactly as sacreBLEU 2.x computes them.
//
//   ChrfScore s = corpus_chrf(hypotheses, {references});              // chrF2
//   ChrfScore p = corpus_chrf(hypotheses, {references}, chrf_plus_plus());  // chrF2++
//
// Character n-grams ignore whitespace (unless `whitespace`); chrF++ adds word n-grams.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nmt/eval/signature.h"

namespace nmt::eval {

struct ChrfOptions {
  int char_order = 6;  // character n-grams of orders 1..char_order
  int word_order = 0;  // word n-grams of orders 1..word_order; 2 makes chrF++
  int beta = 2;        // recall weighs beta times as much as precision
  bool lowercase = false;
  bool whitespace = false;  // keep whitespace inside character n-grams
  // Average the F-scores of all orders with 1e-16 standing in for undefined values
  // (chrF++.py, Moses, NLTK), instead of averaging precision and recall over the orders
  // both sides have n-grams of (sacreBLEU's default, "eff:yes").
  bool eps_smoothing = false;
};

ChrfOptions chrf_plus_plus();  // word_order = 2

struct NgramMatches {
  std::int64_t hyp = 0;    // hypothesis n-grams (0 if the reference has none of this order)
  std::int64_t ref = 0;    // reference n-grams
  std::int64_t match = 0;  // clipped matches
};

// The sufficient statistics of chrF: character orders 1..char_order, then word orders.
// They add up over segments.
struct ChrfStats {
  std::vector<NgramMatches> orders;

  ChrfStats& operator+=(const ChrfStats& other);
};

struct ChrfScore {
  double score = 0.0;  // 0 to 100
  std::string name;    // "chrF2", "chrF2++"
};

// 0 to 100: CHRF._compute_f_score().
double chrf_f_score(const ChrfStats& stats, const ChrfOptions& options);
ChrfScore compute_chrf(const ChrfStats& stats, const ChrfOptions& options);
std::string chrf_name(const ChrfOptions& options);

// Turns segments into statistics, reusing its buffers from one segment to the next.
class ChrfCounter {
 public:
  explicit ChrfCounter(const ChrfOptions& options = {});
  ~ChrfCounter();
  ChrfCounter(ChrfCounter&&) noexcept;
  ChrfCounter& operator=(ChrfCounter&&) noexcept;

  // The statistics against the reference with the best F-score (the first of equals).
  // Like sacreBLEU, skips empty references and throws std::invalid_argument if all are.
  ChrfStats count(std::string_view hypothesis, std::span<const std::string_view> references);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// references[r][i] is reference r of segment i. Throws std::invalid_argument if a reference
// stream's length differs from the hypotheses'.
ChrfScore corpus_chrf(const std::vector<std::string>& hypotheses,
                      const std::vector<std::vector<std::string>>& references, const ChrfOptions& options = {});
ChrfScore sentence_chrf(std::string_view hypothesis, const std::vector<std::string>& references,
                        const ChrfOptions& options = {});

// "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0+nmt0.1.0";
// nrefs is the number of reference streams (see signature.h).
std::string signature(const ChrfOptions& options, int nrefs, std::string_view version = signature_version());

}  // namespace nmt::eval
