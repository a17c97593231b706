// BLEU (Papineni et al., 2002) exactly as sacreBLEU 2.x computes it.
//
//   BleuScore s = corpus_bleu(hypotheses, {references});  // s.score == sacreBLEU's score
//
// For many segments, or statistics to add up across batches, use BleuCounter and
// compute_bleu(). Text is UTF-8, one segment per string, as sacreBLEU reads it after
// stripping trailing whitespace from each line (see line_reader.h).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nmt/eval/signature.h"
#include "nmt/eval/tokenizer.h"

namespace nmt::eval {

inline constexpr int kBleuMaxOrder = 4;

// The smoothing methods of Chen & Cherry (2014), with sacreBLEU's names.
enum class Smoothing {
  exp,    // method 3, mteval-v13a's: the k-th order without a match counts as 1/2^k matches
  floor,  // method 1: an order without a match counts as `smooth_value` matches
  add_k,  // method 2: add `smooth_value` to matches and totals of orders 2 to 4
  none,
};
std::string_view smoothing_name(Smoothing smoothing);  // "exp", "floor", "add-k", "none"
std::optional<Smoothing> parse_smoothing(std::string_view name);

struct BleuOptions {
  Tokenizer tokenizer = Tokenizer::mteval_13a;
  bool lowercase = false;
  Smoothing smoothing = Smoothing::exp;
  std::optional<double> smooth_value;  // unset: 0.1 for floor, 1 for add-k; exp and none ignore it
  // Average only the orders the hypothesis has n-grams of; sacreBLEU's sentence-level mode.
  bool effective_order = false;
};

// The sufficient statistics of BLEU; they add up over segments.
struct BleuStats {
  std::array<std::int64_t, kBleuMaxOrder> counts{};  // clipped n-gram matches, orders 1..4
  std::array<std::int64_t, kBleuMaxOrder> totals{};  // hypothesis n-grams, orders 1..4
  std::int64_t sys_len = 0;                          // hypothesis tokens
  std::int64_t ref_len = 0;                          // tokens of the reference closest in length (the shorter on ties)

  BleuStats& operator+=(const BleuStats& other);
};

struct BleuScore {
  double score = 0.0;  // 0 to 100
  // Matches and totals as sacreBLEU reports them, which includes add-k's additions.
  std::array<double, kBleuMaxOrder> counts{};
  std::array<double, kBleuMaxOrder> totals{};
  std::array<double, kBleuMaxOrder> precisions{};  // percent
  double bp = 0.0;                                 // brevity penalty
  std::int64_t sys_len = 0;
  std::int64_t ref_len = 0;

  double ratio() const;  // sys_len / ref_len, 0 without reference tokens
  // sacreBLEU's detail: "81.9/35.9/19.6/11.7 (BP = 0.819 ratio = 0.833 hyp_len = 14600 ref_len = 17521)"
  std::string verbose() const;
};

BleuScore compute_bleu(const BleuStats& stats, const BleuOptions& options);

// Turns segments into statistics, reusing its buffers from one segment to the next.
class BleuCounter {
 public:
  explicit BleuCounter(const BleuOptions& options = {});
  ~BleuCounter();
  BleuCounter(BleuCounter&&) noexcept;
  BleuCounter& operator=(BleuCounter&&) noexcept;

  // Like sacreBLEU, skips empty references and throws std::invalid_argument if all are.
  BleuStats count(std::string_view hypothesis, std::span<const std::string_view> references);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// references[r][i] is reference r of segment i (sacreBLEU's layout). Throws
// std::invalid_argument if a reference stream's length differs from the hypotheses'.
BleuScore corpus_bleu(const std::vector<std::string>& hypotheses,
                      const std::vector<std::vector<std::string>>& references, const BleuOptions& options = {});

// One segment, with effective order as sacreBLEU's sentence_score() is meant to be used.
BleuScore sentence_bleu(std::string_view hypothesis, const std::vector<std::string>& references);
BleuScore sentence_bleu(std::string_view hypothesis, const std::vector<std::string>& references,
                        const BleuOptions& options);

// "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0+nmt0.1.0";
// nrefs is the number of reference streams (see signature.h).
std::string signature(const BleuOptions& options, int nrefs, std::string_view version = signature_version());

}  // namespace nmt::eval
