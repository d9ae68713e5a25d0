#!/usr/bin/python3
"""Writes the data-file fixtures of test/Runtime (Inputs/data/) with NumPy.

Run with a Python that has NumPy 1.24 (on Debian 12: /usr/bin/python3),
after writing the checkpoint these fixtures damage with the runtime itself:

    build/bin/dlrt-test checkpoint-fixture test/Runtime/Inputs/data/model.ckpt
    /usr/bin/python3 test/Runtime/Inputs/make_data_fixtures.py

The files are committed; the tests never run Python. IDX files are written
as MNIST's are (big-endian header and elements), CSV files as spreadsheets
write them; malformed files are derived from good ones byte by byte.
data_load.expected holds what `dl-npy print` must show for each good file:
the array as NumPy loads it (numpy.loadtxt's view of the CSV columns), in
the dtype dl_array_load_native gives (or the one --dtype asks for), as
print(array) shows it. permutation.expected holds dl_permutation's output
computed here from its definition (docs/data.md).
"""

import csv
import gzip
import io
import os
import struct
import sys

import numpy as np

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
TYPE_NAMES = {np.dtype(np.float32): "f32", np.dtype(np.float64): "f64",
              np.dtype(np.int32): "i32", np.dtype(np.int64): "i64",
              np.dtype(np.bool_): "bool"}
IDX_CODES = {np.uint8: 0x08, np.int8: 0x09, np.int16: 0x0B, np.int32: 0x0C,
             np.float32: 0x0D, np.float64: 0x0E}


def path(name):
    return os.path.join(HERE, name)


def write(name, data):
    with open(path(name), "wb") as f:
        f.write(data)


def gz(data):
    """gzip with a fixed timestamp, so that the bytes do not change."""
    return gzip.compress(data, mtime=0)


def idx_bytes(array):
    header = struct.pack(">BBBB", 0, 0, IDX_CODES[array.dtype.type], array.ndim)
    header += struct.pack(">" + "I" * array.ndim, *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def type_string(array):
    name = TYPE_NAMES[array.dtype]
    if array.ndim == 0:
        return name
    return name + "[" + ", ".join(str(d) for d in array.shape) + "]"


def native(array):
    """The dtype dl_array_load_native gives an IDX array."""
    if array.dtype in (np.float32, np.float64):
        return array
    return array.astype(np.int32)


IDX_ARRAYS = {
    "u8_3d.idx": np.array([[[0, 1], [127, 128]], [[200, 254], [255, 3]],
                           [[9, 8], [7, 6]]], np.uint8),
    "i8_1d.idx": np.array([-128, -1, 0, 127], np.int8),
    "i16_2d.idx": np.array([[-32768, -2, 0], [1, 300, 32767]], np.int16),
    "i32_2d.idx": np.array([[-2147483648, -5], [70000, 2147483647]], np.int32),
    "f32_1d.idx": np.array([0.5, -1.25, 3e38], np.float32),
    "f64_1d.idx": np.array([0.1, -1e300], np.float64),
    # MNIST's shapes in miniature: 5 images of 4x3 and their labels.
    "images-idx3-ubyte": (np.arange(60) * 17 % 256).astype(np.uint8)
                         .reshape(5, 4, 3),
    "labels-idx1-ubyte": np.array([9, 0, 0, 3, 1], np.uint8),
}

# CSV files, with the rows NumPy sees.
IRIS = """sepal_length,sepal_width,petal_length,petal_width,species
5.1,3.5,1.4,0.2,setosa
4.9,3.0,1.4,0.2,setosa
7.0,3.2,4.7,1.4,versicolor
6.4,3.2,4.5,1.5,versicolor
6.3,3.3,6.0,2.5,virginica
"""
# No header, CRLF line ends, spaces around cells, a blank line, signs,
# exponents, integers beyond 2^53 that must stay exact as i64.
PLAIN = ("1, 2 ,3\r\n"
         "-4,+5,6e2\r\n"
         "\r\n"
         "7.5,-0.0,1E-3\r\n"
         "9007199254740993,0,-9007199254740993\r\n")
# A byte-order mark, quoted header names (one with a comma, one with a
# doubled quote), quoted numbers, nan and inf.
QUOTED = ('\ufeff"a,b","say ""hi""",c\n'
          '"1",2,nan\n'
          '3,"4",-inf\n')
EXACT = "9007199254740993\n-9223372036854775808\n9223372036854775807\n"
BOOLS = "flag,value\n1,0.5\n0,1.5\n1,2.5\n"


def csv_rows(text):
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")),
                        skipinitialspace=True)
    return [[cell.strip() for cell in row] for row in reader
            if any(cell.strip() for cell in row)]


