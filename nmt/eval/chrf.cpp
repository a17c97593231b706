// chrF and chrF++ as sacreBLEU's metrics/chrf.py and metrics/helpers.py compute them.
#include "nmt/eval/chrf.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "nmt/eval/detail/ngram_table.h"
#include "nmt/eval/detail/references.h"
#include "nmt/eval/detail/token_ids.h"
#include "nmt/eval/lowercase.h"
#include "nmt/eval/whitespace.h"
#include "nmt/text/utf8.h"

namespace nmt::eval {

ChrfOptions chrf_plus_plus() {
  ChrfOptions options;
  options.word_order = 2;
  return options;
}

ChrfStats& ChrfStats::operator+=(const ChrfStats& other) {
  if (orders.empty()) orders.resize(other.orders.size());
  if (orders.size() != other.orders.size()) {
    throw std::invalid_argument("chrF: adding statistics of different n-gram orders");
  }
  for (std::size_t i = 0; i < orders.size(); ++i) {
    orders[i].hyp += other.orders[i].hyp;
    orders[i].ref += other.orders[i].ref;
    orders[i].match += other.orders[i].match;
  }
  return *this;
}

// CHRF._compute_f_score(), with sacreBLEU's order of floating-point operations.
double chrf_f_score(const ChrfStats& stats, const ChrfOptions& options) {
  constexpr double kEps = 1e-16;
  const double factor = static_cast<double>(options.beta) * static_cast<double>(options.beta);
  const auto order = static_cast<double>(stats.orders.size());
  double eps_score = 0.0;
  double avg_prec = 0.0, avg_rec = 0.0;
  int effective_order = 0;
  for (const NgramMatches& m : stats.orders) {
    const double n_hyp = static_cast<double>(m.hyp);
    const double n_ref = static_cast<double>(m.ref);
    const double n_match = static_cast<double>(m.match);
    const double prec = m.hyp > 0 ? n_match / n_hyp : kEps;
    const double rec = m.ref > 0 ? n_match / n_ref : kEps;
    const double denom = factor * prec + rec;
    eps_score += denom > 0 ? (1 + factor) * prec * rec / denom : kEps;
    // Effective order: only the orders both sides have n-grams of are averaged.
    if (m.hyp > 0 && m.ref > 0) {
      avg_prec += prec;
      avg_rec += rec;
      ++effective_order;
    }
  }
  if (options.eps_smoothing) return 100 * eps_score / order;

  if (effective_order == 0) return 0.0;
  avg_prec /= effective_order;
  avg_rec /= effective_order;
  if (avg_prec + avg_rec == 0.0) return 0.0;
  double score = (1 + factor) * avg_prec * avg_rec;
  score /= (factor * avg_prec) + avg_rec;
  return 100 * score;
}

std::string chrf_name(const ChrfOptions& options) {
  return fmt::format("chrF{}{}", options.beta, std::string(static_cast<std::size_t>(options.word_order), '+'));
}

ChrfScore compute_chrf(const ChrfStats& stats, const ChrfOptions& options) {
  return ChrfScore{chrf_f_score(stats, options), chrf_name(options)};
}

namespace {

// Python's string.punctuation, which chrF++ splits off words.
bool is_ascii_punctuation(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
}

}  // namespace

struct ChrfCounter::State {
  ChrfOptions options;
  detail::TokenIds word_ids;
  detail::NgramTable ref_ngrams;
  std::vector<std::string_view> references;
  std::vector<std::string> lowered;  // texts the word views point into, when lowercasing
  std::vector<std::string_view> tokens;
  std::vector<detail::Symbol> hyp_chars, ref_chars, hyp_words, ref_words;

  // extract_all_char_ngrams(): the code points, without whitespace unless asked
  // (`''.join(line.split())`).
  void characters(std::string_view text, std::vector<detail::Symbol>& out) const {
    out.clear();
    std::size_t pos = 0;
    while (pos < text.size()) {
      const char32_t c = text::decode_utf8_at(text, pos);
      if (options.whitespace || !is_python_whitespace(c)) out.push_back(static_cast<detail::Symbol>(c));
    }
  }

  // CHRF._remove_punctuation(): words of str.split(); a word longer than one character
  // loses one ASCII punctuation mark, the last character if it is one, else the first.
  // Comparing bytes is exact here: string.punctuation is ASCII, and a one-character word
  // of several bytes has no ASCII byte at either end, so it stays whole as in Python.
  void words(std::string_view text, std::vector<detail::Symbol>& out) {
    out.clear();
    tokens.clear();
    split_whitespace(text, tokens);
    for (const std::string_view word : tokens) {
      if (word.size() > 1 && is_ascii_punctuation(word.back())) {
        out.push_back(word_ids.id(word.substr(0, word.size() - 1)));
        out.push_back(word_ids.id(word.substr(word.size() - 1)));
      } else if (word.size() > 1 && is_ascii_punctuation(word.front())) {
        out.push_back(word_ids.id(word.substr(0, 1)));
        out.push_back(word_ids.id(word.substr(1)));
      } else {
        out.push_back(word_ids.id(word));
      }
    }
  }

