#!/bin/sh
# The MLP training benchmark: one training step (forward, backward, Adam) of
# an MLP 784-512-512-10 at batch 128, dlc (bench/mlp.dl, `dlc train`) against
# PyTorch 1.13 (bench/mlp_torch.py, Debian's python3-torch) on the same data
# and thread count. Prints the median time of a step on each side and their
# ratio. Compilation is not timed: a step's time is the wall time of an
# epoch (as `dlc train --history` records it, and as mlp_torch.py measures
# it) divided by its steps; the median is over the epochs after the first.
#
#   bench/run.sh [BUILD_DIR]      (default: build)
#   STEPS=40 EPOCHS=8 THREADS=2 bench/run.sh
#   OPTIMIZER=sgd bench/run.sh    (plain SGD on both sides instead of Adam:
#                                  the step is then almost only matmuls)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-}
[ -n "$build" ] || build=$here/../build
dlc=$build/bin/dlc
steps=${STEPS:-40}
epochs=${EPOCHS:-8}
threads=${THREADS:-2}
optimizer=${OPTIMIZER:-adam}
python=/usr/bin/python3
# The peer: Debian's PyTorch, with OpenBLAS (its reference BLAS is 50 times
# slower; docs/performance.md).
for package in python3-torch libopenblas0-pthread; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    if [ "$(id -u)" -eq 0 ]; then
      apt-get install -y -qq "$package" >/dev/null
    else
      echo "bench/run.sh needs $package: apt-get install -y $package" >&2
      exit 1
    fi
  fi
done
[ -x "$dlc" ] || "$here/../scripts/build.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

$python "$here/make_data.py" "$tmp/x.npy" "$tmp/y.npy" $((steps * 128))
model=$here/mlp.dl
if [ "$optimizer" = sgd ]; then
  sed 's/optimizer = Adam(lr = 1e-3)/optimizer = SGD(lr = 1e-3)/' "$model" > "$tmp/mlp.dl"
  model=$tmp/mlp.dl
fi

DL_NUM_THREADS=$threads "$dlc" train "$model" \
  --data x="$tmp/x.npy" --data y="$tmp/y.npy" --epochs "$epochs" \
  --progress none --history "$tmp/history.csv" --quiet
# OpenBLAS picks its AVX-512 kernels only without these (docs/performance.md).
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $python "$here/mlp_torch.py" \
  "$tmp/x.npy" "$tmp/y.npy" "$epochs" "$threads" "$optimizer" > "$tmp/torch.txt"

$python - "$tmp/history.csv" "$tmp/torch.txt" "$steps" "$threads" "$optimizer" <<'PY'
import csv, statistics, sys
history, torch_log, steps, threads, optimizer = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
with open(history) as f:
    dl = [float(row["seconds"]) / steps for row in csv.DictReader(f)][1:]
with open(torch_log) as f:
    pt = [float(line.split()[3]) / int(line.split()[5]) for line in f][1:]
dl_ms, pt_ms = statistics.median(dl) * 1e3, statistics.median(pt) * 1e3
# Forward and weight gradients of the three layers, input gradients of the
# last two (the data needs none): 411 MFLOP of matmuls per step.
flops = 2 * 2 * 128 * (784 * 512 + 512 * 512 + 512 * 10) + 2 * 128 * (512 * 512 + 512 * 10)
import os
print(f"MLP 784-512-512-10, {optimizer}, batch 128, {threads} threads, median of {len(dl)} epochs of {steps} steps; load average {os.getloadavg()[0]:.1f}")
print(f"dlc     {dl_ms:8.3f} ms/step  ({flops / dl_ms / 1e6:6.1f} GFLOP/s in matmuls; fastest epoch {min(dl) * 1e3:.3f} ms/step)")
print(f"PyTorch {pt_ms:8.3f} ms/step  ({flops / pt_ms / 1e6:6.1f} GFLOP/s in matmuls; fastest epoch {min(pt) * 1e3:.3f} ms/step)")
print(f"dlc / PyTorch = {dl_ms / pt_ms:.2f}")
PY
