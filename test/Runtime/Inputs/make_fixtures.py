#!/usr/bin/python3
"""Writes the .npy/.npz fixtures of test/Runtime with NumPy.

Run with a Python that has NumPy (on Debian 12: /usr/bin/python3):

    /usr/bin/python3 test/Runtime/Inputs/make_fixtures.py

The files are committed; the tests never run Python. Arrays are written
with NumPy itself (np.save, np.savez, np.savez_compressed, ...); malformed
files are derived from them byte by byte. print_*.expected hold what
print(array) shows, which `dl-npy print` must reproduce exactly.
"""

import io
import os
import struct
import sys
import zipfile
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SHAPES = [(), (5,), (2, 3), (2, 3, 4)]
DTYPES = {"f32": np.float32, "f64": np.float64, "i32": np.int32,
          "i64": np.int64, "bool": np.bool_}
TYPE_NAMES = {np.dtype(t): name for name, t in DTYPES.items()}


def path(name):
    return os.path.join(HERE, name)


def write(name, data):
    with open(path(name), "wb") as f:
        f.write(data)


def save(name, array, **kwargs):
    np.save(path(name), array, **kwargs)


def npy_bytes(array, version=None):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, version=version)
    return buffer.getvalue()


def fixture(dtype, shape):
    """The values dlrt-test writes too (FileTests.cpp, fillFixture)."""
    n = int(np.prod(shape))
    i = np.arange(n)
    values = {
        "f32": (np.arange(n, dtype=np.float32) - 2) * np.float32(0.25),
        "f64": (i - 3) / 8,
        "i32": (i * 7 - 10).astype(np.int32),
        "i64": i * 1000000007 - 5,
        "bool": i % 3 == 0,
    }[dtype]
    return values.astype(DTYPES[dtype]).reshape(shape)


def with_header(header, data, version=(1, 0)):
    """An .npy file with a hand-written header dict (padded as numpy pads)."""
    header = header.encode("latin1") if isinstance(header, str) else header
    size_format = "<H" if version == (1, 0) else "<I"
    preamble = 8 + struct.calcsize(size_format)
    total = preamble + len(header) + 1
    padding = (64 - total % 64) % 64
    header = header + b" " * padding + b"\n"
    return (b"\x93NUMPY" + bytes(version) + struct.pack(size_format, len(header))
            + header + data)


def type_string(array):
    name = TYPE_NAMES[array.dtype]
    if array.ndim == 0:
        return name
    return name + "[" + ", ".join(str(d) for d in array.shape) + "]"


# --- Arrays of every dtype and rank 0..3 -----------------------------------

def write_arrays():
    for dtype in DTYPES:
        for shape in SHAPES:
            save(f"{dtype}_{len(shape)}d.npy", fixture(dtype, shape))
    f32_2d = fixture("f32", (2, 3))
    save("f32_2d_T.npy", np.ascontiguousarray(f32_2d.T))
    save("f64_empty.npy", np.zeros((2, 0)))
    write("v2_f32_2d.npy", npy_bytes(f32_2d, (2, 0)))
    write("v3_f32_2d.npy", npy_bytes(f32_2d, (3, 0)))
    data = f32_2d.tobytes()
    # Header variants numpy's parser accepts: other key order and quotes,
    # no trailing comma, line breaks; Python 2 long integers; '<b1'.
    write("header_reordered.npy", with_header(
        '{"shape" : ( 2 ,3 ) ,\n "fortran_order":False,"descr":"<f4"}', data))
    write("header_pylong.npy", with_header(
        "{'descr': '<i8', 'fortran_order': False, 'shape': (5L,), }",
        fixture("i64", (5,)).tobytes()))
    write("bool_little.npy", with_header(
        "{'descr': '<b1', 'fortran_order': False, 'shape': (4,), }",
        bytes([0, 1, 2, 255])))

    archive = {"f32_2d_T": np.ascontiguousarray(f32_2d.T),
               "i64_1d": fixture("i64", (5,)),
               "bool_3d": fixture("bool", (2, 3, 4)),
               "f64_0d": fixture("f64", ()),
               "empty": np.zeros((2, 0))}
    np.savez(path("arrays.npz"), **archive)
    np.savez_compressed(path("arrays_compressed.npz"), **archive)
    np.savez(path("positional.npz"), np.arange(3), np.eye(2, dtype=np.float32))
    np.savez(path("empty_archive.npz"))
    # Large enough for several deflate blocks and a summarized print.
    np.savez_compressed(path("big_compressed.npz"),
                        big=np.tile(np.arange(300.0), 200).reshape(200, 300))
    write_zip64_variants(archive)