  // Fills `stats` from orders 1..max_order of `hyp` against `ref`, starting at stats[first].
  void match_orders(const std::vector<detail::Symbol>& hyp, const std::vector<detail::Symbol>& ref, int max_order,
                    std::size_t first, ChrfStats& stats) {
    ref_ngrams.clear();
    for_each_ngram(ref, max_order, [&](const detail::Ngram& ngram) { ref_ngrams.add(ngram); });
    for (int n = 1; n <= max_order; ++n) {
      NgramMatches& m = stats.orders[first + static_cast<std::size_t>(n - 1)];
      m.ref = std::max<std::int64_t>(0, static_cast<std::int64_t>(ref.size()) - n + 1);
      // "Don't count hits if no reference exists for that n-gram" (_get_match_statistics).
      m.hyp = m.ref > 0 ? std::max<std::int64_t>(0, static_cast<std::int64_t>(hyp.size()) - n + 1) : 0;
      m.match = 0;
    }
    for_each_ngram(hyp, max_order, [&](const detail::Ngram& ngram) {
      if (ref_ngrams.take(ngram)) ++stats.orders[first + ngram.length - 1].match;
    });
  }

  template <class F>
  static void for_each_ngram(const std::vector<detail::Symbol>& symbols, int max_order, F&& f) {
    for (std::size_t i = 0; i < symbols.size(); ++i) {
      std::uint64_t hash = detail::kEmptyHash;
      const std::size_t orders = std::min<std::size_t>(static_cast<std::size_t>(max_order), symbols.size() - i);
      for (std::size_t n = 1; n <= orders; ++n) {
        hash = detail::extend_hash(hash, symbols[i + n - 1]);
        f(detail::Ngram{&symbols[i], static_cast<std::uint32_t>(n), hash});
      }
    }
  }
};

ChrfCounter::ChrfCounter(const ChrfOptions& options) : state_(std::make_unique<State>()) {
  if (options.char_order < 0 || options.word_order < 0 || options.char_order + options.word_order == 0) {
    throw std::invalid_argument(fmt::format("chrF: needs n-gram orders >= 0, not both 0 (got {} and {})",
                                            options.char_order, options.word_order));
  }
  if (options.beta < 0) throw std::invalid_argument(fmt::format("chrF: beta must be >= 0, not {}", options.beta));
  state_->options = options;
}
ChrfCounter::~ChrfCounter() = default;
ChrfCounter::ChrfCounter(ChrfCounter&&) noexcept = default;
ChrfCounter& ChrfCounter::operator=(ChrfCounter&&) noexcept = default;

ChrfStats ChrfCounter::count(std::string_view hypothesis, std::span<const std::string_view> references) {
  State& s = *state_;
  const ChrfOptions& options = s.options;
  detail::non_empty_references("chrF", references, s.references);
  s.word_ids.clear();

  // CHRF._preprocess_segment() only lowercases; whitespace is handled by the extractors.
  s.lowered.clear();
  if (options.lowercase) {
    s.lowered.reserve(1 + s.references.size());  // no reallocation: views into it stay valid
    s.lowered.push_back(lowercase(hypothesis));
    hypothesis = s.lowered.back();
    for (std::string_view& reference : s.references) {
      s.lowered.push_back(lowercase(reference));
      reference = s.lowered.back();
    }
  }

  s.characters(hypothesis, s.hyp_chars);
  if (options.word_order > 0) s.words(hypothesis, s.hyp_words);

  const auto char_orders = static_cast<std::size_t>(options.char_order);
  ChrfStats best, current;
  current.orders.resize(char_orders + static_cast<std::size_t>(options.word_order));
  double best_f_score = -1.0;
  for (const std::string_view reference : s.references) {
    s.characters(reference, s.ref_chars);
    s.match_orders(s.hyp_chars, s.ref_chars, options.char_order, 0, current);
    if (options.word_order > 0) {
      s.words(reference, s.ref_words);
      s.match_orders(s.hyp_words, s.ref_words, options.word_order, char_orders, current);
    }
    // _compute_segment_statistics(): keep the reference with the best F-score, the first
    // one on ties (strictly greater replaces).
    const double f_score = chrf_f_score(current, options);
    if (f_score > best_f_score) {
      best_f_score = f_score;
      best = current;
    }
  }
  return best;
}

ChrfScore corpus_chrf(const std::vector<std::string>& hypotheses,
                      const std::vector<std::vector<std::string>>& references, const ChrfOptions& options) {
  detail::check_corpus_shape("chrF", hypotheses.size(), references);
  ChrfCounter counter(options);
  ChrfStats total;
  total.orders.resize(static_cast<std::size_t>(options.char_order + options.word_order));
  std::vector<std::string_view> segment;
  for (std::size_t i = 0; i < hypotheses.size(); ++i) {
    detail::segment_references("chrF", references, i, segment);
    total += counter.count(hypotheses[i], segment);
  }
  return compute_chrf(total, options);
}

ChrfScore sentence_chrf(std::string_view hypothesis, const std::vector<std::string>& references,
                        const ChrfOptions& options) {
  const std::vector<std::string_view> views(references.begin(), references.end());
  return compute_chrf(ChrfCounter(options).count(hypothesis, views), options);
}

// CHRFSignature: "eff" says whether effective-order averaging (no eps smoothing) is used.
std::string signature(const ChrfOptions& options, int nrefs, std::string_view version) {
  return fmt::format("nrefs:{}|case:{}|eff:{}|nc:{}|nw:{}|space:{}|version:{}", nrefs,
                     options.lowercase ? "lc" : "mixed", options.eps_smoothing ? "no" : "yes", options.char_order,
                     options.word_order, options.whitespace ? "yes" : "no", version);
}

}  // namespace nmt::eval
