#!/usr/bin/env bash
# bench/distributed.sh: data-parallel training on this machine (issue 18). Trains a recipe
# (default: the default recipe, recipes/en-fr.yaml) from scratch for MINUTES of training time
# (default 4) twice, without validation: one process with 2 threads, then `mpirun -np 2` with
# one thread per process; prints for each the target tokens/s (of the whole run, every
# process's share together) in the first minute and after it, the updates made, the resident
# memory of process 0, and for the second, per update, the time and bytes of the gradient sum
# (MPI_Allreduce, with the copies into and out of its buffer) and the time each process waited
# for the slower one to finish its share; then the ratio of the two speeds.
#
#   bash bench/distributed.sh [MINUTES] [RECIPE]
#
# Run it on an otherwise idle machine (check `uptime`); the figures name the CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-4}
recipe=${2:-recipes/en-fr.yaml}
bin=build/release/bin
[ -x "$bin/nmt-train" ] || { echo "build first: cmake -S . -B build/release -G Ninja && cmake --build build/release" >&2; exit 2; }
command -v mpirun > /dev/null || { echo "mpirun not found: bash tools/install-deps.sh installs Open MPI" >&2; exit 2; }
runs=build/distributed
rm -rf "$runs"
mkdir -p "$runs"
# Loopback and shared memory only; root is allowed (these machines run as root).
mpirun=(mpirun --allow-run-as-root --mca btl self,vader --mca oob_tcp_if_include lo)
settings=(--quiet --set training.max_time="${minutes}m" --set data.dev_source= --set data.dev_target=
          --set output.translate_test=false --set training.log_every=10)
echo "load before: $(uptime)"
"$bin/nmt-train" "$recipe" "${settings[@]}" --set output.directory="$runs/one" --set training.threads=2 \
  > "$runs/one.out" 2>&1 || { cat "$runs/one.out" >&2; exit 1; }
"${mpirun[@]}" -np 2 "$bin/nmt-train" "$recipe" "${settings[@]}" --set output.directory="$runs/two" \
  --set training.threads=1 > "$runs/two.out" 2>&1 || { cat "$runs/two.out" >&2; exit 1; }
grep -m1 "cpu: " "$runs/one/train.log"
grep -m1 "data-parallel: " "$runs/two/train.log"
# Per run, from the train records of metrics.jsonl (plain awk: no Python needed).
summary() {
  grep '"event":"train"' "$1/metrics.jsonl" | awk -v name="$2" '
    function field(key,   v) { v = $0; if (!sub(".*\"" key "\":", "", v)) return -1; sub(/[,}].*/, "", v); return v + 0 }
    { t = field("time"); dt = t - last; last = t; tps = field("tokens_per_second")
      if (t <= 60) { first_tokens += tps * dt; first_seconds += dt } else { tokens += tps * dt; seconds += dt }
      steps = field("step"); rss = field("resident_mib"); if (rss > peak) peak = rss
      a = field("allreduce_seconds_per_step")
      if (a >= 0) { allreduce += a; wait += field("wait_seconds_per_step"); records++; mib = field("allreduce_mib_per_step") } }
    END { printf "%-22s %8d updates, tgt tok/s first minute %6.0f, after it %6.0f; resident (process 0) up to %5.0f MiB",
                 name, steps, first_tokens / first_seconds, tokens / seconds, peak
          if (records > 0) printf "; per update: gradient sum %.1f ms (%.1f MiB), waiting for the slower process %.1f ms",
                                  1000 * allreduce / records, mib, 1000 * wait / records
          printf "\n"; print tokens / seconds > "'"$runs"'/" name ".tps" }'
}
summary "$runs/one" "1 process x 2 threads"
summary "$runs/two" "2 processes x 1 thread"
one=$(cat "$runs/1 process x 2 threads.tps")
two=$(cat "$runs/2 processes x 1 thread.tps")
awk -v a="$one" -v b="$two" 'BEGIN { printf "2 processes x 1 thread / 1 process x 2 threads: %.2f (after the first minute)\n", b / a }'
echo "load after: $(uptime)"
