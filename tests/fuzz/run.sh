#!/usr/bin/env bash
# Fuzzes the recipe reader and the model/checkpoint reader with libFuzzer for SECONDS each.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]      (default 60 s; targets: recipe model, both at once)
#   tests/fuzz/run.sh 0                          (no fuzzing: the summary of the corpus there is)
#
# Installs clang and its libFuzzer runtime if they are missing, configures and builds
# build/fuzz (clang, -DNMT_FUZZ=ON: libFuzzer + AddressSanitizer + UndefinedBehaviorSanitizer),
# then runs the targets side by side, each in one process (libFuzzer's -fork=1 with
# -ignore_crashes=1, so a run lasts SECONDS whatever it finds). Each target's corpus grows in
# build/fuzz/corpus/<target> (kept between runs, not in git); what crashes is saved as
# build/fuzz/artifacts/<target>/crash-*; the log is build/fuzz/logs/<target>.log. At the end a
# summary per target: executions, exec/s, crashes, coverage (libFuzzer's cov and ft counts),
# corpus size, and the share of instrumented edges and functions covered in nmt/.
#
# Environment: BUILD_PREFIX (prefix for build commands, e.g. "flock /tmp/cpu.lock nice -n 10"),
# FUZZ_NICE (niceness of the fuzzers, default 19), FUZZ_JOBS (build parallelism, default nproc),
# FUZZ_ARGS (more libFuzzer flags), FUZZ_LINE_COVERAGE=1 (also line coverage from a third build,
# build/fuzz-coverage, with llvm-cov), NMT_FUZZ_KNOWN (default tests/fuzz/known-findings.txt: reported,
# unfixed findings the targets let pass, see README.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(recipe model)
for t in "${targets[@]}"; do
  case $t in recipe | model) ;; *) echo "run.sh: unknown target '$t' (recipe, model)" >&2; exit 2 ;; esac
done
if ! [[ $seconds =~ ^[0-9]+$ ]]; then
  echo "run.sh: SECONDS must be a whole number, not '$seconds'" >&2
  exit 2
fi
build=$root/build/fuzz
prefix=${BUILD_PREFIX:-}
jobs=${FUZZ_JOBS:-$(nproc)}
known=${NMT_FUZZ_KNOWN-$root/tests/fuzz/known-findings.txt}

# 1. clang and the libFuzzer runtime.
missing=()
for package in clang libclang-rt-14-dev llvm; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get install -y "${missing[@]}"
fi

# 2. The instrumented build. -O1 -g: fast enough, quick to compile, line numbers in reports.
if [ ! -f "$build/CMakeCache.txt" ]; then
  echo "== configuring $build"
  $prefix cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DNMT_FUZZ=ON -DNMT_BUILD_BENCH=OFF
fi
echo "== building the fuzz targets"
build_targets=(fuzz_seeds)
for t in "${targets[@]}"; do build_targets+=("${t}_fuzz"); done
$prefix cmake --build "$build" -j "$jobs" --target "${build_targets[@]}"

# 3. Seeds and dictionaries, then the runs, side by side.
export OMP_NUM_THREADS=1
# Sanitizers: stop at the first report, with a stack that names files and lines.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:dedup_token_length=3:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:dedup_token_length=3}
if [ -n "$known" ]; then export NMT_FUZZ_KNOWN=$known; fi
mkdir -p "$build/logs"
pids=()
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t" "$build/artifacts/$t"
  "$build/bin/fuzz_seeds" dictionary "$t" >"$build/$t.dict"
  log=$build/logs/$t.log
  [ "$seconds" -gt 0 ] || continue
  echo "== fuzzing $t for $seconds s (log: ${log#"$root"/})"
  # shellcheck disable=SC2086  # FUZZ_ARGS is a list of flags
  nice -n "${FUZZ_NICE:-19}" "$build/bin/${t}_fuzz" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 -max_len=65536 -dict="$build/$t.dict" \
    -artifact_prefix="$build/artifacts/$t/" ${FUZZ_ARGS:-} \
    "$build/corpus/$t" "$root/tests/fuzz/corpus/$t" "$root/tests/fuzz/regressions/$t" >"$log" 2>&1 &
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=$?; done
# model_fuzz reads each input from /dev/shm/nmt-model-fuzz-PID; the jobs libFuzzer killed (at the
# end, or for a crash) leave theirs behind.
for f in /dev/shm/nmt-model-fuzz-* "${TMPDIR:-/tmp}"/nmt-model-fuzz-*; do
  if [ -e "$f" ] && ! kill -0 "${f##*-}" 2>/dev/null; then rm -f "$f"; fi
done

