#include "nmt/decode/beam_search.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <stdexcept>

#include "nmt/data/special_ids.h"
#include "nmt/graph/profiler.h"

namespace nmt::decode {
namespace {

struct Live {
  std::vector<std::int32_t> tokens;
  double log_probability = 0;
  std::vector<std::vector<float>> attention;
};

struct Sentence {
  std::size_t row;          // row in the input batch
  std::int64_t max_length;  // target tokens allowed (EOS included)
  std::vector<Live> live;   // one per beam row while open
  std::vector<Hypothesis> finished;
  bool open = true;
  std::size_t first_row = 0;  // the decoder state's row of live[0]; live[i] is in row first_row + i
};

double normalised(double log_probability, std::size_t length, double alpha) {
  return alpha == 0 ? log_probability
                    : log_probability / std::pow(static_cast<double>(std::max<std::size_t>(length, 1)), alpha);
}

Hypothesis finish(const Live& h, bool with_eos, double alpha) {
  Hypothesis out;
  out.tokens = h.tokens;
  out.log_probability = h.log_probability;
  out.score = normalised(h.log_probability, h.tokens.size() + (with_eos ? 1 : 0), alpha);
  out.attention = h.attention;
  out.complete = with_eos;
  return out;
}

// The decoder state carries this many rows for `live` hypotheses: from 8 on, a multiple of 8,
// the extra rows copies of the last one (their outputs are never read). The row count then
// changes every few finished sentences instead of at each, and each new count costs oneDNN
// primitives of its own (issue 15).
std::size_t padded_rows(std::size_t live) { return live < 8 ? live : (live + 7) / 8 * 8; }

// Whether the rows are packed (the open sentences' hypotheses copied into consecutive rows)
// when `live` hypotheses remain in `state` rows, each sentence's fitting in its own: only once
// packing would cut the rows by a quarter or more. Packing copies the self-attention caches and
// regroups the encoder memory (a few milliseconds for 32 sentences), and each new row count
// creates primitives; the rows of finished sentences that stay cost a little compute per step.
// Packing whenever the padded count fell (every sentence or two that finished) spent, in
// bench-translate --profile (beam 5, batches of 32, f32; Zen 5), 0.85-1.05 s regrouping the
// encodings and 0.56-0.69 s creating 2,690 primitives per 1,000 sentences; packing at three
// quarters, 0.24-0.29 s and 0.37-0.39 s for 1,910. Beam 5 ran 8-12% faster (medians of five
// interleaved runs, each precision), greedy within noise (docs/translating.md).
bool pack_rows(std::size_t live, std::size_t state) { return 4 * padded_rows(live) <= 3 * state; }

template <class T>
void pad_rows(std::vector<T>& rows) {
  const std::size_t padded = padded_rows(rows.size());
  while (rows.size() < padded) rows.push_back(rows.back());
}

// An extension of a live hypothesis by one token.
struct Candidate {
  double log_probability;
  std::size_t beam;
  std::int32_t token;
};

// The order of candidates: higher log-probability first, ties to the lower beam, then the
// lower token (a total order, so the best ones are the same however they are found).
bool better(const Candidate& a, const Candidate& b) {
  return a.log_probability > b.log_probability ||
         (a.log_probability == b.log_probability && (a.beam < b.beam || (a.beam == b.beam && a.token < b.token)));
}

// The best `keep` extensions of a sentence's `beams` rows of log-probabilities (rows of `vocab`
// floats from `log_probs`), best first, into `best`: one pass over beams x vocab values keeping
// a sorted list of `keep` (a candidate enters only if it beats the worst kept), instead of
// writing every candidate out and sorting them.
void best_extensions(const float* log_probs, std::int64_t vocab, const std::vector<Live>& live, std::size_t keep,
                     std::vector<Candidate>& best) {
  best.clear();
  constexpr float kLowest = -std::numeric_limits<float>::infinity();
  for (std::size_t b = 0; b < live.size(); ++b) {
    const double base = live[b].log_probability;
    const float* lp = log_probs + b * static_cast<std::size_t>(vocab);
    // A float below which lp[v] cannot make base + lp[v] reach the worst kept score, whatever
    // the rounding of that sum (a margin far above a double's rounding error): most of the
    // vocabulary is passed over by one float comparison, and what passes is checked exactly.
    float floor = kLowest;
    const auto update_floor = [&] {
      if (best.size() < keep) return;
      const double worst = best.back().log_probability;
      const double bound = worst - base - 1e-9 * (1 + std::abs(worst) + std::abs(base));
      floor = std::nextafter(static_cast<float>(bound), kLowest);
    };
    update_floor();
    for (std::int64_t v = 0; v < vocab; ++v) {
      if (lp[v] < floor) continue;
      const Candidate c{base + lp[v], b, static_cast<std::int32_t>(v)};
      if (best.size() == keep && !better(c, best.back())) continue;
      // Candidates come in (beam, token) order: an equal score never displaces a kept one.
      auto at = std::upper_bound(best.begin(), best.end(), c, better);
      best.insert(at, c);
      if (best.size() > keep) best.pop_back();
      update_floor();
    }
  }
}

// Orders the hypotheses extended from a sentence's rows (first row `first_row`) so that each
// parent's first child takes its parent's row when that row is still the sentence's: the
// decoder state then changes only in the rows of the other children, and the self-attention
// caches are reordered in place (KeyValueCache::select_rows_in_place) instead of copied whole.
// The order of a sentence's hypotheses is otherwise free: candidates are ranked afresh at each
// step by score, then by row (an exact tie of two hypotheses' scores may so end differently).
void keep_parents_rows(std::vector<Live>& children, std::vector<std::int32_t>& parents, std::size_t first_row) {
  const std::size_t n = children.size();
  std::vector<std::size_t> place(n, n);
  std::vector<bool> taken(n, false);
  for (std::size_t c = 0; c < n; ++c) {
    const std::size_t parent = static_cast<std::size_t>(parents[c]) - first_row;
    if (parent < n && !taken[parent]) {
      place[c] = parent;
      taken[parent] = true;
    }
  }
  std::size_t free = 0;
  for (std::size_t c = 0; c < n; ++c) {
    if (place[c] != n) continue;
    while (taken[free]) ++free;
    place[c] = free;
    taken[free] = true;
  }
  std::vector<Live> placed_children(n);
  std::vector<std::int32_t> placed_parents(n);
  for (std::size_t c = 0; c < n; ++c) {
    placed_children[place[c]] = std::move(children[c]);
    placed_parents[place[c]] = parents[c];
  }
  children = std::move(placed_children);
  parents = std::move(placed_parents);
}

}  // namespace

std::vector<std::vector<Hypothesis>> beam_search(const models::Seq2SeqModel& model, const data::Batch& sources,
                                                 const BeamOptions& options) {
  if (options.beam_size < 1) throw std::invalid_argument("beam search: the beam size must be at least 1");
  if (options.n_best < 1 || options.n_best > options.beam_size)
    throw std::invalid_argument("beam search: n-best must be between 1 and the beam size (" +
                                std::to_string(options.beam_size) + ")");
  const std::size_t k = static_cast<std::size_t>(options.beam_size);
  std::vector<Sentence> sentences(sources.rows);
  for (std::size_t r = 0; r < sources.rows; ++r) {
    sentences[r].row = r;
    sentences[r].first_row = r;
    sentences[r].max_length =
        static_cast<std::int64_t>(std::ceil(options.max_length_ratio * sources.source_lengths[r])) + 10;
    if (options.max_length > 0) sentences[r].max_length = std::min(sentences[r].max_length, options.max_length);
    sentences[r].live.resize(1);  // the empty hypothesis; the beam fills from the first step
  }
  // The sections of a profile (graph/profiler.h; bench-translate --profile).
  const auto encoded = [&] {
    const graph::ProfileSection section("source encoding");
    return model.encode(sources);
  }();
  std::optional<graph::ProfileSection> reordering(std::in_place, "reordering rows");
  auto state = model.start(*encoded);
  state->return_attention = options.attention;
  std::unique_ptr<models::EncodedSource> current;  // the encodings of the state's rows
  reordering.reset();
  std::vector<std::size_t> open(sources.rows);
  std::iota(open.begin(), open.end(), 0);
  // The rows of the decoder state: each open sentence's live hypotheses in consecutive rows from
  // its first_row; between and after them rows of no live hypothesis (their outputs are not
  // read): a finished sentence's rows, and copies of the last row that pad the count (see
  // padded_rows). The sentence of each row (for a row of none, the last it had): a row's
  // encoding depends on its sentence alone, so while the rows' sentences stay where they are,
  // the encodings need no reordering.
  std::size_t state_rows = sources.rows;
  std::vector<std::size_t> row_sentences = open;
  {
    std::vector<std::int32_t> rows(sources.rows);
    std::iota(rows.begin(), rows.end(), 0);
    const graph::ProfileSection section("reordering rows");
    current = encoded->select_rows(rows);
  }
  std::vector<std::vector<Candidate>> candidates(sources.rows);

  for (std::int64_t t = 0; !open.empty(); ++t) {
    // Rows of no live hypothesis read any token (EOS).
    std::vector<std::int32_t> previous(state_rows, data::kEosId);
    for (std::size_t s : open)
      for (std::size_t i = 0; i < sentences[s].live.size(); ++i) {
        const Live& h = sentences[s].live[i];
        previous[sentences[s].first_row + i] = h.tokens.empty() ? data::kBosId : h.tokens.back();
      }
    const models::StepResult step = [&] {
      const graph::ProfileSection section("decoder step (other)");
      return model.step(*current, *state, previous);
    }();
    std::optional<graph::ProfileSection> bookkeeping(std::in_place, "top-k and beam bookkeeping");
    const std::int64_t vocab = step.log_probs.dim(1);
    const std::int64_t source_width = step.attention.defined() ? step.attention.dim(1) : 0;

    // The best 2k extensions of each open sentence's rows (k of them may end in EOS); the
    // sentences apart, on all threads.
    const auto open_count = static_cast<std::int64_t>(open.size());
#pragma omp parallel for schedule(dynamic, 1) if (open_count > 1)
    for (std::int64_t o = 0; o < open_count; ++o) {
      const Sentence& sentence = sentences[open[static_cast<std::size_t>(o)]];
      const std::size_t keep = std::min(sentence.live.size() * static_cast<std::size_t>(vocab), 2 * k);
      best_extensions(step.log_probs.data() + sentence.first_row * static_cast<std::size_t>(vocab), vocab,
                      sentence.live, keep, candidates[static_cast<std::size_t>(o)]);
    }

    std::vector<std::size_t> still_open;
    std::vector<std::vector<Live>> next_live;             // per sentence of still_open
    std::vector<std::vector<std::int32_t>> next_parents;  // their parents' rows
    bool blocks_fit = true;  // every sentence left has no more live hypotheses than rows now
    std::size_t live_rows = 0;
    for (std::size_t o = 0; o < open.size(); ++o) {
      Sentence& sentence = sentences[open[o]];
      const bool last_step = t + 1 >= sentence.max_length;
      std::vector<Live> extended;
      std::vector<std::int32_t> parents;
      for (const Candidate& cand : candidates[o]) {
        if (extended.size() >= k) break;
        Live h;
        const Live& parent = sentence.live[cand.beam];
        const std::size_t parent_row = sentence.first_row + cand.beam;
        h.tokens = parent.tokens;
        h.log_probability = cand.log_probability;
        if (options.attention && source_width > 0) {
          h.attention = parent.attention;
          const float* a = step.attention.data() + parent_row * static_cast<std::size_t>(source_width);
          h.attention.emplace_back(a, a + source_width);
        }
        if (cand.token == data::kEosId) {
          if (sentence.finished.size() < k) sentence.finished.push_back(finish(h, true, options.length_penalty));
          continue;
        }
        h.tokens.push_back(cand.token);
        if (last_step) {
          if (sentence.finished.size() < k) sentence.finished.push_back(finish(h, false, options.length_penalty));
          continue;
        }
        extended.push_back(std::move(h));
        parents.push_back(static_cast<std::int32_t>(parent_row));
      }
      if (sentence.finished.size() >= k || extended.empty()) {
        sentence.open = false;
        continue;
      }
      keep_parents_rows(extended, parents, sentence.first_row);
      blocks_fit = blocks_fit && extended.size() <= sentence.live.size();
      live_rows += extended.size();
      next_live.push_back(std::move(extended));
      next_parents.push_back(std::move(parents));
      still_open.push_back(open[o]);
    }
    bookkeeping.reset();
    if (still_open.empty()) break;

    const graph::ProfileSection section("reordering rows");
    // The rows of the next step. While each sentence's hypotheses fit in its rows and packing
    // them would not cut the rows by a quarter (pack_rows), every sentence keeps its rows: the
    // state changes only where a hypothesis is not its parent's first child, and a finished
    // sentence's rows stay, unread, until the rows are packed. Otherwise the open sentences'
    // hypotheses are packed into consecutive rows.
    std::vector<std::int32_t> next_rows;
    if (blocks_fit && !pack_rows(live_rows, state_rows)) {
      next_rows.resize(state_rows);
      std::iota(next_rows.begin(), next_rows.end(), 0);
      for (std::size_t o = 0; o < still_open.size(); ++o)
        std::copy(next_parents[o].begin(), next_parents[o].end(),
                  next_rows.begin() + static_cast<std::ptrdiff_t>(sentences[still_open[o]].first_row));
    } else {
      for (std::size_t o = 0; o < still_open.size(); ++o) {
        sentences[still_open[o]].first_row = next_rows.size();
        next_rows.insert(next_rows.end(), next_parents[o].begin(), next_parents[o].end());
      }
      pad_rows(next_rows);
    }
    for (std::size_t o = 0; o < still_open.size(); ++o) sentences[still_open[o]].live = std::move(next_live[o]);
    bool same_rows = next_rows.size() == state_rows;  // each row extends the row it was: greedy's usual case
    for (std::size_t r = 0; same_rows && r < next_rows.size(); ++r)
      same_rows = next_rows[r] == static_cast<std::int32_t>(r);
    if (!same_rows) {
      const graph::ProfileSection cache("reordering rows: decoder state");
      state->select_rows(next_rows);
    }
    std::vector<std::size_t> next_sentences;
    for (const std::int32_t r : next_rows) next_sentences.push_back(row_sentences[static_cast<std::size_t>(r)]);
    if (next_sentences != row_sentences) {
      const graph::ProfileSection encodings("reordering rows: source encodings");
      current = current->select_rows(next_rows);
    }
    row_sentences = std::move(next_sentences);
    state_rows = next_rows.size();
    open = std::move(still_open);
  }

  std::vector<std::vector<Hypothesis>> out(sources.rows);
  for (Sentence& sentence : sentences) {
    auto& f = sentence.finished;
    std::stable_sort(f.begin(), f.end(), [](const Hypothesis& a, const Hypothesis& b) { return a.score > b.score; });
    if (f.size() > static_cast<std::size_t>(options.n_best)) f.resize(options.n_best);
    out[sentence.row] = std::move(f);
  }
  return out;
}

}  // namespace nmt::decode
