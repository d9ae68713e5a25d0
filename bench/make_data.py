"""Random inputs for bench/run.sh: X f32[N, 784] in [0, 1), Y i64[N] in [0, 10)."""
import sys

import numpy as np

n = int(sys.argv[3])
rng = np.random.default_rng(0)
np.save(sys.argv[1], rng.random((n, 784), dtype=np.float32))
np.save(sys.argv[2], rng.integers(0, 10, n, dtype=np.int64))
