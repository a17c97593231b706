// BLEU as sacreBLEU's metrics/bleu.py computes it. Comments quote the behaviour that
// decides scores; names follow sacreBLEU's where they exist.
#include "nmt/eval/bleu.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "nmt/eval/detail/ngram_table.h"
#include "nmt/eval/detail/references.h"
#include "nmt/eval/detail/spaced_tokenizers.h"
#include "nmt/eval/detail/token_ids.h"
#include "nmt/eval/lowercase.h"
#include "nmt/eval/whitespace.h"

namespace nmt::eval {

std::string_view smoothing_name(Smoothing smoothing) {
  switch (smoothing) {
    case Smoothing::exp:
      return "exp";
    case Smoothing::floor:
      return "floor";
    case Smoothing::add_k:
      return "add-k";
    case Smoothing::none:
      return "none";
  }
  return "unknown";
}

std::optional<Smoothing> parse_smoothing(std::string_view name) {
  for (const Smoothing smoothing : {Smoothing::exp, Smoothing::floor, Smoothing::add_k, Smoothing::none}) {
    if (name == smoothing_name(smoothing)) return smoothing;
  }
  return std::nullopt;
}

namespace {

// BLEU.SMOOTH_DEFAULTS, from Chen & Cherry (2014).
double smooth_value_of(const BleuOptions& options) {
  if (options.smooth_value) return *options.smooth_value;
  return options.smoothing == Smoothing::add_k ? 1.0 : 0.1;
}

bool takes_smooth_value(Smoothing smoothing) { return smoothing == Smoothing::floor || smoothing == Smoothing::add_k; }

// sacreBLEU's my_log(): log with log(0) floored to -9999999999, so that a zero precision
// drives the geometric mean to 0 instead of failing.
double floored_log(double x) { return x == 0.0 ? -9999999999.0 : std::log(x); }

}  // namespace

BleuStats& BleuStats::operator+=(const BleuStats& other) {
  for (int n = 0; n < kBleuMaxOrder; ++n) {
    counts[n] += other.counts[n];
    totals[n] += other.totals[n];
  }
  sys_len += other.sys_len;
  ref_len += other.ref_len;
  return *this;
}

double BleuScore::ratio() const {
  return ref_len != 0 ? static_cast<double>(sys_len) / static_cast<double>(ref_len) : 0.0;
}

std::string BleuScore::verbose() const {
  return fmt::format("{:.1f}/{:.1f}/{:.1f}/{:.1f} (BP = {:.3f} ratio = {:.3f} hyp_len = {} ref_len = {})",
                     precisions[0], precisions[1], precisions[2], precisions[3], bp, ratio(), sys_len, ref_len);
}

// BLEU.compute_bleu(), step for step: the order of floating-point operations is sacreBLEU's,
// so scores agree to the last bit, not just to the printed digits.
BleuScore compute_bleu(const BleuStats& stats, const BleuOptions& options) {
  BleuScore result;
  result.sys_len = stats.sys_len;
  result.ref_len = stats.ref_len;
  for (int n = 0; n < kBleuMaxOrder; ++n) {
    result.counts[n] = static_cast<double>(stats.counts[n]);
    result.totals[n] = static_cast<double>(stats.totals[n]);
  }
  const double sys_len = static_cast<double>(stats.sys_len);
  const double ref_len = static_cast<double>(stats.ref_len);
  if (stats.sys_len < stats.ref_len) {
    result.bp = stats.sys_len > 0 ? std::exp(1.0 - ref_len / sys_len) : 0.0;
  } else {
    result.bp = 1.0;
  }

  // "Early stop if there are no matches (#141)": score 0, and no smoothing is applied.
  if (std::all_of(stats.counts.begin(), stats.counts.end(), [](std::int64_t c) { return c == 0; })) {
    return result;
  }

  const double smooth_value = smooth_value_of(options);
  double smooth_mteval = 1.0;
  int eff_order = kBleuMaxOrder;
  for (int n = 1; n <= kBleuMaxOrder; ++n) {
    double& correct = result.counts[n - 1];
    double& total = result.totals[n - 1];
    if (options.smoothing == Smoothing::add_k && n > 1) {
      correct += smooth_value;
      total += smooth_value;
    }
    // An order the hypotheses have no n-grams of ends the loop; its precision stays 0.
    if (total == 0.0) break;
    if (options.effective_order) eff_order = n;
    if (correct == 0.0) {
      if (options.smoothing == Smoothing::exp) {
        smooth_mteval *= 2.0;
        result.precisions[n - 1] = 100.0 / (smooth_mteval * total);
      } else if (options.smoothing == Smoothing::floor) {
        result.precisions[n - 1] = 100.0 * smooth_value / total;
      }
    } else {
      result.precisions[n - 1] = 100.0 * correct / total;
    }
  }

  double log_sum = 0.0;
  for (int n = 0; n < eff_order; ++n) log_sum += floored_log(result.precisions[n]);
  result.score = result.bp * std::exp(log_sum / eff_order);
  return result;
}

struct BleuCounter::State {
  BleuOptions options;
  detail::TokenIds token_ids;
  detail::NgramTable max_ref_counts;  // per n-gram, its highest count in any one reference
  detail::NgramTable one_ref_counts;
  std::vector<std::string_view> references;
  std::vector<std::string> texts;                // tokenized hypothesis, then the kept references (reused)
  std::vector<std::vector<detail::Symbol>> ids;  // token ids of each text
  std::vector<std::string_view> tokens;

  // BLEU._preprocess_segment(): lowercase if asked, strip trailing whitespace, tokenize.
  // The tokens are left apart by whitespace of any width: they are split right after.
  void preprocess(std::string_view text, std::string& out) const {
    if (!options.lowercase) return detail::space_out_tokens(options.tokenizer, rstrip_whitespace(text), out);
    const std::string lowered = lowercase(text);
    detail::space_out_tokens(options.tokenizer, rstrip_whitespace(lowered), out);
  }

