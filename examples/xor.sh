#!/usr/bin/env bash
# XOR: the perceptron rule never settles (one point at least stays wrong),
# a 2-4-1 network trained by backpropagation learns it.
source "$(dirname "$0")/common.sh"
OUT=$(out xor)
DATA="$ROOT/examples/xor.csv"
show "$DLC" train "$ROOT/examples/xor.dl" --train perceptron_rule --data "$DATA" \
  --progress none --checkpoint "$OUT/perceptron.ckpt" | sed -n '1,3p;/epoch 20\//,$p'
show "$DLC" eval "$ROOT/examples/xor.dl" --train perceptron_rule \
  --checkpoint "$OUT/perceptron.ckpt" --data "$DATA"
echo
show "$DLC" train "$ROOT/examples/xor.dl" --train backprop --data "$DATA" \
  --progress none --checkpoint "$OUT/backprop.ckpt" --history "$OUT/backprop.csv" \
  --plot "$OUT/backprop.svg" | sed -n '1,3p;/epoch 300\//,$p'
show "$DLC" eval "$ROOT/examples/xor.dl" --train backprop \
  --checkpoint "$OUT/backprop.ckpt" --data "$DATA"
show "$DLC" run "$ROOT/examples/xor.dl" --entry mlp.forward \
  --checkpoint "$OUT/backprop.ckpt" --input x="$DATA":0:2
