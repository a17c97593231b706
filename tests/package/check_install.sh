#!/usr/bin/env bash
# The installed package as a user meets it: `cmake --install` into a temporary prefix; the
# README's C++ example ("Use it from C++") built against it with find_package(nmt); the README's
# Python example run by the interpreter the module was built for, from the prefix. Both must
# print what the installed nmt-translate prints for the same options, and the BLEU nmt-bleu gives.
#
#   check_install.sh SOURCE_DIR BUILD_DIR PYTHON   (PYTHON empty: built without the module)
set -euo pipefail
src=$1 build=$2 python=${3:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/nmt-install-XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "check_install: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
prefix=$work/prefix
[ -f "$prefix/lib/cmake/nmt/nmtConfig.cmake" ] || fail "no lib/cmake/nmt/nmtConfig.cmake in the prefix"

# The block of the README that follows "<!-- example: NAME -->", without its fences.
example() {
  awk -v marker="<!-- example: $1 -->" '
    $0 == marker { found = 1; next }
    found == 1 && /^```/ { found = 2; next }
    found == 2 && /^```/ { exit }
    found == 2 { print }' "$src/README.md"
}

# A model that translates (the tiny recipe, nearly memorised) and text to translate.
settings=()
while read -r line; do
  case $line in '#'* | '') ;; *) settings+=(--set "$line") ;; esac
done < "$src/tests/data/tiny/near-memorised.settings"
(cd "$src" && "$prefix/bin/nmt-train" recipes/tiny.yaml --set "output.directory=$work/run" "${settings[@]}") \
  > "$work/train.log" 2>&1 || { cat "$work/train.log" >&2; fail "nmt-train failed"; }
model=$work/run/model.nmt
head -n 12 "$src/tests/data/tiny/train.en" > "$work/source.en"
head -n 12 "$src/tests/data/tiny/train.fr" > "$work/reference.fr"
"$prefix/bin/nmt-translate" -q -m "$model" --beam-size 5 < "$work/source.en" > "$work/expected.fr"
bleu=$("$prefix/bin/nmt-bleu" "$work/reference.fr" -i "$work/expected.fr" -b -w 2)
[ "$(grep -c . "$work/expected.fr")" -ge 10 ] || fail "the tiny model translated fewer than 10 of 12 lines"

# C++: the README's translate.cpp and CMakeLists.txt, configured against the prefix alone.
mkdir "$work/consumer"
example translate.cpp > "$work/consumer/translate.cpp"
example CMakeLists.txt > "$work/consumer/CMakeLists.txt"
[ -s "$work/consumer/translate.cpp" ] && [ -s "$work/consumer/CMakeLists.txt" ] || fail "README examples not found"
cmake -S "$work/consumer" -B "$work/consumer/build" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
  > "$work/consumer.log" 2>&1 || { cat "$work/consumer.log" >&2; fail "configuring the C++ example failed"; }
cmake --build "$work/consumer/build" >> "$work/consumer.log" 2>&1 ||
  { cat "$work/consumer.log" >&2; fail "building the C++ example failed"; }
"$work/consumer/build/translate" "$model" "$work/reference.fr" < "$work/source.en" > "$work/cpp.fr" 2> "$work/cpp.err" ||
  { cat "$work/cpp.err" >&2; fail "the C++ example failed"; }
cmp "$work/expected.fr" "$work/cpp.fr" || fail "the C++ example's translations differ from nmt-translate's"
cpp_bleu=$(sed -n 's/^BLEU //p' "$work/cpp.err")
awk -v a="$cpp_bleu" -v b="$bleu" 'BEGIN { exit !(sprintf("%.2f", a) == b) }' ||
  fail "the C++ example's BLEU $cpp_bleu is not nmt-bleu's $bleu"
echo "check_install: C++ example: $(wc -l < "$work/cpp.fr") lines as nmt-translate, BLEU $cpp_bleu (nmt-bleu $bleu)"

# Python: the README's translate.py, with the module from the prefix only.
if [ -n "$python" ]; then
  example translate.py > "$work/translate.py"
  site=$("$python" -c 'import sys; print(f"lib/python{sys.version_info[0]}.{sys.version_info[1]}/dist-packages")')
  [ -n "$(ls "$prefix/$site"/nmt*.so 2> /dev/null)" ] || fail "no Python module in $prefix/$site"
  (cd "$work" && PYTHONPATH="$prefix/$site" "$python" -c 'import nmt, sys; sys.exit(not nmt.__file__.startswith(sys.argv[1]))' "$prefix") ||
    fail "import nmt did not load the installed module"
  PYTHONPATH="$prefix/$site" "$python" "$work/translate.py" "$model" "$work/reference.fr" < "$work/source.en" \
    > "$work/python.fr" 2> "$work/python.err" || { cat "$work/python.err" >&2; fail "the Python example failed"; }
  cmp "$work/expected.fr" "$work/python.fr" || fail "the Python example's translations differ from nmt-translate's"
  python_bleu=$(sed -n 's/^BLEU //p' "$work/python.err")
  awk -v a="$python_bleu" -v b="$bleu" 'BEGIN { exit !(sprintf("%.2f", a) == b) }' ||
    fail "the Python example's BLEU $python_bleu is not nmt-bleu's $bleu"
  [ "$(grep -c '^-[0-9.]* ' "$work/python.err")" -eq 2 ] || fail "the Python example did not print two scored hypotheses"
  echo "check_install: Python example: the same lines, BLEU $python_bleu"
fi
echo "check_install: passed"
