# Shared by the example scripts: builds dlc when needed, installs the Debian
# package that ships an example's data, and puts the outputs (checkpoint,
# history, plot) in build/examples/NAME.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${DL_BUILD_DIR:-$ROOT/build}
DLC="$BUILD_DIR/bin/dlc"
[ -x "$DLC" ] || "$ROOT/scripts/build.sh"

# need_package PACKAGE FILE: installs PACKAGE (as root) unless FILE exists.
need_package() {
  [ -e "$2" ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing $1 (for $2)"
    apt-get install -y -qq "$1" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$1" >/dev/null; }
  else
    echo "This example needs $2: run as root: apt-get install -y $1" >&2
    exit 1
  fi
}

# out NAME: the folder for an example's outputs.
out() {
  local dir="$BUILD_DIR/examples/$1"
  mkdir -p "$dir"
  echo "$dir"
}

# show COMMAND...: prints a command, then runs it.
show() {
  echo "\$ ${*#$ROOT/}" | sed "s|$ROOT/||g; s|$BUILD_DIR/bin/||g"
  "$@"
}
