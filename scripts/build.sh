#!/usr/bin/env bash
# Installs what is missing (Debian 12), configures and builds dlc.
#   scripts/build.sh            build into ./build
#   scripts/build.sh --example  build, then run the main example
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(cmake ninja-build ccache python3 llvm-22-dev libmlir-22-dev mlir-22-tools
          llvm-22-tools clang-22 lld-22 libflatbuffers-dev flatbuffers-compiler
          libfmt-dev libedit-dev zlib1g-dev)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Missing Debian packages. Run as root:"
    echo "  apt-get install -y ${missing[*]}"
    exit 1
  fi
fi

BUILD_DIR=${DL_BUILD_DIR:-build}
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  cmake -G Ninja -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld -DCMAKE_SHARED_LINKER_FLAGS=-fuse-ld=lld \
    -DCMAKE_MODULE_LINKER_FLAGS=-fuse-ld=lld "${launcher[@]}" >/dev/null
fi
ninja -C "$BUILD_DIR"

if [ "${1:-}" = "--example" ]; then
  echo
  echo "\$ dlc run examples/mlp_forward.dl --params examples/mlp_forward.npz"
  "$BUILD_DIR/bin/dlc" run examples/mlp_forward.dl --params examples/mlp_forward.npz
fi
