#!/usr/bin/python3
"""Fixtures of the random-number tests (test/Integration/Random).

An independent reference implementation, in NumPy, of what docs/random.md
specifies: Philox4x32-10 (checked here against the known-answer vectors of
Random123, the authors' implementation), the element counters, and the
derivation of uniform and normal numbers from the words of a block. It
writes the values the compiled code must produce for the entry points of
exact.dl, and PyTorch's values for erfinv.dl and orthogonalize.dl.

Regenerate with Debian's Python (numpy, torch):

    /usr/bin/python3 test/Integration/Random/Inputs/make_random_fixtures.py

<case>.expected.npz holds arr_0, arr_1, ... in the order of the entry's
`return`; <case>.in.npz its inputs by name. Files are written with fixed
timestamps, so regenerating changes nothing unless a value changes.
"""

import io
import math
import os
import sys
import zipfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
MASK32 = 0xFFFFFFFF

# Philox4x32's multipliers and Weyl increments (Random123's philox.h).
M0, M1 = 0xD2511F53, 0xCD9E8D57
W0, W1 = 0x9E3779B9, 0xBB67AE85


def philox4x32_10(counter, key):
    """The block of a counter (4 uint64 arrays holding 32-bit words) and a
    key (2 ints): 10 rounds, the key bumped before every round but the
    first."""
    c0, c1, c2, c3 = [np.asarray(c, dtype=np.uint64) for c in counter]
    k0, k1 = np.uint64(key[0]), np.uint64(key[1])
    m0, m1, mask = np.uint64(M0), np.uint64(M1), np.uint64(MASK32)
    for r in range(10):
        if r:
            k0 = np.uint64((int(k0) + W0) & MASK32)
            k1 = np.uint64((int(k1) + W1) & MASK32)
        p0 = m0 * c0
        p1 = m1 * c2
        hi0, lo0 = p0 >> np.uint64(32), p0 & mask
        hi1, lo1 = p1 >> np.uint64(32), p1 & mask
        c0, c1, c2, c3 = hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0
    return c0, c1, c2, c3


def check_known_answers():
    """Random123's kat_vectors for philox4x32 with 10 rounds."""
    cases = [
        ((0, 0, 0, 0), (0, 0), (0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8)),
        ((MASK32,) * 4, (MASK32,) * 2, (0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd)),
        ((0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344), (0xa4093822, 0x299f31d0),
         (0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1)),
    ]
    for ctr, key, expected in cases:
        got = tuple(int(np.asarray(w).reshape(-1)[0]) for w in philox4x32_10([[c] for c in ctr], key))
        assert got == expected, (ctr, key, [hex(w) for w in got])


def words(seed, stream, count):
    """The words of the blocks of elements 0 .. count-1 of a random op."""
    seed %= 1 << 64
    stream %= 1 << 64
    i = np.arange(count, dtype=np.uint64)
    counter = (i & np.uint64(MASK32), i >> np.uint64(32),
               np.full(count, stream & MASK32, dtype=np.uint64),
               np.full(count, stream >> 32, dtype=np.uint64))
    return philox4x32_10(counter, (seed & MASK32, seed >> 32))


def u32(x):
    """f32 uniform in [0, 1) from one word: (x >> 8) 2^-24, exact."""
    return (x >> np.uint64(8)).astype(np.float32) * np.float32(2.0 ** -24)


def u64(lo, hi):
    """f64 uniform in [0, 1) from two words: ((lo + 2^32 hi) >> 11) 2^-53."""
    return ((lo | (hi << np.uint64(32))) >> np.uint64(11)).astype(np.float64) * 2.0 ** -53


def uniform(seed, stream, shape, dtype=np.float32):
    n = int(np.prod(shape))
    x = words(seed, stream, n)
    u = u32(x[0]) if dtype == np.float32 else u64(x[0], x[1])
    return u.reshape(shape)


def normal(seed, stream, shape, dtype=np.float32):
    """Box-Muller, sqrt(-2 ln(1 - u1)) cos(2 pi u2). For f32 the compiled
    code computes in f32: 1 - u1 is exact and the angle is the f32 product
    f32(2 pi) * u2; log, sqrt and cos of those f32 values are computed here
    in f64, so the compiled values differ only by the f32 rounding of log,
    sqrt, cos and the last product (docs/random.md)."""
    n = int(np.prod(shape))
    x = words(seed, stream, n)
    if dtype == np.float32:
        u1, u2 = u32(x[0]), u32(x[1])
        t = (np.float32(1) - u1).astype(np.float64)
        angle = (np.float32(2 * math.pi) * u2).astype(np.float64)
        z = (np.sqrt(-2.0 * np.log(t)) * np.cos(angle)).astype(np.float32)
    else:
        u1, u2 = u64(x[0], x[1]), u64(x[2], x[3])
        z = np.sqrt(-2.0 * np.log(1.0 - u1)) * np.cos(2 * math.pi * u2)
    return z.reshape(shape)


def fnv1a(path):
    h = 0xcbf29ce484222325
    for b in path.encode():
        h ^= b
        h = (h * 0x100000001b3) & ((1 << 64) - 1)
    return h


