#!/usr/bin/env bash
# Builds an English-to-LANG parallel corpus from Debian's LibreOffice help packages, or
# with --apps a labelled corpus for sentence classification from the English help alone.
#
#   corpora/build-libreoffice-help.sh [--check] [--debs DIR] [LANG | --apps]
#
# LANG is the suffix of a libreoffice-help-LANG package (fr, de, es, pt-br, ...; default
# fr). Writes corpora/en-LANG/{train,dev,test}.{en,LANG}.gz, SHA256SUMS, PACKAGES and
# README.md; with --apps, corpora/help-apps/{train,dev,test}.{en,label}.gz (each English
# paragraph and the application whose help it is in) and the same three. With --check, builds into a temporary directory instead and compares with the
# committed SHA256SUMS (exit status 1 on any difference). With --debs DIR, takes the .deb
# files from DIR (e.g. older versions fetched from a Debian snapshot archive) instead of
# downloading the archive's current ones.
#
# Needs apt-get (for the download), dpkg-deb, sha256sum and Debian's /usr/bin/python3 with
# its standard library only; the pairing and splitting are in libreoffice_help.py, the
# labelling in libreoffice_help_apps.py.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
check=0
debs_dir=""
lang=fr
apps=0
while [ $# -gt 0 ]; do
  case "$1" in
    --check) check=1 ;;
    --apps) apps=1 ;;
    --debs) [ $# -ge 2 ] || { echo "build-libreoffice-help: --debs needs a directory" >&2; exit 2; }
            debs_dir=$(cd "$2" && pwd); shift ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "build-libreoffice-help: unknown option $1" >&2; exit 2 ;;
    *) lang=$1 ;;
  esac
  shift
done
case "$lang" in
  *[!a-z-]*|"") echo "build-libreoffice-help: LANG must look like fr or pt-br, got '$lang'" >&2
                exit 2 ;;