def csv_columns(text, header):
    rows = csv_rows(text)
    return rows[0] if header else None, rows[1:] if header else rows


def select(text, header, selector, dtype=np.float64):
    """The columns a selector picks, as NumPy loads them."""
    names, rows = csv_columns(text, header)
    n = len(rows[0])
    columns = []
    single = False
    items = selector.split(",") if selector else None
    if items is None:
        columns = list(range(n))
    for item in items or []:
        item = item.strip()
        if ":" in item:
            parts = [int(p) if p else None for p in item.split(":")]
            columns += list(range(n))[slice(*parts)]
        elif item.lstrip("-").isdigit():
            columns.append(int(item) % n)
        else:
            columns.append(names.index(item))
    single = items is not None and len(items) == 1 and ":" not in items[0]
    if dtype == np.int64:  # exact integers, as dl_array_load reads them
        values = np.array([[int(row[c]) for c in columns] for row in rows],
                          np.int64)
    else:
        values = np.array([[float(row[c]) for c in columns] for row in rows],
                          np.float64).astype(dtype)
    return values[:, 0] if single else values


def write_good():
    expected = []

    def show(label, array):
        expected.append(f"{label}: {type_string(array)}\n{array}\n")

    for name, array in IDX_ARRAYS.items():
        write(name, idx_bytes(array))
        show(name, native(array))
    for name in ["images-idx3-ubyte", "labels-idx1-ubyte"]:
        write(name + ".gz", gz(idx_bytes(IDX_ARRAYS[name])))
        show(name + ".gz", native(IDX_ARRAYS[name]))
    # Two gzip members, as `cat a.gz b.gz` makes: one file.
    data = idx_bytes(IDX_ARRAYS["i16_2d.idx"])
    write("two_members.idx.gz", gz(data[:9]) + gz(data[9:]))
    show("two_members.idx.gz", native(IDX_ARRAYS["i16_2d.idx"]))

    write("iris.csv", IRIS.encode())
    write("plain.csv", PLAIN.encode())
    write("quoted.csv", QUOTED.encode("utf-8"))
    write("bools.csv", BOOLS.encode())
    write("iris.csv.gz", gz(IRIS.encode()))
    for selector in ["0:4", "1", "-2:-5:-1", "1::2", ":2", "sepal_length,petal_width",
                     "petal_length", "0,2, 3", "3,0:2"]:
        show(f"iris.csv:{selector}", select(IRIS, True, selector))
    show("iris.csv.gz:0:4", select(IRIS, True, "0:4"))
    show("plain.csv", select(PLAIN, False, None))
    show("quoted.csv", select(QUOTED, True, None))
    show('quoted.csv:say "hi"', select(QUOTED, True, "1"))

    np.save(path("f64.npy"), np.array([[1.0, 2.5], [-3.0, 4.0]]))
    write("f64.npy.gz", gz(open(path("f64.npy"), "rb").read()))
    show("f64.npy.gz", np.load(path("f64.npy")))
    np.savez(path("pair.npz"), x=np.arange(6, dtype=np.int64).reshape(2, 3),
             y=np.array([True, False]))
    np.savez(path("single.npz"), only=np.array([1.5, -2.0], np.float32))
    show("pair.npz:y", np.array([True, False]))
    show("single.npz/only", np.array([1.5, -2.0], np.float32))
    with open(path("data_load.expected"), "w") as f:
        f.write("".join(expected))

    # Conversions (--dtype), each file:selector as NumPy's astype gives it.
    converted = []

    def show_as(label, array):
        converted.append(f"{label}: {type_string(array)}\n{array}\n")

    u8 = IDX_ARRAYS["u8_3d.idx"]
    for dtype in [np.float32, np.float64, np.int32, np.int64]:
        show_as("u8_3d.idx", u8.astype(dtype))
    show_as("i16_2d.idx", IDX_ARRAYS["i16_2d.idx"].astype(np.float32))
    show_as("f32_1d.idx", IDX_ARRAYS["f32_1d.idx"].astype(np.float64))
    show_as("plain.csv", select(PLAIN, False, None, np.float32))
    show_as("plain.csv:0:2", select(PLAIN, False, "0:2", np.float64))
    show_as("plain.csv:0", select(PLAIN, False, "0", np.float32))
    show_as("plain.csv:2", select(PLAIN, False, "2", np.float64))
    show_as("iris.csv:0:4", select(IRIS, True, "0:4", np.float32))
    show_as("bools.csv:flag", select(BOOLS, True, "flag").astype(np.bool_))
    show_as("bools.csv:flag", select(BOOLS, True, "flag").astype(np.int32))
    show_as("pair.npz:x", np.arange(6, dtype=np.float32).reshape(2, 3))
    show_as("pair.npz:x", np.arange(6, dtype=np.int32).reshape(2, 3))
    show_as("pair.npz:y", np.array([1, 0], np.int64))
    show_as("single.npz", np.array([1.5, -2.0], np.float64))
    # Integers beyond 2^53 stay exact as i64 (a double would round them).
    write("exact.csv", EXACT.encode())
    show_as("exact.csv:0", select(EXACT, False, "0", np.int64))
    with open(path("data_convert.expected"), "w") as f:
        f.write("".join(converted))