def write_npz(path, arrays):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, arr in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.array(arr, order="C"), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, member.getvalue())
    data = buf.getvalue()
    if not os.path.exists(path) or open(path, "rb").read() != data:
        with open(path, "wb") as f:
            f.write(data)


def expected(name, outputs):
    write_npz(os.path.join(HERE, name + ".expected.npz"),
              {"arr_%d" % i: v for i, v in enumerate(outputs)})


def inputs(name, arrays):
    write_npz(os.path.join(HERE, name + ".in.npz"), arrays)


def exact_cases():
    """The entry points of exact.dl: streams count 0, 1, ... in the order
    the random ops are elaborated."""
    for seed in (42, (1 << 63) + 12345):
        tag = "seed%d" % seed
        expected("uniform_f32." + tag,
                 [uniform(seed, 0, (3, 5)), uniform(seed, 1, (7,)), uniform(seed, 2, ())])
        expected("uniform_f64." + tag,
                 [uniform(seed, 0, (4, 3), np.float64), uniform(seed, 1, (2, 2, 2), np.float64)])
        expected("normal_f32." + tag, [normal(seed, 0, (6, 5)), normal(seed, 1, (9,))])
        expected("normal_f64." + tag, [normal(seed, 0, (5, 4), np.float64)])
    seed = 7
    expected("affine", [uniform(seed, 0, (5,)) * np.float32(5) + np.float32(-2),
                        normal(seed, 1, (5,)) * np.float32(0.5) + np.float32(1)])
    inputs("dynamic", {"x": np.zeros((4, 3), np.float32)})
    expected("dynamic", [uniform(seed, 0, (4, 3)), normal(seed, 1, (4, 2))])
    p = np.array([0.0, 0.25, 0.5, 0.75, 1.0, 0.1], np.float32)
    inputs("bernoulli_draws", {"p": p})
    expected("bernoulli_draws", [(uniform(seed, 0, (10,)) < np.float32(0.3)).astype(np.float32),
                                 (uniform(seed, 1, (6,)) < p).astype(np.float32)])
    # A loop and two calls of one function: one stream each.
    expected("streams", [np.stack([uniform(seed, k, (3,)) for k in range(3)]),
                         uniform(seed, 3, (2,)), uniform(seed, 4, (2,))])
    # Initializers: the stream is FNV-1a(path) + k, whatever the entry.
    seed = 11
    expected("initializers", [uniform(seed, fnv1a("w"), (2, 3)) * np.float32(2) + np.float32(-1),
                              normal(seed, fnv1a("layer.v"), (4,), np.float64)])


def erfinv_cases():
    y32 = np.concatenate([np.linspace(-0.9999, 0.9999, 61),
                          [0.0, -0.0, 1e-30, -1e-7, 0.5, 0.9, 0.99, 0.999999, -0.999999,
                           1 - 2.0 ** -24, -(1 - 2.0 ** -24)]]).astype(np.float32)
    special = np.array([1.0, -1.0, 1.5, -2.0, np.nan], np.float32)
    inputs("erfinv_f32", {"y": y32, "s": special})
    expected("erfinv_f32", [torch.erfinv(torch.from_numpy(y32).double()).float().numpy(),
                            torch.erfinv(torch.from_numpy(special)).numpy()])
    y64 = np.concatenate([np.linspace(-0.999, 0.999, 1999), [0.0, 1e-300, -1e-10, 0.9989999]])
    tail = np.concatenate([1 - np.logspace(-7, -3, 41), -(1 - np.logspace(-7, -3, 41))])
    inputs("erfinv_f64", {"y": y64, "tail": tail})
    expected("erfinv_f64", [torch.erfinv(torch.from_numpy(y64)).numpy(),
                            torch.erfinv(torch.from_numpy(tail)).numpy()])
    expected("erfinv_f64_central", [torch.erfinv(torch.from_numpy(y64)).numpy()])


def orthogonalize_reference(a):
    """torch.nn.init.orthogonal_'s construction for a matrix: QR (of the
    transpose when it has fewer rows than columns), Q times the signs of
    R's diagonal, in float64."""
    t = torch.from_numpy(np.asarray(a, np.float64))
    rows, cols = t.shape
    if rows < cols:
        t = t.t()
    q, r = torch.linalg.qr(t)
    q = q * torch.diag(r, 0).sign()
    if rows < cols:
        q = q.t()
    return q.numpy()


def orthogonalize_cases():
    rng = np.random.default_rng(20240607)
    a = rng.standard_normal((5, 3))
    b = rng.standard_normal((3, 5))
    c = rng.standard_normal((4, 4))
    inputs("orthogonalize_f64", {"a": a, "b": b, "c": c})
    expected("orthogonalize_f64", [orthogonalize_reference(m) for m in (a, b, c)])
    a32, b32 = a.astype(np.float32), b.astype(np.float32)
    inputs("orthogonalize_f32", {"a": a32, "b": b32})
    expected("orthogonalize_f32", [orthogonalize_reference(m).astype(np.float32)
                                   for m in (a32, b32)])


def main():
    check_known_answers()
    exact_cases()
    erfinv_cases()
    orthogonalize_cases()
    return 0


if __name__ == "__main__":
    sys.exit(main())