esac
# Corpus files are named by the language part alone: pt-br -> en-pt-br/train.pt-br.gz.
corpus_dir="$here/en-$lang"
packages=(libreoffice-help-en-us "libreoffice-help-$lang")
if [ "$apps" -eq 1 ]; then
  corpus_dir="$here/help-apps"
  packages=(libreoffice-help-en-us)
  lang=label  # the second file of each split: train.label.gz
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/debs"
if [ -n "$debs_dir" ]; then
  for p in "${packages[@]}"; do
    found=("$debs_dir/${p}"_*.deb)
    [ -f "${found[0]}" ] || { echo "build-libreoffice-help: no ${p}_*.deb in $debs_dir" >&2; exit 1; }
    [ ${#found[@]} -eq 1 ] || { echo "build-libreoffice-help: several ${p}_*.deb in $debs_dir" >&2; exit 1; }
    cp "${found[0]}" "$work/debs/"
  done
else
  echo "== downloading ${packages[*]}"
  # The sandbox user _apt cannot write to a root-owned temporary directory.
  (cd "$work/debs" && apt-get download -q -o APT::Sandbox::User=root "${packages[@]}")
fi

echo "== unpacking"
: > "$work/PACKAGES"
for p in "${packages[@]}"; do
  deb=("$work/debs/${p}"_*.deb)
  version=$(dpkg-deb -f "${deb[0]}" Version)
  deb_sum=$(sha256sum "${deb[0]}" | cut -d' ' -f1)
  printf '%s %s %s\n' "$p" "$version" "$deb_sum" >> "$work/PACKAGES"
  dpkg-deb -x "${deb[0]}" "$work/$p"
done
cat "$work/PACKAGES"

# The help directory is named by the locale (en-US, fr, pt-BR); it is the one with text/.
help_text_dir() {
  local dirs=("$1"/usr/share/libreoffice/help/*/text)
  [ ${#dirs[@]} -eq 1 ] && [ -d "${dirs[0]}" ] || {
    echo "build-libreoffice-help: expected one help/<locale>/text in $1" >&2; exit 1; }
  echo "${dirs[0]}"
}
source_text=$(help_text_dir "$work/libreoffice-help-en-us")
out="$work/out"
if [ "$apps" -eq 1 ]; then
  echo "== extracting and labelling paragraphs"
  /usr/bin/python3 "$here/libreoffice_help_apps.py" "$source_text" "$out" | tee "$work/stats"
else
  target_text=$(help_text_dir "$work/libreoffice-help-$lang")
  echo "== extracting and pairing paragraphs"
  /usr/bin/python3 "$here/libreoffice_help.py" "$source_text" "$target_text" "$out" en "$lang" \
    | tee "$work/stats"
fi
files=()
for split in train dev test; do files+=("$split.en.gz" "$split.$lang.gz"); done
(cd "$out" && sha256sum "${files[@]}") > "$work/SHA256SUMS"
echo "== checksums of the outputs"
cat "$work/SHA256SUMS"

if [ "$check" -eq 1 ]; then
  if [ ! -f "$corpus_dir/SHA256SUMS" ]; then
    echo "build-libreoffice-help: no committed $corpus_dir/SHA256SUMS to check against" >&2
    exit 1
  fi
  if ! cmp -s <(cut -d' ' -f1,2 "$corpus_dir/PACKAGES") <(cut -d' ' -f1,2 "$work/PACKAGES"); then
    echo "== note: package versions differ from the committed build, so the outputs may too:"
    diff <(cut -d' ' -f1,2 "$corpus_dir/PACKAGES") <(cut -d' ' -f1,2 "$work/PACKAGES") || true
    echo "   (pass the committed versions with --debs DIR for a bit-for-bit check)"
  fi
  if diff "$corpus_dir/SHA256SUMS" "$work/SHA256SUMS"; then
    echo "== check passed: the rebuild is identical to $corpus_dir"
    exit 0
  fi
  echo "== check FAILED: the rebuild differs from $corpus_dir (diff above: committed < > rebuilt)"
  exit 1
fi

mkdir -p "$corpus_dir"
for f in "${files[@]}"; do cp "$out/$f" "$corpus_dir/$f"; done
cp "$work/SHA256SUMS" "$work/PACKAGES" "$corpus_dir/"

# The README is generated with the data so its figures and versions cannot go stale.
translation_readme() {
  echo "# en-$lang: English–$lang parallel corpus from the LibreOffice help (generated)"
  echo
  echo "Paragraphs, headings, list items and table cells of the LibreOffice $(cut -d' ' -f2 "$work/PACKAGES" | head -1 | sed 's/^[0-9]*://; s/-.*//') help, paired"
  echo "between the English original and its translation by help page and element id."
  echo "UTF-8, one sentence (paragraph) per line, line N of \`X.en.gz\` translates line N of"
  echo "\`X.$lang.gz\`; gzip-compressed without name or time stamp (\`gzip -n\`)."
  echo
  echo "| split | pairs | en bytes | $lang bytes | en .gz bytes | $lang .gz bytes |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  for split in train dev test; do
    pairs=$(gzip -dc "$out/$split.en.gz" | wc -l)
    en_bytes=$(gzip -dc "$out/$split.en.gz" | wc -c)
    tgt_bytes=$(gzip -dc "$out/$split.$lang.gz" | wc -c)
    echo "| $split | $pairs | $en_bytes | $tgt_bytes | $(wc -c < "$out/$split.en.gz") | $(wc -c < "$out/$split.$lang.gz") |"
  done
  echo
  echo "## Provenance"
  echo
  echo "Built by \`corpora/build-libreoffice-help.sh $lang\` from these Debian 12 packages"
  echo "(package, version, SHA-256 of the .deb):"
  echo
  sed 's/^/    /' "$work/PACKAGES"
  echo
  echo "Steps: \`apt-get download\` both packages, \`dpkg-deb -x\`, then for every help page"
  echo "present in both (same path under \`usr/share/libreoffice/help/<locale>/text/\`) pair the"
  echo "\`<p>\` and \`<h1>\`–\`<h6>\` elements that carry the same \`id\`; strip the markup,"
  echo "keeping the default variant of inline platform/application switches; unescape"
  echo "entities; collapse all white space to single spaces; drop pairs with an empty side or"
  echo "two identical sides; keep one translation per English sentence (the most frequent);"
  echo "take the 1,000 English sentences with the smallest SHA-256 as dev and the next 1,000 as"
  echo "test, and drop from train the pairs whose translation equals a dev or test one. An"
  echo "English sentence therefore occurs in one split only. Counts of this build:"
  echo
  sed 's/^ */    /' "$work/stats"
  echo
  echo "\`SHA256SUMS\` lists the SHA-256 of the six files; \`corpora/build-libreoffice-help.sh"
  echo "--check $lang\` rebuilds from the packages and compares. The archive replaces a"
  echo "package when Debian updates it; to check against the versions above, fetch those .deb"
  echo "files from a Debian snapshot archive and pass their directory with \`--debs DIR\`."
  echo
  echo "## Licence"
  echo
  echo "The LibreOffice help is licensed under the Mozilla Public License 2.0 (MPL-2.0);"
  echo "parts derive from Apache OpenOffice under the Apache License 2.0 (see"
  echo "\`/usr/share/doc/libreoffice-help-$lang/copyright\` in the package). This corpus is a"
  echo "mechanical extraction of that text and is distributed under the same terms. The full"
  echo "MPL-2.0 text is at \`/usr/share/common-licenses/MPL-2.0\` on Debian."
}

apps_readme() {
  echo "# help-apps: English paragraphs of the LibreOffice help labelled by application (generated)"
  echo
  echo "Paragraphs, headings, list items and table cells of the English LibreOffice $(cut -d' ' -f2 "$work/PACKAGES" | head -1 | sed 's/^[0-9]*://; s/-.*//') help,"
  echo "each labelled with the application whose help page it is on: basic, calc, chart, base"
  echo "(text/sdatabase), draw, impress, math or writer. For sentence classification (issue 20):"
  echo "line N of \`X.label.gz\` is the label of line N of \`X.en.gz\`. UTF-8, one paragraph"
  echo "per line, gzip-compressed without name or time stamp (\`gzip -n\`)."
  echo
  echo "| split | paragraphs | basic | calc | chart | base | draw | impress | math | writer |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for split in train dev test; do
    row="| $split | $(gzip -dc "$out/$split.label.gz" | wc -l)"
    for label in basic calc chart base draw impress math writer; do
      row="$row | $(gzip -dc "$out/$split.label.gz" | grep -cx "$label")"
    done
    echo "$row |"
  done
  echo
  echo "## Provenance"
  echo
  echo "Built by \`corpora/build-libreoffice-help.sh --apps\` from this Debian 12 package"
  echo "(package, version, SHA-256 of the .deb):"
  echo
  sed 's/^/    /' "$work/PACKAGES"
  echo
  echo "Steps: \`apt-get download\`, \`dpkg-deb -x\`, then for every help page under"
  echo "\`usr/share/libreoffice/help/en-US/text/<folder>/\` except \`shared\` (the help common to"
  echo "all applications) read the \`<p>\` and \`<h1>\`–\`<h6>\` elements that carry an \`id\`,"
  echo "as for the translation corpora (markup stripped, default variant of inline switches,"
  echo "entities unescaped, white space collapsed); label each with the folder's application;"
  echo "drop empty paragraphs and those found under two or more applications (their label is"
  echo "not defined: \"Syntax\", \"Example\", shared sentences), keep one of each repeated one;"
  echo "take the 1,000 paragraphs with the smallest SHA-256 as dev and the next 1,000 as test."
  echo "A paragraph therefore occurs in one split only. The classes are unbalanced as the help"
  echo "is (calc and basic hold over half of it). Counts of this build:"
  echo
  sed 's/^ */    /' "$work/stats"
  echo
  echo "\`SHA256SUMS\` lists the SHA-256 of the six files; \`corpora/build-libreoffice-help.sh"
  echo "--check --apps\` rebuilds from the package and compares (\`--debs DIR\` as for the"
  echo "translation corpora)."
  echo
  echo "## Licence"
  echo
  echo "The LibreOffice help is licensed under the Mozilla Public License 2.0 (MPL-2.0);"
  echo "parts derive from Apache OpenOffice under the Apache License 2.0 (see"
  echo "\`/usr/share/doc/libreoffice-help-en-us/copyright\` in the package). This corpus is a"
  echo "mechanical extraction of that text and is distributed under the same terms. The full"
  echo "MPL-2.0 text is at \`/usr/share/common-licenses/MPL-2.0\` on Debian."
}

if [ "$apps" -eq 1 ]; then apps_readme > "$corpus_dir/README.md"; else translation_readme > "$corpus_dir/README.md"; fi
echo "== wrote $corpus_dir"
