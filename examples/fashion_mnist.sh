#!/usr/bin/env bash
# Fashion-MNIST: an MLP with dropout, trained on 55 000 images (5 000 held
# out for validation), measured on the 10 000 test images.
source "$(dirname "$0")/common.sh"
DATA=/usr/share/datasets/fashion-mnist
need_package dataset-fashion-mnist "$DATA/train-images-idx3-ubyte.gz"
OUT=$(out fashion_mnist)
show "$DLC" train "$ROOT/examples/fashion_mnist.dl" \
  --data x="$DATA/train-images-idx3-ubyte.gz" --data y="$DATA/train-labels-idx1-ubyte.gz" \
  --scale x=255 --val-split 0.0833333 --checkpoint "$OUT/fashion.ckpt" \
  --history "$OUT/history.csv" --plot "$OUT/history.svg" "$@"
echo
show "$DLC" eval "$ROOT/examples/fashion_mnist.dl" --checkpoint "$OUT/fashion.ckpt" \
  --data x="$DATA/t10k-images-idx3-ubyte.gz" --data y="$DATA/t10k-labels-idx1-ubyte.gz"
