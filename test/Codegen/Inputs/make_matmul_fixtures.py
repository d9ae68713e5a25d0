#!/usr/bin/python3
"""Fixtures of test/Codegen/matmul-numerics.dl: matmuls of the sizes and
layouts that exercise every path of dl-vectorize-contractions (remainder
rows and columns, several K, M and N blocks, transposed operands, batches,
f64), with expected values from NumPy in long double, never from dlc.

    /usr/bin/python3 test/Codegen/Inputs/make_matmul_fixtures.py

Each case <name> writes <name>.in.npz (the entry's arguments by name) and
<name>.expected.npz (arr_0). Inputs are random multiples of 1/8 in [-4, 4]
except where a case says otherwise: every product and partial sum is then
exact in f32, so results compare exactly whatever the order of summation.
"""

import io
import os
import zipfile
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def rng(name):
    return np.random.default_rng(zlib.crc32(name.encode()))


def dyadic(r, shape, dtype=np.float32):
    return (r.integers(-32, 33, size=shape) / 8).astype(dtype)


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


def case(name, inputs, expected):
    write_npz(os.path.join(HERE, name + ".in.npz"), inputs)
    write_npz(os.path.join(HERE, name + ".expected.npz"), {"arr_0": expected})


def mm(a, b):
    """a @ b in long double (NumPy's own loops, never a BLAS, so that the
    fixtures do not depend on the BLAS installed), rounded to a's dtype."""
    return (a.astype(np.longdouble) @ b.astype(np.longdouble)).astype(a.dtype)


def plain(name, m, k, n):
    r = rng(name)
    a, b = dyadic(r, (m, k)), dyadic(r, (k, n))
    case(name, {"a": a, "b": b}, mm(a, b))


def main():
    plain("mm_1x1", 1, 1, 1)
    plain("mm_7x13x5", 7, 13, 5)
    # M = 129: a block of 128 rows and one row; N = 131: four panels of 32
    # columns and 3 columns.
    plain("mm_129x257x131", 129, 257, 131)
    # 45 rows = 5 x 8 + 4 + 1; K = 300: blocks of 256 and 44; N = 70.
    plain("mm_45x300x70", 45, 300, 70)
    # N = 600: three column blocks, the last one partial.
    plain("mm_20x40x600", 20, 40, 600)

    r = rng("mm_at")  # transpose(a) @ b
    a, b = dyadic(r, (13, 7)), dyadic(r, (13, 19))
    case("mm_at", {"a": a, "b": b}, mm(a.T, b))
    r = rng("mm_bt")  # a @ transpose(b)
    a, b = dyadic(r, (9, 13)), dyadic(r, (37, 13))
    case("mm_bt", {"a": a, "b": b}, mm(a, b.T))
    r = rng("mm_atbt")  # transpose(a) @ transpose(b)
    a, b = dyadic(r, (11, 21)), dyadic(r, (17, 11))
    case("mm_atbt", {"a": a, "b": b}, mm(a.T, b.T))

    r = rng("mm_strided")  # a @ b[::2, ::2]: B strided in both dimensions
    a, b = dyadic(r, (7, 13)), dyadic(r, (26, 10))
    case("mm_strided", {"a": a, "b": b}, mm(a, b[::2, ::2]))

    r = rng("bmm")
    a, b = dyadic(r, (3, 7, 13)), dyadic(r, (3, 13, 33))
    case("bmm", {"a": a, "b": b}, mm(a, b))
    r = rng("bmm_bt")  # batched a @ transpose(b) over the last two dimensions
    a, b = dyadic(r, (2, 10, 6)), dyadic(r, (2, 17, 6))
    case("bmm_bt", {"a": a, "b": b}, mm(a, np.swapaxes(b, 1, 2)))
    r = rng("bmm_broadcast")
    a, b = dyadic(r, (2, 1, 6, 9)), dyadic(r, (3, 9, 17))
    case("bmm_broadcast", {"a": a, "b": b}, mm(a, b))

    # f64 and general f32 values: compared with a tolerance.
    r = rng("mm_f64")
    a, b = r.normal(size=(33, 65)), r.normal(size=(65, 17))
    case("mm_f64", {"a": a, "b": b}, mm(a, b))
    r = rng("mm_f64_bt")
    a, b = r.normal(size=(12, 40)), r.normal(size=(9, 40))
    case("mm_f64_bt", {"a": a, "b": b}, mm(a, b.T))
    r = rng("mm_f32_normal")
    a = r.normal(size=(64, 100)).astype(np.float32)
    b = r.normal(size=(100, 48)).astype(np.float32)
    case("mm_f32_normal", {"a": a, "b": b}, mm(a, b))


if __name__ == "__main__":
    main()