  // extract_all_word_ngrams(): orders 1 to 4 of the tokens of str.split().
  template <class F>
  static void for_each_ngram(const std::vector<detail::Symbol>& symbols, F&& f) {
    for (std::size_t i = 0; i < symbols.size(); ++i) {
      std::uint64_t hash = detail::kEmptyHash;
      const std::size_t orders = std::min<std::size_t>(kBleuMaxOrder, symbols.size() - i);
      for (std::size_t n = 1; n <= orders; ++n) {
        hash = detail::extend_hash(hash, symbols[i + n - 1]);
        f(detail::Ngram{&symbols[i], static_cast<std::uint32_t>(n), hash});
      }
    }
  }
};

BleuCounter::BleuCounter(const BleuOptions& options) : state_(std::make_unique<State>()) { state_->options = options; }
BleuCounter::~BleuCounter() = default;
BleuCounter::BleuCounter(BleuCounter&&) noexcept = default;
BleuCounter& BleuCounter::operator=(BleuCounter&&) noexcept = default;

BleuStats BleuCounter::count(std::string_view hypothesis, std::span<const std::string_view> references) {
  State& s = *state_;
  detail::non_empty_references("BLEU", references, s.references);
  s.token_ids.clear();
  s.max_ref_counts.clear();
  s.one_ref_counts.clear();

  const std::size_t text_count = 1 + s.references.size();
  s.texts.resize(text_count);
  s.ids.resize(std::max(s.ids.size(), text_count));
  s.preprocess(hypothesis, s.texts[0]);
  for (std::size_t r = 0; r < s.references.size(); ++r) s.preprocess(s.references[r], s.texts[1 + r]);
  for (std::size_t t = 0; t < text_count; ++t) {
    s.tokens.clear();
    split_whitespace(s.texts[t], s.tokens);
    s.ids[t].clear();
    for (const std::string_view token : s.tokens) s.ids[t].push_back(s.token_ids.id(token));
  }

  // _extract_reference_info(): a hypothesis n-gram may match as often as the reference
  // that holds it most often; the reference length is the one closest to the hypothesis'.
  BleuStats stats;
  const auto hyp_len = static_cast<std::int64_t>(s.ids[0].size());
  std::int64_t closest_diff = -1;
  for (std::size_t t = 1; t < text_count; ++t) {
    if (text_count == 2) {
      State::for_each_ngram(s.ids[t], [&](const detail::Ngram& ngram) { s.max_ref_counts.add(ngram); });
    } else {
      s.one_ref_counts.clear();
      State::for_each_ngram(s.ids[t], [&](const detail::Ngram& ngram) { s.one_ref_counts.add(ngram); });
      s.one_ref_counts.for_each(
          [&](const detail::Ngram& ngram, std::int64_t count) { s.max_ref_counts.raise_to(ngram, count); });
    }
    // _get_closest_ref_len(): smallest |hyp_len - ref_len|, the shorter reference on ties.
    const auto ref_len = static_cast<std::int64_t>(s.ids[t].size());
    const std::int64_t diff = std::abs(hyp_len - ref_len);
    if (closest_diff == -1 || diff < closest_diff) {
      closest_diff = diff;
      stats.ref_len = ref_len;
    } else if (diff == closest_diff && ref_len < stats.ref_len) {
      stats.ref_len = ref_len;
    }
  }

  // _compute_segment_statistics(): each hypothesis n-gram is a match while the reference
  // count lasts, which sums min(hypothesis count, reference count) over distinct n-grams.
  stats.sys_len = hyp_len;
  State::for_each_ngram(s.ids[0], [&](const detail::Ngram& ngram) {
    ++stats.totals[ngram.length - 1];
    if (s.max_ref_counts.take(ngram)) ++stats.counts[ngram.length - 1];
  });
  return stats;
}

BleuScore corpus_bleu(const std::vector<std::string>& hypotheses,
                      const std::vector<std::vector<std::string>>& references, const BleuOptions& options) {
  detail::check_corpus_shape("BLEU", hypotheses.size(), references);
  BleuCounter counter(options);
  BleuStats total;
  std::vector<std::string_view> segment;
  for (std::size_t i = 0; i < hypotheses.size(); ++i) {
    detail::segment_references("BLEU", references, i, segment);
    total += counter.count(hypotheses[i], segment);
  }
  return compute_bleu(total, options);
}

BleuScore sentence_bleu(std::string_view hypothesis, const std::vector<std::string>& references) {
  BleuOptions options;
  options.effective_order = true;
  return sentence_bleu(hypothesis, references, options);
}

BleuScore sentence_bleu(std::string_view hypothesis, const std::vector<std::string>& references,
                        const BleuOptions& options) {
  const std::vector<std::string_view> views(references.begin(), references.end());
  return compute_bleu(BleuCounter(options).count(hypothesis, views), options);
}

// BLEUSignature: the smoothing value appears, with two decimals, only for the methods
// that use it ("floor[0.10]", "add-k[1.00]").
std::string signature(const BleuOptions& options, int nrefs, std::string_view version) {
  std::string smooth(smoothing_name(options.smoothing));
  if (takes_smooth_value(options.smoothing)) smooth += fmt::format("[{:.2f}]", smooth_value_of(options));
  return fmt::format("nrefs:{}|case:{}|eff:{}|tok:{}|smooth:{}|version:{}", nrefs, options.lowercase ? "lc" : "mixed",
                     options.effective_order ? "yes" : "no", tokenizer_name(options.tokenizer), smooth, version);
}

}  // namespace nmt::eval
