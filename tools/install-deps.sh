#!/usr/bin/env bash
# Installs the Debian packages nmt needs that are missing on this machine.
# Idempotent and non-interactive; runs as root (or through sudo when not root).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libdnnl-dev                    # oneDNN 2.6: every numeric kernel
  ocl-icd-opencl-dev             # Debian's oneDNN CMake package asks for OpenCL (its GPU runtime)
  libsentencepiece-dev sentencepiece
  libboost-program-options-dev libyaml-cpp-dev libgtest-dev
  pybind11-dev python3-dev       # the Python module nmt (python/), for Debian's /usr/bin/python3
  nlohmann-json3-dev libfmt-dev zlib1g-dev
  libicu-dev                     # Unicode categories and case mapping for BLEU's intl tokenizer
  libopenmpi-dev openmpi-bin     # data-parallel training: mpirun -np N nmt-train (issue 18)
  libxml2-utils                  # xmllint: the tests check that nmt-compare's report is well-formed
  clang-format                   # the tests check that the tree is formatted (tools/format.sh)
  libcpp-httplib-dev             # nmt-serve's HTTP server (issue 21)
  chromium python3-websocket     # the test of nmt-serve's page: headless Chromium over DevTools
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
echo "install-deps: installing ${missing[*]}"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}"
echo "install-deps: done"
