#!/usr/bin/env bash
# Regression with the mean squared error on the diabetes table: train on
# the first 353 patients, measure the last 89.
source "$(dirname "$0")/common.sh"
DIR=/usr/lib/python3/dist-packages/sklearn/datasets/data
need_package python3-sklearn "$DIR/diabetes_data_raw.csv.gz"
OUT=$(out diabetes)
show "$DLC" train "$ROOT/examples/diabetes.dl" --data x="$DIR/diabetes_data_raw.csv.gz" \
  --data y="$DIR/diabetes_target.csv.gz":0 --rows :353 --normalize x=standardize \
  --progress none --checkpoint "$OUT/diabetes.ckpt" --history "$OUT/history.csv" \
  --plot "$OUT/history.svg" | sed -n '1,2p;/epoch 200\//,$p'
echo
show "$DLC" eval "$ROOT/examples/diabetes.dl" --checkpoint "$OUT/diabetes.ckpt" \
  --data x="$DIR/diabetes_data_raw.csv.gz" --data y="$DIR/diabetes_target.csv.gz":0 \
  --rows 353:
