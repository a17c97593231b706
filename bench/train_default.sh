#!/usr/bin/env bash
# bench/train_default.sh: the default recipe trained for 30 minutes of wall time on 2 cores,
# with the test split translated and scored (sacreBLEU-compatible BLEU) after 12 and after
# 30 minutes. Training stops at 12 minutes, is scored, and resumes to 30 minutes; resumption is
# exact, so the second score is that of an uninterrupted 30-minute run.
#
#   bash bench/train_default.sh [RUN_DIRECTORY] [RECIPE] [NMT-TRAIN OPTION]...
#
# RUN_DIRECTORY defaults to runs/bench-default and RECIPE to recipes/en-fr.yaml (pass, say,
# recipes/en-fr-transformer.yaml to measure another recipe the same way); further arguments go
# to nmt-train (e.g. --set training.precision=bf16). NMT_BENCH_MINUTES="12" stops after the
# 12-minute score (default "12 30"). Run it on an idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
run=${1:-runs/bench-default}
recipe=${2:-recipes/en-fr.yaml}
shift $(( $# < 2 ? $# : 2 ))
minutes_list=${NMT_BENCH_MINUTES:-12 30}
bin=build/release/bin
[ -x "$bin/nmt-train" ] || { echo "build first: cmake -S . -B build/release -G Ninja && cmake --build build/release" >&2; exit 2; }
rm -rf "$run"
mkdir -p "$(dirname "$run")"
uptime
for minutes in $minutes_list; do
  "$bin/nmt-train" "$recipe" --set output.directory="$run" --set training.max_time="${minutes}m" "$@" \
    > "$run.$minutes.out" 2> "$run.$minutes.err" || { cat "$run.$minutes.err" >&2; exit 1; }
  cp "$run/test.scores.json" "$run/test.scores.${minutes}m.json"
  cp "$run/test.hyp" "$run/test.${minutes}m.hyp"
  [ "$minutes" != 12 ] || grep -m1 "cpu: " "$run/train.log"
  echo "after $minutes minutes: $(grep -E '^test BLEU' "$run.$minutes.out")"
  echo "  $(grep -o 'stopped at step.*' "$run/train.log" | tail -1)"
done
# Throughput over the whole run, from the metrics log.
# (plain awk: a fresh Debian has no Python, and the project needs none)
grep '"event":"train"' "$run/metrics.jsonl" | awk '
  { step = $0; sub(/.*"step":/, "", step); sub(/[,}].*/, "", step)
    tps = $0; sub(/.*"tokens_per_second":/, "", tps); sub(/[,}].*/, "", tps)
    total += tps; n++; last = step }
  END { printf "updates %d, mean target tokens/s %.0f\n", last, total / n }'
# Beam search on the last model, as nmt-translate runs it.
zcat corpora/en-fr/test.en.gz > "$run/test.en"
zcat corpora/en-fr/test.fr.gz > "$run/test.fr"
start=$(date +%s%N)
"$bin/nmt-translate" -m "$run/model.nmt" -i "$run/test.en" -o "$run/test.beam5.hyp" --beam-size 5
end=$(date +%s%N)
echo "beam 5: $("$bin/nmt-bleu" "$run/test.fr" -i "$run/test.beam5.hyp" -f text) ($(( (end - start) / 1000000 )) ms for 1000 sentences)"
uptime
