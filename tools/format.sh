#!/usr/bin/env bash
# tools/format.sh [--check]: formats every C++ file of the repository with clang-format and the
# repository's .clang-format; --check changes nothing and fails, listing the files, when one
# is not formatted (the suite runs it as the test format.tree-is-formatted).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format > /dev/null || { echo "format.sh: clang-format is missing: run tools/install-deps.sh" >&2; exit 2; }
mapfile -t files < <(git ls-files '*.cpp' '*.h' 2> /dev/null || find nmt tools tests bench -name '*.cpp' -o -name '*.h')
if [ "${1:-}" = "--check" ]; then
  unformatted=()
  for f in "${files[@]}"; do
    clang-format --style=file "$f" | cmp -s - "$f" || unformatted+=("$f")
  done
  if [ "${#unformatted[@]}" -gt 0 ]; then
    printf 'not formatted (run tools/format.sh): %s\n' "${unformatted[@]}" >&2
    exit 1
  fi
  echo "format.sh: ${#files[@]} files formatted"
else
  clang-format --style=file -i "${files[@]}"
fi
