#!/usr/bin/env bash
# bench/cold_start.sh: what the first minutes of a training run look like (issue 15). Trains a
# recipe (default: the default recipe, recipes/en-fr.yaml) from scratch for MINUTES of training
# time (default 6) without validation, and prints for each minute of training time: updates,
# target tokens/s, resident memory at its end and its peak, oneDNN primitives created and
# dropped and the seconds spent creating them, and buffers taken from the system; then the
# steady-state figure of bench-train-transformer for the same model and batch size. With
# --busy, one CPU-bound process (`yes > /dev/null`) runs beside both, as a browser or a build
# would.
#
#   bash bench/cold_start.sh [--busy] [MINUTES] [RECIPE]
#
# Run it on an otherwise idle machine (check `uptime`); the figures name the CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
busy=0
if [ "${1:-}" = "--busy" ]; then busy=1; shift; fi
minutes=${1:-6}
recipe=${2:-recipes/en-fr.yaml}
bin=build/release/bin
[ -x "$bin/nmt-train" ] || { echo "build first: cmake -S . -B build/release -G Ninja && cmake --build build/release" >&2; exit 2; }
run=build/cold_start/run
rm -rf "$run"
mkdir -p "$(dirname "$run")"
hog=
if [ "$busy" = 1 ]; then
  yes > /dev/null &
  hog=$!
  trap 'kill "$hog" 2>/dev/null || true' EXIT
  echo "busy: one CPU-bound process (yes, pid $hog) runs beside the benchmark"
fi
echo "load before: $(uptime)"
"$bin/nmt-train" "$recipe" --quiet --set output.directory="$run" --set training.max_time="${minutes}m" \
  --set data.dev_source= --set data.dev_target= --set output.translate_test=false --set training.log_every=10 \
  > "$run.out" 2> "$run.err" || { cat "$run.err" >&2; exit 1; }
grep -m1 "cpu: " "$run/train.log"
# Per minute of training time, from the train records (plain awk: no Python needed).
grep '"event":"train"' "$run/metrics.jsonl" | awk '
  function field(name,   v) { v = $0; if (!sub(".*\"" name "\":", "", v)) return -1; sub(/[,}].*/, "", v); return v + 0 }
  BEGIN { printf "%6s %8s %12s %12s %12s %11s %11s %12s %12s\n", "minute", "updates", "tgt tok/s", "RSS end MiB",
          "RSS peak MiB", "primitives", "evicted", "creation s", "allocations" }
  { t = field("time"); m = int(t / 60); dt = t - last_time; last_time = t
    step = field("step"); tps = field("tokens_per_second"); rss = field("resident_mib")
    if (!(m in seen)) { seen[m] = 1; order[++n] = m; first_step[m] = prev_step
                        first_prim[m] = prev_prim; first_evict[m] = prev_evict; first_alloc[m] = prev_alloc
                        first_create[m] = prev_create }
    tokens[m] += tps * dt; seconds[m] += dt; end_step[m] = step; end_rss[m] = rss
    if (rss > peak[m]) peak[m] = rss
    prim[m] = field("primitives_created"); evict[m] = field("primitives_evicted"); alloc[m] = field("pool_system_allocations")
    create[m] = field("primitive_creation_seconds")
    prev_step = step; prev_prim = prim[m]; prev_evict = evict[m]; prev_alloc = alloc[m]; prev_create = create[m] }
  END { for (i = 1; i <= n; i++) { m = order[i]
          printf "%6d %8d %12.0f %12.0f %12.0f %11d %11d %12.2f %12d\n", m + 1, end_step[m] - first_step[m],
                 tokens[m] / seconds[m], end_rss[m], peak[m], prim[m] - first_prim[m], evict[m] - first_evict[m],
                 create[m] - first_create[m], alloc[m] - first_alloc[m] }
        first = tokens[order[1]] / seconds[order[1]]
        total_tokens = 0; total_seconds = 0
        for (i = 2; i <= n; i++) { total_tokens += tokens[order[i]]; total_seconds += seconds[order[i]] }
        if (total_seconds > 0) printf "first minute: %.0f%% of the rest of the run (%.0f tok/s)\n",
                                      100 * first / (total_tokens / total_seconds), total_tokens / total_seconds }'
# The steady-state benchmark of the same model: bench-train-rnn for an RNN recipe (its attention
# type read from the recipe), else bench-train-transformer.
attention=$(sed -n 's/^ *attention: *\([a-z-]*\).*/\1/p' "$recipe" | head -1)
if grep -q '^ *type: *rnn' "$recipe"; then
  echo "steady state (bench-train-rnn --attention $attention: its own sizes, encoder 256 per direction; 2 threads, 2000 target tokens per batch):"
  "$bin/bench-train-rnn" --steps 60 --attention "$attention" | tail -3
else
  echo "steady state (bench-train-transformer, 2 threads, 2000 target tokens per batch):"
  "$bin/bench-train-transformer" --steps 60 | tail -4
fi
echo "load after: $(uptime)"
