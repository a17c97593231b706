#!/usr/bin/env bash
# tools/check-fresh-install.sh: proves that the README's two commands work on a fresh Debian 12.
#
#   bash tools/check-fresh-install.sh [--keep] [--root DIR] [--skip-test-command]
#
# Builds a minimal Debian 12 root (mmdebstrap, variant minbase: no compiler, no CMake, nothing
# this project needs) from this machine's own Debian apt sources, copies a clean clone of the
# committed HEAD into it (uncommitted changes are not part of the check), and runs there, as root
# in a chroot:
#   1. the set-up part of the README's first command: tools/install-deps.sh and the build
#      (training the default recipe takes 25 minutes and is not part of the check);
#   2. the README's whole test command (tools/test.sh: both builds and every test).
# It prints each command before it runs it and stops with a non-zero exit at the first failure.
# Not part of CI: it downloads packages and takes about 15-20 minutes on 2 cores.
#
# A green CI proves nothing about packages installed by hand on the CI machine; this does.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
keep=false
run_tests=true
root=""
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) keep=true ;;
    --root) root=${2:?--root needs a directory}; shift ;;
    --skip-test-command) run_tests=false ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "check-fresh-install: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

[ "$(id -u)" -eq 0 ] || { echo "check-fresh-install: must run as root (mmdebstrap and chroot)" >&2; exit 2; }
say() { printf '\n== check-fresh-install: %s\n' "$*"; }

if ! command -v mmdebstrap > /dev/null; then
  say "installing mmdebstrap on this machine"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap
fi

# This machine's Debian sources (the only package archive reachable here); other vendors'
# sources need keys a minimal root does not have.
sources=()
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  [ -s "$f" ] && grep -v '^\s*#' "$f" | grep -q 'debian\.org' && sources+=("$f")
done
[ ${#sources[@]} -gt 0 ] || { echo "check-fresh-install: no Debian apt source found in /etc/apt" >&2; exit 1; }

[ -n "$root" ] || root=$(mktemp -d /var/tmp/nmt-fresh-root.XXXXXX)
mounted=()
cleanup() {
  local status=$?
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" 2> /dev/null || true; done
  if $keep || [ $status -ne 0 ]; then
    echo "check-fresh-install: the root is kept at $root (remove it with: rm -rf $root)"
  else
    rm -rf "$root"
  fi
  exit $status
}
trap cleanup EXIT

say "building a minimal Debian 12 root in $root from ${sources[*]}"
rmdir "$root" 2> /dev/null || true   # mmdebstrap wants a missing or empty directory
mmdebstrap --variant=minbase --mode=root bookworm "$root" "${sources[@]}"

say "cloning the committed HEAD of $repo ($(git -C "$repo" rev-parse --short HEAD)) into the root"
git -C "$repo" diff --quiet HEAD || echo "check-fresh-install: note: uncommitted changes are not checked"
git clone --quiet --no-local --no-hardlinks "$repo" "$root/root/nmt"

for m in proc sys dev dev/pts; do
  mount --bind "/$m" "$root/$m"
  mounted+=("$root/$m")
done
cp /etc/resolv.conf "$root/etc/resolv.conf"

in_root() {
  printf '+ (in the fresh root) %s\n' "$*"
  chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 TERM=dumb bash -c "cd /root/nmt && $*"
}

say "the set-up part of the README's first command"
first=$(grep -m1 '^bash tools/install-deps.sh' "$repo/README.md")
setup=${first% && build/release/bin/nmt-train*}
[ "$setup" != "$first" ] || { echo "check-fresh-install: the README's first command no longer ends in nmt-train" >&2; exit 1; }
in_root "$setup"
in_root "build/release/bin/nmt-train --help > /dev/null && ls -l build/release/bin"

if $run_tests; then
  say "the README's test command"
  second=$(grep -A1 -m1 '^bash tools/install-deps.sh' "$repo/README.md" | tail -1)
  in_root "CI=true $second"
fi
say "passed: the README's commands work on a fresh Debian 12 root"