# --- ZIP64 records numpy does not write for small files ----------------------

def local_header(name, crc, size, zip64):
    extra = struct.pack("<HHQQ", 1, 16, size, size) if zip64 else b""
    shown = 0xFFFFFFFF if zip64 else size
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 0, 0, 0x21, crc,
                       shown, shown, len(name), len(extra)) + name + extra


def write_zip64_variants(archive):
    """A stored archive whose central directory escapes every size and offset
    to ZIP64 fields, ending with a ZIP64 end record and locator."""
    out = bytearray()
    entries = []
    for key in ("i64_1d", "bool_3d"):
        name = (key + ".npy").encode()
        data = npy_bytes(archive[key])
        crc = zlib.crc32(data)
        entries.append((name, crc, len(data), len(out)))
        out += local_header(name, crc, len(data), zip64=True) + data
    directory = len(out)
    for name, crc, size, offset in entries:
        extra = struct.pack("<HHQQQ", 1, 24, size, size, offset)
        out += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 0, 0,
                           0x21, crc, 0xFFFFFFFF, 0xFFFFFFFF, len(name),
                           len(extra), 0, 0, 0, 0, 0xFFFFFFFF) + name + extra
    directory_size = len(out) - directory
    zip64_end = len(out)
    out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0,
                       len(entries), len(entries), directory_size, directory)
    out += struct.pack("<IIQI", 0x07064B50, 0, zip64_end, 1)
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF,
                       0xFFFFFFFF, 0xFFFFFFFF, 0)
    write("zip64_records.npz", bytes(out))
    loaded = np.load(path("zip64_records.npz"))
    assert (loaded["bool_3d"] == archive["bool_3d"]).all()


# --- Malformed files ---------------------------------------------------------

def replace(data, old, new):
    assert data.count(old) == 1, old
    return data.replace(old, new)


