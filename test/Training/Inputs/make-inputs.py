#!/usr/bin/env python3
"""Writes the data files of the training tests (test/Training). Run once
with /usr/bin/python3; the outputs are committed, so that the tests do not
depend on installed packages.

digits-600.csv.gz: the first 600 rows of scikit-learn's digits data set
(Debian's python3-sklearn ships it as digits.csv.gz: 1797 rows of 64 pixel
values in 0..16, then the label).

xor.npz (x f32[4, 2], y f32[4, 1]), xor-x.npy (x), xor-x3d.npy (x as f32[4, 1, 2]),
xor-y1d.npy (y as f32[4]): the XOR points in other shapes, to be reshaped;
xor-x3.npy (f32[4, 3]), xor-y5.npy (f32[5, 1]), xor-extra.npz (an array z
too): data that does not fit.

    /usr/bin/python3 make-inputs.py [/path/to/digits.csv.gz]
"""
import gzip
import os
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
source = (sys.argv[1] if len(sys.argv) > 1 else
          "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz")
with gzip.open(source, "rt") as f:
    rows = f.read().splitlines()[:600]
# mtime 0: the same bytes every time.
with open(os.path.join(here, "digits-600.csv.gz"), "wb") as raw:
    with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as f:
        f.write(("\n".join(rows) + "\n").encode())

x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
y = np.array([0, 1, 1, 0], np.float32)
np.savez(os.path.join(here, "xor.npz"), x=x, y=y.reshape(4, 1))
np.save(os.path.join(here, "xor-x.npy"), x)
np.save(os.path.join(here, "xor-x3d.npy"), x.reshape(4, 1, 2))
np.save(os.path.join(here, "xor-y1d.npy"), y)
np.save(os.path.join(here, "xor-x3.npy"), np.zeros((4, 3), np.float32))
np.save(os.path.join(here, "xor-y5.npy"), np.zeros((5, 1), np.float32))
np.savez(os.path.join(here, "xor-extra.npz"), x=x, y=y.reshape(4, 1), z=y)