def write_malformed():
    good = idx_bytes(IDX_ARRAYS["u8_3d.idx"])
    write("bad_type.idx", good[:2] + b"\x07" + good[3:])
    write("bad_rank.idx", b"\x00\x00\x08\x09" + b"\x00\x00\x00\x01" * 9 + b"x")
    write("bad_header.idx", good[:10])
    write("bad_short.idx", good[:3])
    write("bad_truncated.idx", good[:-2])
    write("bad_trailing.idx", good + b"\x00\x01")
    write("bad_overflow.idx", b"\x00\x00\x0e\x03" + b"\xff\xff\xff\xff" * 3)
    packed = gz(good)
    write("bad_crc.idx.gz", packed[:-8] + bytes([packed[-8] ^ 1]) + packed[-7:])
    write("bad_truncated.idx.gz", packed[:len(packed) // 2])
    write("bad_trailing.idx.gz", packed + b"garbage")
    write("bad_magic.idx.gz", good)
    write("bad_deflate.idx.gz", packed[:12] + b"\xff\xff\xff" + packed[15:])

    write("bad_ragged.csv", b"a,b,c\n1,2,3\n4,5\n6,7,8\n")
    write("bad_cell.csv", b"x,y\n1,2\n3,four\n")
    write("bad_empty_cell.csv", b"1,2\n3,\n")
    write("bad_quote.csv", b'1,2\n3,"4\n5,6\n')
    write("bad_after_quote.csv", b'1,"2"x\n')
    write("bad_binary.csv", b"1,2\n3,\x01\n")
    write("bad_empty.csv", b"")
    write("bad_blank.csv", b"\n  \n\n")
    write("bad_range.csv", b"1e999\n")
    write("big.csv", b"3000000000,1e300,2.5\n")


def splitmix64_permutation(seed, n):
    """dl_permutation as docs/data.md defines it."""
    mask = (1 << 64) - 1
    state = seed

    def next_value():
        nonlocal state
        state = (state + 0x9E3779B97F4A7C15) & mask
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        return z ^ (z >> 31)

    def below(bound):
        threshold = (-bound) % (1 << 64) % bound
        while True:
            r = next_value()
            if r >= threshold:
                return r % bound

    out = list(range(n))
    for i in range(n - 1, 0, -1):
        j = below(i + 1)
        out[i], out[j] = out[j], out[i]
    return out


def write_permutations():
    with open(path("permutation.expected"), "w") as f:
        for seed, n in [(0, 10), (42, 10), (42, 1), (2**64 - 1, 20),
                        (12345, 100)]:
            values = " ".join(str(v) for v in splitmix64_permutation(seed, n))
            f.write(f"permutation {seed} {n}: {values}\n")


def xxh64(data):
    """XXH64 with seed 0 (the xxHash specification), for fixing checksums."""
    mask = (1 << 64) - 1
    p1, p2, p3 = 0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9
    p4, p5 = 0x85EBCA77C2B2AE63, 0x27D4EB2F165667C5

    def rotl(x, r):
        return ((x << r) | (x >> (64 - r))) & mask

    def round_(acc, lane):
        return rotl((acc + lane * p2) & mask, 31) * p1 & mask

    def merge(acc, lane):
        return ((acc ^ round_(0, lane)) * p1 + p4) & mask

    n, i = len(data), 0
    if n >= 32:
        v = [(p1 + p2) & mask, p2, 0, (-p1) & mask]
        while i + 32 <= n:
            for k in range(4):
                v[k] = round_(v[k], struct.unpack_from("<Q", data, i + 8 * k)[0])
            i += 32
        h = (rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18)) & mask
        for lane in v:
            h = merge(h, lane)
    else:
        h = p5
    h = (h + n) & mask
    while i + 8 <= n:
        h = (rotl(h ^ round_(0, struct.unpack_from("<Q", data, i)[0]), 27) * p1 + p4) & mask
        i += 8
    if i + 4 <= n:
        h = (rotl(h ^ (struct.unpack_from("<I", data, i)[0] * p1 & mask), 23) * p2 + p3) & mask
        i += 4
    while i < n:
        h = rotl(h ^ (data[i] * p5 & mask), 11) * p1 & mask
        i += 1
    h = (h ^ (h >> 33)) * p2 & mask
    h = (h ^ (h >> 29)) * p3 & mask
    return h ^ (h >> 32)


class Checkpoint:
    """A checkpoint's bytes, with just enough FlatBuffers reading to find the
    fields of its tensors (schemas/checkpoint.fbs) and rewrite them."""

    TENSOR_FIELDS = ["name", "role", "dtype", "shape", "offset", "size",
                     "checksum"]

    def __init__(self, data):
        self.data = bytearray(data)
        self.table_size = struct.unpack_from("<I", data, 12)[0]

    def u32(self, at):
        return struct.unpack_from("<I", self.data, at)[0]

    def field(self, table, index):
        """The file offset of field `index` of the table at `table`."""
        vtable = table - struct.unpack_from("<i", self.data, table)[0]
        return table + struct.unpack_from("<H", self.data, vtable + 4 + 2 * index)[0]

    def tensor(self, i):
        """The file offsets of the fields of tensor i."""
        root = 64 + self.u32(64)
        vector = self.field(root, 8)
        vector += self.u32(vector)
        element = vector + 4 + 4 * i
        table = element + self.u32(element)
        return {name: self.field(table, k)
                for k, name in enumerate(self.TENSOR_FIELDS)}

    def reseal(self):
        """Recomputes the table and header checksums."""
        table = bytes(self.data[64:64 + self.table_size])
        struct.pack_into("<Q", self.data, 16, xxh64(table))
        struct.pack_into("<Q", self.data, 56, xxh64(bytes(self.data[:56])))
        return bytes(self.data)


def write_checkpoints():
    """Checkpoints whose checksums are right but whose contents are not."""
    assert xxh64(b"abc") == 0x44BC2CF5AD770999  # the specification's value
    good = open(path("model.ckpt"), "rb").read()

    def damaged(name, change):
        checkpoint = Checkpoint(good)
        change(checkpoint)
        write(name, checkpoint.reseal())

    def set_u64(tensor, field, value):
        def change(c):
            struct.pack_into("<Q", c.data, c.tensor(tensor)[field], value)
        return change

    w = Checkpoint(good).tensor(0)
    offset = struct.unpack_from("<Q", good, w["offset"])[0]
    damaged("bad_misaligned.ckpt", set_u64(0, "offset", offset + 8))
    damaged("bad_past_end.ckpt", set_u64(0, "offset", 1 << 40))
    damaged("bad_in_table.ckpt", set_u64(0, "offset", 64))
    damaged("bad_size.ckpt", set_u64(0, "size", 28))
    damaged("bad_overlap.ckpt", set_u64(1, "offset", offset))

    def rename(c):
        name = c.tensor(1)["name"]
        name += c.u32(name)
        c.data[name + 4:name + 8] = b"fc.w"
    damaged("bad_duplicate.ckpt", rename)

    def negative_extent(c):
        shape = c.tensor(0)["shape"]
        shape += c.u32(shape)
        struct.pack_into("<q", c.data, shape + 4, -1)
    damaged("bad_shape.ckpt", negative_extent)

    def set_byte(field, value):
        def change(c):
            c.data[c.tensor(2)[field]] = value
        return change
    damaged("bad_dtype.ckpt", set_byte("dtype", 9))
    damaged("bad_role.ckpt", set_byte("role", 3))

    def root_offset(c):
        struct.pack_into("<I", c.data, 64, 0xFFFFFF00)
    damaged("bad_root.ckpt", root_offset)

    def identifier(c):
        c.data[68:72] = b"XXXX"
    damaged("bad_identifier.ckpt", identifier)


def write_torch_state():
    """A PyTorch model's state_dict saved with NumPy, as users export
    weights for dlc: parameters, buffers, an i64 scalar counter."""
    import torch
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3))
    np.savez(path("torch_state.npz"),
             **{k: v.numpy() for k, v in model.state_dict().items()})


def main():
    if np.__version__.split(".")[:2] != ["1", "24"]:
        sys.exit(f"expected NumPy 1.24 (print format), found {np.__version__}")
    os.makedirs(HERE, exist_ok=True)
    write_good()
    write_malformed()
    write_permutations()
    write_checkpoints()
    write_torch_state()


if __name__ == "__main__":
    main()