def write_malformed():
    good = npy_bytes(fixture("f32", (2, 3)))
    data = fixture("f32", (2, 3)).tobytes()
    write("bad_empty.npy", b"")
    write("bad_magic.npy", b"\x93NUMPX" + good[6:])
    write("bad_short.npy", good[:8])
    write("bad_truncated_header.npy", good[:40])
    write("bad_truncated_data.npy", good[:-4])
    write("bad_trailing_data.npy", good + b"abc")
    write("bad_version.npy", good[:6] + b"\x04\x00" + good[8:])
    write("bad_header_huge.npy", b"\x93NUMPY\x02\x00" +
          struct.pack("<I", 0xFFFFFFF0) + b"{}")
    headers = {
        "bad_header_syntax": "{'descr': '<f4' 'fortran_order': False, "
                             "'shape': (2, 3), }",
        "bad_header_not_dict": "[1, 2, 3]",
        "bad_header_missing_key": "{'descr': '<f4', 'fortran_order': False}",
        "bad_header_extra_key": "{'descr': '<f4', 'fortran_order': False, "
                                "'shape': (2, 3), 'extra': 1}",
        "bad_header_shape_int": "{'descr': '<f4', 'fortran_order': False, "
                                "'shape': (6)}",
        "bad_header_negative": "{'descr': '<f4', 'fortran_order': False, "
                               "'shape': (-6,)}",
        "bad_header_fortran_value": "{'descr': '<f4', 'fortran_order': 0, "
                                    "'shape': (2, 3)}",
        "bad_shape_overflow": "{'descr': '<f4', 'fortran_order': False, "
                              "'shape': (4294967296, 4294967296)}",
        "bad_rank9": "{'descr': '<f4', 'fortran_order': False, "
                     "'shape': (1, 1, 1, 1, 1, 1, 1, 2, 3)}",
    }
    for name, header in headers.items():
        write(name + ".npy", with_header(header, data))
    write("bad_header_non_ascii.npy", with_header(
        b"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } \xe9",
        data))
    # Dtypes dlc does not support, written by numpy.
    save("bad_f16.npy", np.zeros(3, np.float16))
    save("bad_u8.npy", np.zeros(3, np.uint8))
    save("bad_c64.npy", np.zeros(3, np.complex64))
    save("bad_big_endian.npy", np.zeros(3, ">f4"))
    save("bad_object.npy", np.array([None, 1], dtype=object),
         allow_pickle=True)
    save("bad_structured.npy", np.zeros(2, dtype=[("a", "<f4")]))
    save("bad_fortran.npy", np.asfortranarray(fixture("f64", (2, 3))))

    stored = open(path("arrays.npz"), "rb").read()
    # The data of bool_3d is 24 bytes of 0/1 right before the next member.
    bool_data = fixture("bool", (2, 3, 4)).tobytes()
    write("bad_crc.npz", replace(stored, bool_data,
                                 b"\x00" + bool_data[1:]))
    compressed = bytearray(open(path("arrays_compressed.npz"), "rb").read())
    start = compressed.index(b"f32_2d_T.npy") + len("f32_2d_T.npy") + 20
    compressed[start + 10:start + 14] = b"\xff\xff\xff\xff"
    write("bad_deflate.npz", bytes(compressed))
    write("bad_truncated.npz", stored[:len(stored) // 2])
    encrypted = bytearray(stored)
    directory = encrypted.index(b"PK\x01\x02")
    encrypted[directory + 8] |= 1
    write("bad_encrypted.npz", bytes(encrypted))
    offset = bytearray(stored)
    offset[directory + 42:directory + 46] = struct.pack("<I", 5)
    write("bad_local_offset.npz", bytes(offset))

    def zip_of(name, members, method=zipfile.ZIP_STORED):
        with zipfile.ZipFile(path(name), "w", method) as z:
            for member, content in members:
                z.writestr(member, content)

    zip_of("bad_member.npz", [("x.npy", npy_bytes(np.arange(3))),
                              ("y.npy", b"hello, world")])
    zip_of("bad_member_dtype.npz", [("h.npy", npy_bytes(np.zeros(2, np.float16)))])
    zip_of("bad_bzip2.npz", [("a.npy", npy_bytes(np.arange(3)))],
           zipfile.ZIP_BZIP2)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        zip_of("bad_duplicate.npz", [("a.npy", npy_bytes(np.arange(3))),
                                     ("a.npy", npy_bytes(np.arange(4)))])
    rng = np.random.default_rng(1234)
    write("bad_random.bin", rng.integers(0, 256, 4096, dtype=np.uint8).tobytes())


# --- Comparison fixtures -------------------------------------------------------

def write_comparisons():
    nan, inf = np.nan, np.inf
    reference = np.array([1.0, 2.0, nan, inf, -inf, 0.0])
    save("cmp_ref.npy", reference)
    save("cmp_close.npy", np.array([1.000001, 2.0, nan, inf, -inf, 1e-9]))
    save("cmp_far.npy", np.array([1.1, 2.0, nan, inf, -inf, 0.0]))
    save("cmp_nan.npy", np.array([1.0, 2.0, 1.0, inf, -inf, 0.0]))
    save("cmp_inf.npy", np.array([1.0, 2.0, nan, -inf, -inf, 0.0]))
    save("cmp_f32.npy", reference.astype(np.float32))
    save("cmp_shape.npy", np.zeros((2, 3)))
    save("cmp_int_a.npy", np.array([1, 2, 3, -2**62]))
    save("cmp_int_b.npy", np.array([1, 2, 4, 2**62]))
    ints = np.arange(4, dtype=np.int32)
    np.savez(path("cmp_a.npz"), x=reference, y=ints)
    np.savez(path("cmp_b.npz"), y=ints, x=np.array([1.000001, 2.0, nan, inf, -inf, 1e-9]))
    np.savez(path("cmp_c.npz"), x=reference, z=ints)


# --- Printing: what print(array) shows -----------------------------------------

def print_cases():
    nan, inf = np.nan, np.inf
    f32, f64 = np.float32, np.float64
    return [
        ("integral", np.array([1.0, 2.0, 3.0])),
        ("mixed", np.array([1.5, 2.25, -3.0])),
        ("tenths", np.array([0.1, 0.2, 0.1 + 0.2])),
        ("thirds", np.array([1 / 3, 2 / 3, 1.0])),
        ("f32_tenths", np.array([0.1, 0.2, 0.3], f32)),
        ("f32_third", np.array([1 / 3], f32)),
        ("precision_cap", np.array([123.456789012345, 1.5])),
        ("large", np.array([1e8, 1.0])),
        ("small", np.array([1e-5, 1.0])),
        ("ratio", np.array([1.0, 1001.0])),
        ("no_ratio", np.array([1.0, 999.0])),
        ("f32_small", np.array([0.0001], f32)),
        ("three_digit_exponents", np.array([1e-300, 1e300, -2.5])),
        ("negative_exponential", np.array([-1e-5, 2e10])),
        ("subnormal", np.array([5e-324])),
        ("f32_max", np.array([3.4028235e38, -1.0], f32)),
        ("non_finite", np.array([nan, inf, -inf, 1.5])),
        ("only_nan", np.array([nan])),
        ("neg_inf_nan", np.array([-inf, nan])),
        ("exponential_non_finite", np.array([1e10, nan, -inf])),
        ("negative_zero", np.array([-0.0, 1.0])),
        ("zeros", np.zeros(2)),
        ("single", np.array([5.0])),
        ("i64", fixture("i64", (5,))),
        ("i64_extremes", np.array([np.iinfo(np.int64).min, 0, np.iinfo(np.int64).max])),
        ("i32", np.array([-7, 12, 0, 345], np.int32)),
        ("bools", np.array([[True, False], [False, True]])),
        ("bool_row", np.arange(30) % 4 == 1),
        ("wrap_f64", np.arange(30) * 1.1),
        ("wrap_int", np.arange(40)),
        ("wrap_2d", (np.arange(48).reshape(2, 24) - 20) * 0.37),
        ("wrap_3d", np.arange(60, dtype=np.int32).reshape(2, 2, 15) * 1000),
        ("rank4", np.arange(16).reshape(2, 2, 2, 2)),
        ("rank8", np.arange(2.0).reshape(1, 1, 1, 1, 1, 1, 1, 2)),
        ("summary_1d", np.arange(2000)),
        ("summary_2d", np.arange(1100, dtype=f32).reshape(11, 100) / 4),
        ("summary_3d", np.arange(1200).reshape(2, 3, 200)),
        ("summary_rows", np.arange(1010.0).reshape(505, 2)),
        ("summary_hidden_exponent",
         np.concatenate([np.arange(3.0), np.full(1000, 1e10), np.arange(3.0)])),
        ("empty_1d", np.zeros(0)),
        ("empty_2d", np.zeros((2, 0), np.int32)),
        ("empty_rows", np.zeros((0, 3), bool)),
        ("scalar_f32", np.array(0.1, f32)),
        ("scalar_f32_small", np.array(1e-4, f32)),
        ("scalar_f64", np.array(1.0)),
        ("scalar_big", np.array(1e16)),
        ("scalar_below_big", np.array(1e15)),
        ("scalar_small", np.array(1e-5)),
        ("scalar_third", np.array(1 / 3)),
        ("scalar_nan", np.array(nan)),
        ("scalar_neg_inf", np.array(-inf, f32)),
        ("scalar_neg_zero", np.array(-0.0)),
        ("scalar_i32", np.array(-7, np.int32)),
        ("scalar_bool", np.array(True)),
        ("f64_large_positional", np.array([12345678.9, 0.5])),
        ("f32_integers", np.array([16777216.0, 1.5], f32)),
        ("tiny_negative", np.array([-1e-9, 1e-9, 0.0]) + np.array([0.0, 0.0, 1e-3])),
    ]


def random_cases(count=400):
    rng = np.random.default_rng(20240611)
    cases = []
    for i in range(count):
        rank = int(rng.integers(1, 4))
        shape = tuple(int(d) for d in rng.integers(1, 8, rank))
        n = int(np.prod(shape))
        kind = int(rng.integers(0, 9))
        if kind == 0:
            a = rng.uniform(-1, 1, n)
        elif kind == 1:
            a = rng.standard_normal(n) * 10.0 ** int(rng.integers(-12, 12))
        elif kind == 2:
            a = np.round(rng.uniform(-1000, 1000, n), int(rng.integers(0, 4)))
        elif kind == 3:
            a = rng.uniform(-1, 1, n) * 10.0 ** rng.integers(-6, 10, n)
            a[rng.random(n) < 0.2] = rng.choice([np.nan, np.inf, -np.inf, 0.0])
        elif kind == 4:
            a = rng.integers(-10 ** int(rng.integers(1, 12)),
                             10 ** int(rng.integers(1, 12)), n)
        elif kind == 5:
            a = rng.random(n) < 0.5
        elif kind == 6:
            a = rng.integers(-50, 50, n) / 8.0
        elif kind == 7:
            a = rng.standard_normal(n) * 3
        else:
            a = rng.uniform(0, 1e8, n)
        if a.dtype == np.float64 and rng.random() < 0.4:
            a = a.astype(np.float32)
        if a.dtype == np.int64 and rng.random() < 0.4:
            a = (a % 2**31).astype(np.int32)
        cases.append((f"c{i:03d}", a.reshape(shape)))
    shapes = [(1500,), (40, 30), (3, 20, 20), (1001,), (2, 501)]
    for i in range(10):
        a = rng.standard_normal(shapes[i % 5]) * 10.0 ** int(rng.integers(-3, 5))
        cases.append((f"s{i:03d}", a.astype(np.float32) if i % 3 == 0 else a))
    return cases


def write_expected(name, files):
    """What `dl-npy print FILES` must show: for each array numpy loads, its
    name and type, then print(array)."""
    with open(path(name + ".expected"), "w") as f:
        for file in files:
            loaded = np.load(path(file))
            if file.endswith(".npy"):
                f.write(f"{file}: {type_string(loaded)}\n{str(loaded)}\n")
                continue
            if not loaded.files:
                f.write(f"{file}: no arrays\n")
            for key in loaded.files:
                array = loaded[key]
                f.write(f"{file}/{key}: {type_string(array)}\n{str(array)}\n")


READ_NPY = [f"{dtype}_{len(shape)}d.npy" for dtype in DTYPES for shape in SHAPES] + [
    "f32_2d_T.npy", "f64_empty.npy", "v2_f32_2d.npy", "v3_f32_2d.npy",
    "header_reordered.npy", "header_pylong.npy", "bool_little.npy"]
READ_NPZ = ["arrays.npz", "arrays_compressed.npz", "positional.npz",
            "empty_archive.npz", "zip64_records.npz", "big_compressed.npz"]


def write_print(name, cases, compress=False):
    save_function = np.savez_compressed if compress else np.savez
    save_function(path(name + ".npz"), **dict(cases))
    with open(path(name + ".expected"), "w") as f:
        for key, array in cases:
            f.write(f"{name}.npz/{key}: {type_string(array)}\n{str(array)}\n")


def main():
    if np.__version__.split(".")[:2] != ["1", "24"]:
        sys.exit(f"expected NumPy 1.24 (print format), found {np.__version__}")
    write_arrays()
    write_malformed()
    write_comparisons()
    write_expected("read_npy", READ_NPY)
    write_expected("read_npz", READ_NPZ)
    write_print("print_cases", print_cases(), compress=True)
    write_print("print_random", random_cases(), compress=True)


if __name__ == "__main__":
    main()