# 4. Coverage of the grown corpus: libFuzzer's -print_coverage=1 lists the instrumented edges
# of every function, covered or not; counted here for the functions of nmt/.
summary() {
  local t=$1 log=$build/logs/$1.log cov=$build/logs/$1.coverage
  local last execs rate crashes corpus
  last=$(grep -E '^#[0-9]+: cov: ' "$log" | tail -1 || true)
  execs=$(sed -E 's/^#([0-9]+):.*/\1/' <<<"$last")
  rate=$(sed -E 's/.*exec\/s:? ([0-9]+).*/\1/' <<<"$last")  # the last job's
  elapsed=$(sed -E 's/.* time: ([0-9]+)s.*/\1/' <<<"$last")
  crashes=$(find "$build/artifacts/$t" -name 'crash-*' | wc -l)
  corpus=$(find "$build/corpus/$t" -type f | wc -l)
  "$build/bin/${t}_fuzz" -runs=0 -print_coverage=1 -rss_limit_mb=2048 -max_len=65536 "$build/corpus/$t" >"$cov" 2>&1 || true
  echo "== $t"
  echo "  last status:  ${last:-(none: see $log)}"
  echo "  executions:   ${execs:-?} in ${elapsed:-?} s: $(( ${execs:-0} / ${elapsed:-1} )) exec/s on average (${rate:-?} in the last job)"
  echo "  crashes:      $crashes new artifact(s) in build/fuzz/artifacts/$t/ (fork-mode count: $(sed -E 's/.*crash: [0-9]+\/[0-9]+\/([0-9]+).*/\1/' <<<"$last"))"
  echo "  corpus:       $corpus inputs in build/fuzz/corpus/$t/ ($(du -sh "$build/corpus/$t" | cut -f1))"
  echo "  known:        $(grep -o "known finding met: .*" "$cov" | sort -u | wc -l) known finding(s) of known-findings.txt met by the corpus"
  # Lines: "COVERED_FUNC: hits: N edges: C/T NAME FILE:LINE" (or UNCOVERED_FUNC, C = 0).
  awk -v root="$root/" '
    /^(UN)?COVERED_FUNC: / {
      file = $NF; sub(/:[0-9]+$/, "", file); sub(root, "", file)
      if (file !~ /^nmt\//) next
      split($0, e, " edges: "); split(e[2], ce, "[/ ]")
      edges_hit[file] += ce[1]; edges[file] += ce[2]; funcs[file]++
      if ($1 == "COVERED_FUNC:") funcs_hit[file]++
    }
    END {
      for (f in funcs) { nf += funcs[f]; nh += funcs_hit[f]; te += edges[f]; he += edges_hit[f] }
      if (nf == 0) { print "  coverage:     (no -print_coverage output)"; exit }
      printf "  coverage:     nmt/: %d of %d instrumented edges (%.1f%%), %d of %d functions\n", he, te, 100 * he / te, nh, nf
      for (f in funcs) if (f ~ /^nmt\/(io\/|graph\/tensor_io|graph\/parameters|models\/saved_model|train\/optimizer)/)
        printf "                %-32s %4d of %4d edges (%3.0f%%), %2d of %2d functions\n", f, edges_hit[f], edges[f],
               edges[f] ? 100 * edges_hit[f] / edges[f] : 0, funcs_hit[f], funcs[f]
    }' "$cov"
}
# 5. With FUZZ_LINE_COVERAGE=1: source-based line coverage of the grown corpus (and the seeds), from
# a third build (build/fuzz-coverage: clang -fprofile-instr-generate -fcoverage-mapping) of the
# replay programs: llvm-cov's table for the readers' files.
line_coverage() {
  local t=$1 cb=$root/build/fuzz-coverage
  LLVM_PROFILE_FILE=$cb/$t.profraw nice -n "${FUZZ_NICE:-19}" "$cb/bin/${t}_fuzz_replay" "$build/corpus/$t" \
    "$root/tests/fuzz/corpus/$t" "$root/tests/fuzz/regressions/$t" >/dev/null 2>"$build/logs/$t.line-coverage.log" ||
    echo "  (the replay stopped early: see build/fuzz/logs/$t.line-coverage.log)"
  llvm-profdata merge -sparse -o "$cb/$t.profdata" "$cb/$t.profraw"
  echo "  line coverage (llvm-cov report, build/fuzz-coverage):"
  llvm-cov report "$cb/bin/${t}_fuzz_replay" -instr-profile="$cb/$t.profdata" \
    "$root"/nmt/io/recipe.cpp "$root"/nmt/io/section_file.cpp "$root"/nmt/graph/tensor_io.cpp \
    "$root"/nmt/graph/parameters.cpp "$root"/nmt/models/saved_model.cpp "$root"/nmt/train/optimizer.cpp |
    sed -e "s|$root/||" -e 's/^/    /' | grep -v -- '^    ---'
}
if [ "${FUZZ_LINE_COVERAGE:-0}" = 1 ]; then
  cb=$root/build/fuzz-coverage
  if [ ! -f "$cb/CMakeCache.txt" ]; then
    $prefix cmake -S . -B "$cb" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
      -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DCMAKE_CXX_FLAGS="-fprofile-instr-generate -fcoverage-mapping" \
      -DCMAKE_EXE_LINKER_FLAGS="-fprofile-instr-generate" -DNMT_BUILD_BENCH=OFF >/dev/null
  fi
  replays=()
  for t in "${targets[@]}"; do replays+=("${t}_fuzz_replay"); done
  $prefix cmake --build "$cb" -j "$jobs" --target "${replays[@]}" >/dev/null
fi
for t in "${targets[@]}"; do
  summary "$t"
  if [ "${FUZZ_LINE_COVERAGE:-0}" = 1 ]; then line_coverage "$t"; fi
done
exit $status
