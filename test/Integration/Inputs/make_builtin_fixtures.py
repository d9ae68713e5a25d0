#!/usr/bin/python3
"""Fixtures of the end-to-end tests of dlc's built-in functions.

The tests in test/Integration/Builtins/*.dl run entry points with
`dlc run --inputs Inputs/<case>.in.npz --outputs ...` and compare the results
with `dl-npy compare ... Inputs/<case>.expected.npz`. This script writes
those two files for every case below. The expected values are computed
independently of dlc, with PyTorch (NumPy where PyTorch lacks the function or
where docs/language.md says DL follows NumPy), never from dlc's output.

Regenerate with Debian's Python, which has torch 1.13 and numpy (the
`python3` first on PATH may not have them):

    /usr/bin/python3 test/Integration/Inputs/make_builtin_fixtures.py

Conventions:
  - A case's name is the name of the entry point that uses it (several .dl
    entries may share a case only when they say so in their RUN lines).
  - <case>.in.npz holds the entry's tensor arguments by parameter name;
    <case>.expected.npz holds arr_0, arr_1, ... in the order of the entry's
    `return`, with the dtypes the results must have (dl-npy compare checks
    dtypes and shapes too).
  - Every case draws from its own generator, seeded by the case's name, so
    adding or changing a case leaves the others' bytes alone; the .npz files
    are written with fixed timestamps, so regenerating an unchanged case
    changes nothing. Files of cases that no longer exist are removed.
  - Floating-point references are computed in float64 and rounded to the
    result dtype (the correctly rounded answer) unless the case says it
    uses PyTorch's f32 arithmetic on purpose (+ - * / are exact either way).
Keep arrays small: the whole Inputs folder stays well under 1 MB.
"""

import io
import os
import sys
import zipfile
import zlib

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Builtins", "Inputs")

torch.set_default_dtype(torch.float32)

nan = float("nan")
inf = float("inf")

CASES = {}


def case(name, inputs, outputs):
    """Registers a case: inputs is a dict name -> array, outputs a list."""
    assert name not in CASES, name
    ins = {k: np.asarray(v) for k, v in inputs.items()}
    outs = []
    for v in outputs:
        if isinstance(v, torch.Tensor):
            v = v.numpy()
        outs.append(np.asarray(v))
    for arr in list(ins.values()) + outs:
        assert arr.dtype in (np.float32, np.float64, np.int32, np.int64, np.bool_), (name, arr.dtype)
        assert arr.ndim <= 8
    CASES[name] = (ins, outs)


def rng(name):
    return np.random.default_rng(zlib.crc32(name.encode()))


def T(a):
    """A numpy array (or list) as a torch tensor of the same dtype."""
    return torch.from_numpy(np.array(a))


def f32(a):
    return np.asarray(a, dtype=np.float32)


def f64(a):
    return np.asarray(a, dtype=np.float64)


def i32(a):
    return np.asarray(a, dtype=np.int32)


def i64(a):
    return np.asarray(a, dtype=np.int64)


def hi(fn, *args, dtype=None):
    """fn evaluated in float64 (float and integer arguments are converted),
    the result rounded to `dtype` (by default the first argument's dtype)."""
    dtype = dtype or np.asarray(args[0]).dtype
    targs = [T(np.asarray(a, dtype=np.float64)) if np.asarray(a).dtype.kind in "fi" else T(a) for a in args]
    with np.errstate(over="ignore"):  # exp(1e4) and such round to inf
        return fn(*targs).numpy().astype(dtype)


def dyadic(r, shape, lo=-4, hi_=4, denom=8):
    """Random multiples of 1/denom: sums and products of a few of them are
    exact in f32, so data movement and matmul can be compared exactly."""
    return (r.integers(lo * denom, hi_ * denom + 1, size=shape) / denom)


# ----------------------------------------------------------------------------
# unary.dl
# ----------------------------------------------------------------------------

def unary_cases():
    for dt, name in ((np.float32, "f32"), (np.float64, "f64")):
        r = rng("unary_" + name)
        x = np.concatenate([[0.5, -0.5, 3.7, -3.7, 1e-3, -1e-3, 9.5, -9.5], r.normal(0, 3, 16)]).astype(dt)
        p = (10.0 ** r.uniform(-3, 3, 12)).astype(dt)
        q = np.array([-0.9, -0.5, -1e-3, 1e-8, -1e-8, 1e-4, 0.5, 3.0, 1e5, 2e-6], dtype=dt)
        # exp(x), log(p), log1p(q), rsqrt(p), sin(x), cos(x), tanh(x), erf(x), sigmoid(x)
        case("unary_" + name, {"x": x, "p": p, "q": q},
             [hi(torch.exp, x), hi(torch.log, p), hi(torch.log1p, q), hi(torch.rsqrt, p),
              hi(torch.sin, x), hi(torch.cos, x), hi(torch.tanh, x), hi(torch.erf, x),
              hi(torch.sigmoid, x)])

        # Exactly rounded functions: floor ceil round abs neg sign sqrt.
        r = rng("unary_exact_" + name)
        x = np.concatenate([[0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.0, 3.49, -3.51, 1e7 + 1, -8388609.0],
                            r.normal(0, 5, 13)]).astype(dt)
        p = np.concatenate([[0.0, 4.0, 2.0, 1e-20, 1e20], 10.0 ** r.uniform(-4, 4, 7)]).astype(dt)
        case("unary_exact_" + name, {"x": x, "p": p},
             [hi(torch.floor, x), hi(torch.ceil, x), hi(torch.round, x), hi(torch.abs, x),
              hi(torch.neg, x), hi(torch.sign, x), hi(torch.sqrt, p)])

        # Special values through every unary function (sign(NaN) is 0, as
        # in torch).
        s = np.array([nan, inf, -inf, 0.0, -0.0, 1e4, -1e4, 100.0, -100.0, 88.0, -88.0, 20.0, -20.0, -1.0],
                     dtype=dt)
        outs = [hi(fn, s) for fn in (torch.exp, torch.log, torch.log1p, torch.sqrt, torch.rsqrt, torch.sin,
                                     torch.cos, torch.tanh, torch.erf, torch.sigmoid, torch.floor,
                                     torch.ceil, torch.round, torch.abs, torch.neg)]
        outs.append(hi(torch.sign, s))
        case("unary_special_" + name, {"s": s}, outs)

    # Signed zeros: 1 / f(z) tells -0.0 (-inf) from 0.0 (inf).
    z = f32([0.0, -0.0, -0.4, 0.4, -0.6])
    one = np.float32(1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        case("signed_zero", {"z": z},
             [one / hi(fn, z) for fn in (torch.neg, torch.abs, torch.round, torch.ceil, torch.floor,
                                          torch.sqrt, torch.tanh, torch.sin, torch.log1p)])
        # erf(-0.0) is -0.0 (erf is odd; PyTorch, libm).
        case("erf_negative_zero", {"z": z}, [one / hi(torch.erf, z)])

    # Integer arguments: transcendental functions compute in f32 (as
    # PyTorch), the others keep the integer dtype.
    i = i32([-3, -1, 0, 1, 2, 5, 7, 100])
    l = i64([0, 1, 2, 3, 9, 10, 1000, 123456])
    m = i64([-7, -2, 0, 3, 5, -100, 2**40, -(2**40)])
    case("unary_int", {"i": i, "l": l, "m": m},
         [hi(torch.exp, i, dtype=np.float32), hi(torch.log, l, dtype=np.float32),
          hi(torch.sqrt, l, dtype=np.float32), hi(torch.tanh, i, dtype=np.float32),
          hi(torch.sigmoid, m, dtype=np.float32), hi(torch.erf, i, dtype=np.float32),
          hi(torch.sin, l, dtype=np.float32), hi(torch.cos, i, dtype=np.float32),
          hi(torch.log1p, l, dtype=np.float32), hi(torch.rsqrt, l, dtype=np.float32),
          torch.floor(T(i)), torch.ceil(T(m)), torch.round(T(i)), torch.abs(T(i)), torch.abs(T(m)),
          torch.neg(T(m)), torch.sign(T(i)), torch.sign(T(m))])


# ----------------------------------------------------------------------------
# binary.dl
# ----------------------------------------------------------------------------

def binary_cases():
    for dt, name in ((np.float32, "f32"), (np.float64, "f64")):
        r = rng("arith_" + name)
        a = r.normal(0, 2, (4, 5)).astype(dt)
        b = (r.choice([-1, 1], (4, 5)) * r.uniform(0.5, 3, (4, 5))).astype(dt)
        row = (r.choice([-1, 1], 5) * r.uniform(0.5, 3, 5)).astype(dt)
        col = (r.choice([-1, 1], (4, 1)) * r.uniform(0.5, 3, (4, 1))).astype(dt)
        s = np.asarray(r.uniform(-2, 2), dtype=dt)
        pos = r.uniform(0.1, 4, (4, 5)).astype(dt)
        A, B, ROW, COL, S, POS = T(a), T(b), T(row), T(col), T(s), T(pos)
        # IEEE + - * / in the operands' dtype are exact (correctly rounded):
        # PyTorch's f32 results are the reference. pow in float64, rounded.
        case("arith_" + name, {"a": a, "b": b, "row": row, "col": col, "s": s, "pos": pos},
             [A + B, A - ROW, A * COL, A / B, ROW - A, COL / B, A * S, S - A, A + 2.5, 3 - A, A / 4,
              -A, +A, 1 / B, A * -0.75,
              hi(torch.pow, pos, a), A * A, A * A * A, A * A * A * A, hi(torch.sqrt, pos),
              hi(lambda p: torch.pow(p, -1.5), pos), hi(lambda x: torch.pow(2.0, x), a),
              hi(torch.pow, pos, row), hi(lambda x: torch.pow(x, 0.3), pos),
              torch.maximum(A, B), torch.minimum(A, ROW), torch.maximum(A, COL), torch.minimum(A, S),
              torch.clamp(A, min=0.25), torch.clamp(A, max=-0.5)])

        # floor_divide, remainder and % on floats, Python's semantics
        # (torch.floor_divide and torch.remainder), values away from the
        # rounding edges (those are in float_div_edges).
        r = rng("floordiv_" + name)
        a = np.round(r.uniform(-20, 20, (3, 6)), 2).astype(dt)
        b = (r.choice([-1, 1], (3, 6)) * np.round(r.uniform(0.7, 6, (3, 6)), 1)).astype(dt)
        row = np.array([3, -3, 2.5, -2.5, 7, -0.75], dtype=dt)
        A, B, ROW = T(a), T(b), T(row)
        case("floordiv_" + name, {"a": a, "b": b, "row": row},
             [hi(torch.floor_divide, a, b), hi(torch.remainder, a, b), hi(torch.remainder, a, row),
              hi(torch.floor_divide, a, row), hi(lambda x: torch.remainder(x, 4.0), a),
              hi(lambda x: torch.floor_divide(x, -4.0), a)])

    # Integers: Python's floor division and remainder with negative numbers.
    a = i64([-7, 7, -7, 7, 0, -1, 13, -13, 2**40 + 3, -(2**40) - 3, 6, -6])
    b = i64([2, -2, -2, 2, 5, 3, -4, 4, 7, 7, 3, -3])
    c = i32([-7, 7, -7, 7, 0, -1, 13, -13, 1000003, -1000003, 6, -6])
    d = i32([2, -2, -2, 2, 5, 3, -4, 4, -7, 7, 3, -3])
    A, B, C, D = T(a), T(b), T(c), T(d)
    case("arith_int", {"a": a, "b": b, "c": c, "d": d},
         [A + B, A - B, A * B, torch.floor_divide(A, B), torch.remainder(A, B), torch.remainder(A, 3),
          torch.floor_divide(A, -3), C + D, C - D, C * D, torch.floor_divide(C, D), torch.remainder(C, D),
          torch.remainder(C, -5), C ** 2, C ** 3, D ** 4, -C, torch.maximum(C, D), torch.minimum(A, B),
          (A / B).float(), A * 3 - 1])

    # Integer division by zero is a run-time error (as PyTorch raises); the
    # test checks the message, so there are no expected values.
    case("int_div_zero", {"a": i64([-7, 7, 0, 1]), "c": i32([-7, 7, 0, 1])}, [])

    # Float floor division and remainder at the edges: inf, NaN, zeros,
    # and quotients that round up to an integer (1 // 0.1 is 9 in Python
    # and PyTorch, not floor(1 / 0.1) = 10).
    x = f32([5, -7, inf, nan, -0.0, 7, 0, -7, -7, 7, -7, 1.0, -1.0, 2.0, 0.7])
    y = f32([inf, inf, 2, 1, 3, 0, 0, 2, -2, -2, 0, 0.1, 0.1, 0.2, 0.1])
    X, Y = T(x), T(y)
    case("float_div_edges", {"x": x, "y": y},
         [torch.floor_divide(X, Y), torch.remainder(X, Y), X / Y])
    # The same at compile time, on Python floats (float64): 1.0 // 0.1 and
    # 1.0 % 0.1, 5.0 % inf, -7.0 // inf.
    case("float_div_edges_const", {},
         [f64(np.floor_divide(1.0, 0.1)), f64(np.remainder(1.0, 0.1)), f64(np.remainder(5.0, inf)),
          f64(np.floor_divide(-7.0, inf))])

    # pow at special points: negative bases with integral exponents, zeros
    # with negative exponents, 0 ** 0, NaN ** 0, 1 ** NaN, inf.
    b = f32([-2.0, -2.0, -0.0, 0.0, 0.0, nan, 1.0, -8.0, inf, inf, -inf, 2.0, 0.5, -1.0])
    e = f32([3.0, 2.0, -1.0, -1.0, 0.0, 0.0, nan, 1.0 / 3.0, -1.0, 0.5, 3.0, -inf, -inf, inf])
    Bt, E = T(b), T(e)
    case("pow_special", {"b": b, "e": e}, [torch.pow(Bt, E), Bt ** 3.0, Bt ** -2, Bt ** 2, Bt.abs() ** 0.5])

    # NaN propagation of maximum/minimum/max/min and inf.
    a = f32([[nan, 1.0, nan, -inf, 2.0], [inf, -1.0, 0.5, nan, 3.0]])
    b = f32([1.0, nan, nan, 1.0, -inf])
    A, B = T(a), T(b)
    case("minmax_nan", {"a": a, "b": b},
         [torch.maximum(A, B), torch.minimum(A, B), torch.maximum(B, A), torch.minimum(B, A),
          torch.maximum(A, T(np.float32(0.0))), torch.minimum(A, T(np.float32(0.0))),
          torch.clamp(A, -1.0, 1.0)])


# ----------------------------------------------------------------------------
# compare_select.dl
# ----------------------------------------------------------------------------

def compare_cases():
    a = f32([[nan, 1.0, 2.0, -inf], [inf, 0.5, -0.0, 2.0], [3.0, nan, 0.0, 1.0]])
    row = f32([1.0, nan, 0.0, 2.0])
    s = np.float32(0.5)
    A, ROW, S = T(a), T(row), T(s)
    case("compare_f32", {"a": a, "row": row, "s": s},
         [A == ROW, A != ROW, A < ROW, A <= S, A > 0.5, A >= ROW, A == A, A != A, A < inf, A == 0])

    d = f64([0.1, 1.0 / 3.0, 2.0, nan])
    f = f32([0.1, 1.0 / 3.0, 2.0, 1.0])
    i = i32([-3, 0, 2, 3, 7])
    l = i64([-3, 1, 2, 4, 6])
    D, Fv, I, L = T(d), T(f), T(i), T(l)
    case("compare_mixed", {"d": d, "f": f, "i": i, "l": l},
         [Fv > D, Fv == D, Fv < D, I < L, I == 3, L >= I, I != L, I > 2.5, L <= -1, I == L])

    p = np.array([[True, False, True], [False, False, True]])
    q = np.array([True, True, False])
    rr = np.array([[False], [True]])
    x = f32([[-1.0, 0.5, 2.0], [0.0, 1.5, nan]])
    P, Q, R, X = T(p), T(q), T(rr), T(x)
    case("logic", {"p": p, "q": q, "r": rr, "x": x},
         [P & Q, P | R, ~P, (~(P & Q)) | R, P == Q, P != R, (X > 0) & (X < 1), ~(X > 0), (X < 0) | (X > 1)])

    r = rng("where_f32")
    c = r.random((2, 1, 4)) > 0.5
    x = f32(r.normal(0, 1, (3, 1)))
    y = f32(r.normal(0, 1, 4))
    a = f32(r.normal(0, 1, (3, 4)))
    a[1, 2] = nan
    C, X, Y, A = T(c), T(x), T(y), T(a)
    case("where_f32", {"c": c, "x": x, "y": y, "a": a},
         [torch.where(C, X, Y), torch.where(C, X, 0.0), torch.where(C, 1.5, Y), torch.where(A > 0, A, -A),
          torch.where(C, A, Y), torch.where(T(np.array(True)), A, Y)])

    # clamp: both bounds, one bound, positional, NaN, min > max (max wins),
    # integer tensors with integer bounds.
    x = f32([[-3.0, -1.0, -0.5, 0.0], [0.5, 1.0, 7.0, nan]])
    k = i64([-5, -1, 0, 3, 9])
    X, K = T(x), T(k)
    case("clamping", {"x": x, "k": k},
         [torch.clamp(X, -1.0, 1.0), torch.clamp(X, min=-0.75), torch.clamp(X, max=0.25),
          torch.clamp(X, 0.5, -0.5), torch.clamp(K, -1, 4), torch.clamp(K, min=0), torch.clamp(X, 0, 6)])


# ----------------------------------------------------------------------------
# activations.dl
# ----------------------------------------------------------------------------

def heaviside(x, at_zero=1.0):
    return torch.heaviside(x, torch.tensor(at_zero, dtype=x.dtype))


def activation_cases():
    for dt, name in ((np.float32, "f32"), (np.float64, "f64")):
        r = rng("act_" + name)
        x = np.concatenate([[0.0, 1e-3, -1e-3, -3.0, 3.0, 6.0, -6.0, 5.9, 20.5, -20.5, 30.0, -30.0, 10.5, -10.5],
                            r.normal(0, 4, 16)]).astype(dt)
        xc = r.normal(0, 2, (2, 3, 4)).astype(dt)
        w1 = np.array([0.25], dtype=dt)
        wc = np.array([0.1, -0.5, 2.0], dtype=dt)
        xw = lambda fn: hi(fn, x)
        outs = [xw(heaviside), xw(lambda t: heaviside(t, 0.5)), xw(F.relu), xw(F.relu6), xw(F.leaky_relu),
                xw(lambda t: F.leaky_relu(t, 0.2)), hi(F.prelu, x, w1), hi(F.prelu, xc, wc),
                hi(F.prelu, xc, w1), xw(F.softplus), xw(lambda t: F.softplus(t, 2.0, 10.0)),
                xw(F.softsign), xw(F.silu), xw(F.silu), xw(F.hardsigmoid), xw(F.hardtanh),
                xw(lambda t: F.hardtanh(t, -2.0, 3.0)), xw(F.logsigmoid), xw(torch.sigmoid)]
        case("act_" + name, {"x": x, "xc": xc, "w1": w1, "wc": wc}, outs)
        # e^x - 1 and 1 + erf(x): cancellation in the definitions.
        case("act_cancel_" + name, {"x": x},
             [xw(F.elu), xw(lambda t: F.elu(t, 0.5)), xw(F.selu), xw(F.gelu),
              xw(lambda t: F.gelu(t, approximate="tanh"))])

    for dt, name in ((np.float32, "f32"), (np.float64, "f64")):
        x = np.array([-1e4, -1e3, -100.0, -88.0, -30.0, -20.5, 20.5, 30.0, 88.0, 100.0, 1e3, 1e4, inf, -inf, nan],
                     dtype=dt)
        xw = lambda fn: hi(fn, x)
        case("act_extreme_" + name, {"x": x},
             [xw(torch.sigmoid), xw(F.softplus), xw(F.logsigmoid), xw(F.elu), xw(F.selu), xw(F.silu),
              xw(F.relu), xw(F.gelu), xw(F.softsign), xw(F.hardsigmoid), xw(F.leaky_relu), xw(F.relu6),
              xw(heaviside), xw(F.hardtanh), xw(lambda t: F.softplus(t, 0.5, 5.0))])


# ----------------------------------------------------------------------------
# softmax.dl
# ----------------------------------------------------------------------------

def softmax_cases():
    for dt, name in ((np.float32, "f32"), (np.float64, "f64")):
        r = rng("softmax_" + name)
        x = r.normal(0, 3, (3, 5)).astype(dt)
        big = np.array([[1e4, 1e4 - 1, 0.0, -1e4], [1e4, 1e4, 1e4, 1e4], [-1e4, -1e4 + 2, -1e4 + 1, -1e4]],
                       dtype=dt)
        neg = np.array([[-inf, 0.0, 1.0, -inf], [-inf, -inf, -inf, 2.0], [-inf, -inf, -inf, -inf],
                        [inf, 0.0, 1.0, -inf], [nan, 0.0, 1.0, 2.0]], dtype=dt)
        x3 = r.normal(0, 2, (2, 3, 4)).astype(dt)
        sm = lambda a, d: hi(lambda t: torch.softmax(t, d), a)
        lsm = lambda a, d: hi(lambda t: torch.log_softmax(t, d), a)
        case("softmax_" + name, {"x": x, "big": big, "neg": neg, "x3": x3},
             [sm(x, -1), sm(x, 0), lsm(x, -1), lsm(x, 0), sm(big, -1), lsm(big, -1), sm(big, 0), lsm(big, 0),
              sm(neg, -1), lsm(neg, -1), sm(x3, 1), lsm(x3, -2), sm(x3, 0), lsm(x3, 2)])


# ----------------------------------------------------------------------------
# reductions.dl
# ----------------------------------------------------------------------------

def np_prod(a, axis, keepdims=False):
    return np.prod(a, axis=axis, keepdims=keepdims)


def reduction_cases():
    for dt, name in ((np.float32, "f32"), (np.float64, "f64")):
        r = rng("reduce_" + name)
        x = r.uniform(0.5, 2.0, (3, 4, 5)).astype(dt)
        y = r.normal(0, 3, (3, 4, 5)).astype(dt)
        X, Y = T(x.astype(np.float64)), T(y.astype(np.float64))
        c = lambda t: t.numpy().astype(dt)
        case("reduce_" + name, {"x": x, "y": y},
             [c(X.sum()), c(X.sum(1)), c(X.sum(-1, keepdim=True)), c(X.sum((0, 2))),
              c(X.sum((-1, 0), keepdim=True)), c(X.mean()), c(X.mean(0)), c(X.mean((1, 2), keepdim=True)),
              c(X.prod()), c(X.prod(1)), c(X.prod(-3, keepdim=True)), np_prod(x.astype(np.float64), (0, 2)).astype(dt),
              c(Y.amax()), c(Y.amax(2)), c(Y.amax(-2, keepdim=True)), c(Y.amin((0, 1))), c(Y.amin()),
              c(Y.amin(-1, keepdim=True)), c(Y.sum(0)), c(Y.mean(-1))])

    i = i32([[3, -1, 4, 1], [-5, 9, 2, -6], [5, 3, -5, 8]])
    l = i64([[2**40, -3, 7, 0], [1, 1, -1, 5], [-(2**41), 6, 2, 3]])
    b = np.array([[True, False, True, True], [False, False, False, False], [True, True, True, True]])
    I, L, Bt = T(i), T(l), T(b)
    case("reduce_int", {"i": i, "l": l, "b": b},
         [L.sum(), L.sum(0), L[:, 1:].prod(1), L.amax(), L.amin(1, keepdim=True), I.amax(1), I.amin(),
          I.amax(0, keepdim=True), Bt.sum(), Bt.sum(1), Bt.prod(1)])

    # sum and prod of i32 give i64, as in PyTorch (docs/language.md only
    # says so for bool, and otherwise follows PyTorch).
    # 4 * 2^30 does not fit in i32.
    big = i32([2**30, 2**30, 2**30, 2**30])
    case("reduce_i32_sum", {"i": i, "big": big}, [I.sum(), I.sum(0), I.prod(1), T(big).sum()])

    # max/min propagate NaN; sum/mean of a NaN row are NaN; inf.
    x = f32([[1.0, nan, 3.0, -1.0], [inf, 2.0, -inf, 0.0], [-2.0, -inf, 5.0, nan], [1.0, 2.0, 3.0, 4.0]])
    X = T(x)
    case("reduce_nan", {"x": x},
         [X.amax(1), X.amin(1), X.amax(), X.amin(), X.amax(0), X.amin(0), X.sum(1), X.mean(1), X.prod(0)])


# ----------------------------------------------------------------------------
# argmax.dl
# ----------------------------------------------------------------------------

def argmax_cases():
    for dt, name in ((np.float32, "f32"), (np.float64, "f64")):
        r = rng("argmax_" + name)
        x = np.array([[1.0, 3.0, 3.0, 0.0, 3.0], [-1.0, -2.0, -2.0, -1.0, 5.0], [0.0, 0.0, 0.0, 0.0, 0.0]],
                     dtype=dt)
        t = np.array([[1.0, nan, 3.0, nan], [inf, 2.0, -inf, nan], [-inf, -inf, -inf, -inf],
                      [2.0, inf, inf, -1.0], [nan, 1.0, nan, 0.0]], dtype=dt)
        x3 = np.round(r.normal(0, 2, (2, 3, 4))).astype(dt)
        X, Tt, X3 = T(x), T(t), T(x3)
        case("argmax_" + name, {"x": x, "t": t, "x3": x3},
             [X.argmax(), X.argmin(), X.argmax(1), X.argmin(0), X.argmax(-1, keepdim=True), X3.argmax(1),
              X3.argmin(-3, keepdim=True), X3.argmax(), Tt.argmax(1), Tt.argmin(1), Tt.argmax(), Tt.argmin(),
              Tt.argmax(0), Tt.argmin(0)])

    # keepdims with axis = none keeps every dimension as 1 (torch 1.13 and
    # numpy.argmax give shape [1, 1] for a matrix).
    x = f32([[1, 5, 2], [0, -1, 3]])
    x3 = f32(np.arange(24).reshape(2, 3, 4) % 7)
    X, X3 = T(x), T(x3)
    case("argmax_keepdims_none", {"x": x, "x3": x3},
         [X.argmax(keepdim=True), X.argmin(keepdim=True), X3.argmax(keepdim=True)])

    i = i32([[3, -1, 4, 4], [-5, 9, 9, -6], [5, 3, -5, -5]])
    l = i64([[2**40, -3, 7], [2**40 + 1, 2**40 + 1, -(2**41)]])
    I, L = T(i), T(l)
    case("argmax_int", {"i": i, "l": l},
         [I.argmax(1), I.argmin(1), I.argmax(), L.argmin(), L.argmax(0, keepdim=True), L.argmax(-1)])


# ----------------------------------------------------------------------------
# matmul.dl
# ----------------------------------------------------------------------------

def matmul_cases():
    # Every rank combination, on multiples of 1/8 in [-4, 4]: every product
    # and sum is exact in f32, so the results compare exactly.
    r = rng("matmul_ranks")
    shapes = {"v": (4,), "w": (4,), "m": (3, 4), "n": (4, 5), "b3": (2, 3, 4), "c3": (2, 4, 5),
              "b4": (2, 1, 3, 4), "c4": (3, 4, 5)}
    ins = {k: f32(dyadic(r, s)) for k, s in shapes.items()}
    Tn = {k: T(v.astype(np.float64)) for k, v in ins.items()}
    mm = lambda a, b: torch.matmul(Tn[a], Tn[b]).numpy().astype(np.float32)
    case("matmul_ranks", ins,
         [mm("v", "w"), mm("v", "n"), mm("m", "v"), mm("m", "n"), mm("b3", "n"), mm("b3", "v"), mm("v", "c3"),
          mm("b3", "c3"), mm("b4", "c4"), mm("m", "c3"), mm("b4", "n"), mm("v", "c4"),
          mm("m", "n")])

    for dt, name in ((np.float32, "f32"), (np.float64, "f64")):
        r = rng("matmul_" + name)
        a = r.normal(0, 1, (3, 7)).astype(dt)
        b = r.normal(0, 1, (7, 4)).astype(dt)
        a3 = r.normal(0, 1, (2, 3, 7)).astype(dt)
        b3 = r.normal(0, 1, (1, 7, 4)).astype(dt)
        v = r.normal(0, 1, 7).astype(dt)
        case("matmul_" + name, {"a": a, "b": b, "a3": a3, "b3": b3, "v": v},
             [hi(torch.matmul, a, b), hi(torch.matmul, a3, b3), hi(torch.matmul, v, v), hi(torch.matmul, a, v),
              hi(torch.matmul, v, b3), hi(torch.matmul, a3, b)])

    r = rng("matmul_int")
    m = i64(r.integers(-9, 10, (3, 4)))
    n = i64(r.integers(-9, 10, (4, 2)))
    v = i32(r.integers(-9, 10, 4))
    w = i32(r.integers(-9, 10, 4))
    b3 = i64(r.integers(-9, 10, (2, 3, 4)))
    M, N, V, W, B3 = T(m), T(n), T(v), T(w), T(b3)
    case("matmul_int", {"m": m, "n": n, "v": v, "w": w, "b3": b3},
         [M @ N, (V.long() @ W.long()).int(), B3 @ N, M @ V.long(), (W.long() @ N)])

    # Mixed dtypes promote (torch.matmul itself would refuse).
    r = rng("matmul_mixed")
    a = f32(dyadic(r, (2, 3)))
    d = f64(dyadic(r, (3, 2)))
    k = i64(r.integers(-5, 6, (3, 2)))
    i = i32(r.integers(-5, 6, (2, 3)))
    A, D, K, I = T(a), T(d), T(k), T(i)
    case("matmul_mixed", {"a": a, "d": d, "k": k, "i": i},
         [A.double() @ D, A @ K.float(), I.long() @ K, I.double() @ D])


# ----------------------------------------------------------------------------
# shapes.dl
# ----------------------------------------------------------------------------

def shape_cases():
    r = rng("shapes_f32")
    x = f32(dyadic(r, (2, 3, 4)))
    y = f32(dyadic(r, (3, 1)))
    z = f32(dyadic(r, (1, 3, 1, 2)))
    X, Y, Z = T(x), T(y), T(z)
    case("shapes_f32", {"x": x, "y": y, "z": z},
         [X.reshape(4, 6), X.reshape(-1), X.reshape(2, -1, 3), X.transpose(0, 2).reshape(4, 6),
          torch.flatten(X), torch.flatten(X, 1), torch.flatten(X, 0, 1), torch.flatten(X, -2, -1),
          X.transpose(-2, -1), X.transpose(0, 2), X.transpose(-3, 1), X.permute(2, 1, 0), X.permute(2, 0, 1),
          X.permute(1, -1, 0), X.unsqueeze(0), X.unsqueeze(-1), X.unsqueeze(2), X.unsqueeze(-2),
          Z.squeeze(), Z.squeeze(0), Z.squeeze(-2), Z.squeeze(1), Y.expand(2, 3, 4), Y.expand(3, 5),
          X.sum_to_size(3, 1), X.sum_to_size(1, 4), X.sum(0).sum(0), X.sum_to_size(2, 1, 4), X.sum_to_size(2, 3, 4),
          Y.T])

    b = np.array([[True, False, True], [False, False, True]])
    l = i64([[1, -2, 3], [4, 5, -6]])
    d = f64(dyadic(r, (2, 3)))
    Bt, L, D = T(b), T(l), T(d)
    case("shapes_other", {"b": b, "l": l, "d": d},
         [Bt.transpose(0, 1), L.reshape(3, 2), Bt.unsqueeze(1), L.expand(4, 2, 3), L.sum_to_size(3),
          D.permute(1, 0), torch.flatten(D), D.unsqueeze(0).squeeze(0), D.sum_to_size(2, 1)])


# ----------------------------------------------------------------------------
# concat_split.dl
# ----------------------------------------------------------------------------

def concat_split_cases():
    r = rng("concat_split")
    a = f32(dyadic(r, (2, 3)))
    b = f32(dyadic(r, (4, 3)))
    c = f32(dyadic(r, (2, 2)))
    x = f32(dyadic(r, (5, 4, 7)))
    A, B, C, X = T(a), T(b), T(c), T(x)
    case("concat_split", {"a": a, "b": b, "c": c, "x": x},
         [torch.cat([A, B]), torch.cat([A, C, A], -1), torch.cat([A, A], 1), torch.stack([A, A * 2]),
          torch.stack([A, A * 2], -1), torch.stack([A, A * 2, A * 3], 1), torch.stack([B[0], B[1]])]
         + list(torch.split(X, 2)) + list(torch.split(X, [1, 3], -2)) + list(torch.split(X, 3, 2))
         + list(torch.split(X, [2, 0, 5], -1)))

    i = i32([1, -2, 3])
    l = i64([[4, 5], [6, 7]])
    f = f32([0.5, 1.5])
    bb = np.array([True, False])
    I, L, Fv, BB = T(i), T(l), T(f), T(bb)
    # Mixed dtypes promote as torch.cat does (torch.stack does too).
    case("concat_promote", {"i": i, "l": l, "f": f, "bb": bb},
         [torch.cat([I, L[0]]), torch.cat([I.float(), Fv]), torch.cat([L, L]), torch.cat([BB, BB]),
          torch.stack([Fv, L[1].float()]), torch.cat([BB.long(), L[0]])])


# ----------------------------------------------------------------------------
# slicing.dl
# ----------------------------------------------------------------------------

def slice_scatter(x, src, dim, start=None, end=None, step=1):
    """torch.slice_scatter by its definition (1.13's misreads an omitted end:
    slice_scatter(x, src, dim=2, start=4) on 6 columns asks for 1 column)."""
    y = x.clone()
    window = [slice(None)] * x.dim()
    window[dim] = slice(start, end, step)
    y[tuple(window)] = src
    return y


def slicing_cases():
    r = rng("slicing")
    x = f32(dyadic(r, (4, 5, 6)))
    idx = i64([[0, 3, -1], [-4, 2, 2]])
    i1 = i64([4, -1, 0])
    X = T(x)
    case("slicing", {"x": x, "idx": idx, "i1": i1},
         [X[1], X[-1], X[1, 2], X[-1, -2, -3], X[1:3], X[:, ::2], X[1:-1, 1::2, :-2], X[::3, 4:100],
          X[..., 0], X[..., 1:3], X[0, ...], X[None], X[:, None, 1], X[..., None], X[2, :, None, -1],
          X[T(idx)], X[:, T(i1)], X[..., T(i1)], X[1, T(i1)], X[-100:2, 3:-100:2], X[1:4:2, ..., 5]])

    src = f32(dyadic(r, (4, 2, 6)))
    src2 = f32(dyadic(r, (4, 5, 2)))
    v = f32(dyadic(r, (4, 6)))
    row = f32(dyadic(r, 6))
    S, S2, V, ROW = T(src), T(src2), T(v), T(row)
    y = X.clone()
    y[0, 1:] = V
    y2 = X.clone()
    y2[..., -1] = 5.0
    y3 = X.clone()
    y3[1:3, 2] = ROW
    y4 = X.clone()
    y4[::2, ::2, 1:4] = -1.0
    case("slice_assign", {"x": x, "src": src, "src2": src2, "v": v, "row": row},
         [slice_scatter(X, S, 1, 1, 4, 2), slice_scatter(X, S2, -1, 4),
          slice_scatter(X, X[1:3] * 2, 0, 1, 3), slice_scatter(X, S2, 2, 0, 6, 3), y, y2, y3, y4, X])


# ----------------------------------------------------------------------------
# pad.dl
# ----------------------------------------------------------------------------

def pad_cases():
    r = rng("pad")
    x = f32(dyadic(r, (2, 3, 4)))
    d = f64(dyadic(r, (2, 2)))
    l = i64([[1, 2, 3], [4, 5, 6]])
    X, D, L = T(x), T(d), T(l)
    case("padding", {"x": x, "d": d, "l": l},
         [F.pad(X, [1, 2]), F.pad(X, [0, 1, 2, 0]), F.pad(X, [1, 1, 1, 1, 1, 1], value=-1.5),
          F.pad(X, [0, 0, 1, 0]), F.pad(D, [2, 1], value=0.25), F.pad(L, [2, 0], value=7), F.pad(L, [1, 1, 1, 0])])

    # Negative padding crops, as in torch.nn.functional.pad.
    case("pad_negative", {"x": x}, [F.pad(X, [-1, 1]), F.pad(X, [1, -2, -1, 0])])


# ----------------------------------------------------------------------------
# gather_scatter.dl
# ----------------------------------------------------------------------------

def gather_cases():
    r = rng("gather")
    x = f32(dyadic(r, (3, 4)))
    idx1 = i64([[0, 3], [2, 2], [1, 0]])
    idx0 = i64([[2, 0, 1, 1], [0, 0, 2, 1]])
    neg = i64([[-1, -4, 3], [0, -2, -3], [-1, -1, 1]])
    bidx = i64([[3, 1, 0, 3, 2]])
    xrow = f32(dyadic(r, (1, 4)))
    flat = i64([11, 0, -1, 5, -12])
    neg0 = i64([[-1, -3, 2, 0]])
    x3 = f32(dyadic(r, (2, 3, 4)))
    idx3 = i64(r.integers(-3, 3, (2, 5, 4)))
    k = i64(r.integers(-2**40, 2**40, (3, 4)))
    bm = r.random((3, 4)) > 0.5
    d = f64(r.normal(0, 1, (3, 4)))
    i32idx = i32([[3, -1], [0, 1], [-4, 2]])
    X, XR, X3 = T(x), T(xrow), T(x3)

    def wrap(ix, n):
        ix = np.array(ix)
        return T(np.where(ix < 0, ix + n, ix))

    case("gathering", {"x": x, "idx1": idx1, "idx0": idx0, "neg": neg, "bidx": bidx, "xrow": xrow, "flat": flat, "neg0": neg0,
                    "x3": x3, "idx3": idx3, "k": k, "bm": bm, "d": d, "i32idx": i32idx},
         [torch.take_along_dim(X, T(idx1), 1), torch.take_along_dim(X, T(idx0), 0),
          torch.take_along_dim(X, wrap(neg, 4), -1), torch.take_along_dim(X, T(bidx), 1),
          torch.take_along_dim(XR, T(idx1), 1), torch.take_along_dim(X, wrap(flat, 12)),
          torch.take_along_dim(X3, wrap(idx3, 3), 1), torch.take_along_dim(X, T(idx1), 1),
          torch.take_along_dim(X, wrap(neg0, 3), 0), torch.take_along_dim(T(k), T(idx1), 1),
          torch.take_along_dim(T(bm), T(idx0), 0), torch.take_along_dim(T(d), wrap(neg, 4), 1),
          torch.take_along_dim(X, wrap(i32idx, 4).long(), 1)])

    r = rng("scatter_add")
    x = f32(dyadic(r, (3, 4)))
    idx = i64([[0, 0, 3, 0, 1], [2, 2, 2, 2, 2], [1, 3, 1, 3, 1]])
    src = f32(dyadic(r, (3, 5)))
    idx0 = i64([[0, 1, 2, 0], [0, 0, 0, 0], [2, 2, 1, 1], [1, 0, 0, 2], [2, 2, 2, 2], [0, 1, 1, 0]])
    src0 = f32(dyadic(r, (6, 4)))
    neg = i64([[-1, -4, 0, -1, 3], [-2, -2, 1, 0, -3], [0, 0, -4, 2, 1]])
    d = f64(dyadic(r, (2, 3)))
    didx = i64([[1, 1], [0, 2]])
    dsrc = f64(dyadic(r, (2, 2)))
    k = i64([[1, 2, 3], [4, 5, 6]])
    kidx = i64([[0, 0, 0, 0], [2, 1, 2, 1]])
    ksrc = i64([[10, 20, 30, 40], [-1, -2, -3, -4]])
    X, S, S0, D, K = T(x), T(src), T(src0), T(d), T(k)
    wrapped = T(np.where(neg < 0, neg + 4, neg))
    case("scattering", {"x": x, "idx": idx, "src": src, "idx0": idx0, "src0": src0, "neg": neg,
                         "d": d, "didx": didx, "dsrc": dsrc, "k": k, "kidx": kidx, "ksrc": ksrc},
         [X.scatter_add(1, T(idx), S), X.scatter_add(0, T(idx0), S0), X.scatter_add(-1, T(idx), S),
          X.scatter_add(1, wrapped, S), D.scatter_add(1, T(didx), T(dsrc)), K.scatter_add(1, T(kidx), T(ksrc))])


# ----------------------------------------------------------------------------
# one_hot.dl
# ----------------------------------------------------------------------------

def one_hot_cases():
    l = i64([0, 3, 1, 3, 2])
    l2 = i64([[0, 1, 2], [3, 3, 0]])
    i = i32([2, 0, 1])
    L, L2, I = T(l), T(l2), T(i)
    case("one_hot_enc", {"l": l, "l2": l2, "i": i},
         [F.one_hot(L, 4), F.one_hot(L2, 4), F.one_hot(L, 6).float(), F.one_hot(I.long(), 3),
          F.one_hot(L2, 5), F.one_hot(L, 4).double(), F.one_hot(I.long(), 3).int()])
    case("one_hot_bool", {"l": l, "l2": l2}, [F.one_hot(L, 4).bool(), F.one_hot(L2, 5).bool()])


# ----------------------------------------------------------------------------
# arange_full.dl
# ----------------------------------------------------------------------------

def arange_full_cases():
    case("aranges", {},
         [torch.arange(5), torch.arange(2, 9), torch.arange(2, 9, 3), torch.arange(10, 0, -3),
          torch.arange(0.0, 1.0, 0.1), torch.arange(1, 2.5, 0.5), torch.arange(-1.0, 1.0, 0.25, dtype=torch.float64),
          torch.arange(0, 5, dtype=torch.float32), torch.arange(5, dtype=torch.int32), torch.arange(-3, 3),
          torch.arange(0.5, -1.0, -0.5), torch.arange(0, 10, 4), torch.arange(0, 1, 0.3)])

    x = f64([[1.5, -2.0, 0.0], [3.0, 4.0, 5.0]])
    i = i32([-1, 0, 7])
    b = np.array([True, False])
    X, I, Bt = T(x), T(i), T(b)
    case("filling", {"x": x, "i": i, "b": b},
         [torch.zeros(2, 3), torch.zeros(2, dtype=torch.int64), torch.ones(3, dtype=torch.bool),
          torch.ones(2, 2, dtype=torch.float64), torch.full((2, 3), 1.5), torch.full((2,), 7),
          torch.full((2,), True), torch.full((3,), 2, dtype=torch.float64), torch.full((), 3.0), torch.zeros(()),
          torch.zeros_like(X), torch.ones_like(I), torch.full_like(X, 2.5), torch.full_like(I, 3),
          torch.ones_like(Bt), torch.zeros_like(Bt), torch.full_like(X, -inf),
          torch.zeros(2, 3) , torch.arange(3), torch.ones(2, 3, dtype=torch.int32)])

    # The parameters of model Init (arange_full.dl), from their initializers.
    case("init", {},
         [torch.full((2, 3), 1.5), torch.full((3,), -2.0, dtype=torch.float64), torch.zeros(4),
          torch.ones(2, dtype=torch.int64), torch.full((2,), 0.5), torch.tensor([1.0, -1.0, 2.5]),
          torch.full((2, 2), 7, dtype=torch.int32), torch.ones(3, dtype=torch.bool)])


# ----------------------------------------------------------------------------
# cast.dl
# ----------------------------------------------------------------------------

def cast_cases():
    x = f32([-2.7, -2.5, -0.5, -0.0, 0.0, 0.3, 0.5, 2.5, 2.7, 1e9, -1e9, 123456.78, nan, inf])
    xr = x[:12]  # in the range of i32
    d = f64([0.1, 1.0 / 3.0, 1e40, -1e40, 1e-50, 16777217.0, -2.5, 0.0, nan, -inf])
    l = i64([2**31 + 5, -(2**31) - 1, 2**53 + 1, -3, 0, 7])
    b = np.array([True, False, True])
    i = i32([-7, 0, 2147483647, 16777217])
    X, XR, D, L, Bt, I = T(x), T(xr), T(d), T(l), T(b), T(i)
    case("casting", {"x": x, "xr": xr, "d": d, "l": l, "b": b, "i": i},
         [XR.int(), XR.long(), X.bool(), X.double(), D.float(), D.bool(), L.int(), L.float(), L.double(),
          L.bool(), Bt.float(), Bt.long(), Bt.int(), I.long(), I.float(), I.bool(), XR.int(), D.float(),
          Bt.double(), I.double(), XR.int().long()])


# ----------------------------------------------------------------------------
# promotion.dl
# ----------------------------------------------------------------------------

def promotion_cases():
    # The result dtypes come from PyTorch's own promotion (torch.result_type)
    # applied to the same operands: tensors, 0-d tensors and Python numbers.
    f3 = f32([0.1, -1.5, 2.25])
    d3 = f64([0.1, 0.5, -3.0])
    i3 = i32([7, -7, 3])
    l3 = i64([2, 4, -3])
    l0 = np.asarray(2, dtype=np.int64)
    f0 = np.asarray(0.3, dtype=np.float32)
    d0 = np.asarray(0.3, dtype=np.float64)
    b3 = np.array([True, False, True])
    F3, D3, I3, L3, L0, F0, D0, B3 = map(T, (f3, d3, i3, l3, l0, f0, d0, b3))
    case("promotion", {"f3": f3, "d3": d3, "i3": i3, "l3": l3, "l0": l0, "f0": f0, "d0": d0, "b3": b3},
         [F3 * 2, D3 + F3, I3 + L0, I3 * 2.5, L3 + F0, L3 / I3, torch.floor_divide(I3, L0), I3 + L3,
          F0 + D0, L0 * 2.5, F0 * D3, D0 * F3, I3 * F0, I3 * D0, I3 ** 2, L3 % 2, I3 / 2,
          torch.where(B3, I3, L3), torch.where(B3, F3, 2), torch.where(B3, L3, 2.5), torch.cat([I3.float(), F3]),
          torch.maximum(I3.float(), F3), torch.dot(D3, F3.double()), I3 == L0, F3 > D3, F3 == D3,
          I3 - 1, L0 + L0, I3 * L0, D0 / L0, torch.pow(I3, 0.5), torch.remainder(I3, 2.5),
          torch.where(B3, I3, 2), torch.where(B3, T(np.int64(2)), T(np.int64(3))), torch.where(B3, 2.0, T(np.int64(3))),
          torch.maximum(I3, T(np.int64(2))), torch.clamp(I3, min=0.5),
          # Integer powers stay integers.
          I3 ** 5, L3 ** 0])

    case("literals", {},
         [torch.tensor([[1, 2.0], [3, 4]]), torch.tensor([1, 2, 3]), torch.tensor([True, False]),
          torch.tensor(0.5), torch.tensor(2.5), torch.tensor(3), torch.tensor(True),
          torch.tensor([[1.5, 2.0]], dtype=torch.float64), torch.tensor(8.0)])


# ----------------------------------------------------------------------------
# dynamic_shapes.dl
# ----------------------------------------------------------------------------

def assigned(x, window, value):
    """x with x[window] = value, on a copy."""
    y = x.clone()
    y[window] = value
    return y


def dynamic_cases():
    for nb in (2, 5):
        r = rng("dyn_b%d" % nb)
        x = f32(dyadic(r, (nb, 3)))
        y = f32(dyadic(r, (nb,)))
        w = f32(dyadic(r, (3, 4)))
        lab = i64(r.integers(0, 3, nb))
        z = f32(dyadic(r, (nb + 1, 3)))
        X, Y, W, LAB, Z = T(x), T(y), T(w), T(lab), T(z)
        Xd = T(x.astype(np.float64))
        case("dyn_b%d" % nb, {"x": x, "y": y, "w": w, "labels": lab, "z": z},
             [X @ W, X + Y[:, None], X + T(f32([1, 2, 3])), torch.softmax(Xd, 1).float(), X.sum(0), X.mean(-1),
              torch.cat([X, X]), X.reshape(-1), X[1:], X.argmax(1), torch.arange(nb), torch.zeros(nb, 2),
              X.transpose(0, 1), X @ X.T, F.one_hot(LAB, 3), X.amax(0), torch.cat([X, Z]), X[-1], W[LAB],
              torch.take_along_dim(X, LAB[:, None], 1),
              torch.zeros(3, dtype=torch.int64).scatter_add(0, LAB, torch.ones(nb, dtype=torch.int64)),
              X.unsqueeze(1).expand(nb, 2, 3), F.pad(X, [1, 0, 0, 2]), assigned(X, -1, W[:, 0]),
              assigned(X, (slice(1, None), 0), 9.0), X[::2]])
    # B = 0: empty tensors through reductions (mean of nothing is NaN),
    # matmul, softmax, concat, reshape, argmax.
    x = f32(np.zeros((0, 3)))
    w = f32(dyadic(rng("dyn_empty"), (3, 4)))
    X, W = T(x), T(w)
    case("dyn_empty", {"x": x, "w": w},
         [X.sum(0), X.mean(0), X @ W, torch.softmax(X, 1), torch.cat([X, X]), X.prod(0), X.T @ X, X.reshape(-1),
          X.argmax(1)])
    # B disagrees between x (2) and y (4).
    case("dyn_mismatch", {"x": f32(np.zeros((2, 3))), "y": f32(np.zeros(4)), "w": f32(np.zeros((3, 4))),
                          "labels": i64([0, 0]), "z": f32(np.zeros((3, 3)))}, [])


# ----------------------------------------------------------------------------
# runtime_checks.dl
# ----------------------------------------------------------------------------

def runtime_check_cases():
    x = f32(np.arange(6).reshape(2, 3))
    case("rt_bad_gather", {"x": x, "i": i64([[0, 3], [1, 2]])}, [])
    case("rt_bad_gather_axis0", {"x": x, "i": i64([[0, 1, 1]]), "j": i64([[-3, 0, 1]])}, [])
    case("rt_bad_one_hot", {"l": i64([0, 4, 1])}, [])
    case("rt_bad_one_hot_neg", {"l": i64([-1, 2])}, [])
    case("rt_bad_index", {"x": x}, [])
    case("rt_bad_index_tensor", {"x": x, "i": i64([1, -3])}, [])
    case("rt_bad_scatter", {"x": x, "i": i64([[0, 5], [1, 1]]), "s": f32([[1, 1], [1, 1]])}, [])
    xg = f32(np.arange(9).reshape(3, 3))
    ig = i64([[0, 2], [1, 1], [2, 0]])
    jg = i64([[-3, 0, 1]])
    lg = i64([0, 3, 1])
    case("rt_good", {"x": xg, "i": ig, "j": jg, "l": lg},
         [torch.take_along_dim(T(xg), T(ig), 1), torch.take_along_dim(T(xg), T(jg) % 3, 0), T(xg)[2],
          F.one_hot(T(lg), 4)])


def main():
    for fn in (unary_cases, binary_cases, compare_cases, activation_cases, softmax_cases, reduction_cases,
               argmax_cases, matmul_cases, shape_cases, concat_split_cases, slicing_cases, pad_cases,
               gather_cases, one_hot_cases, arange_full_cases, cast_cases, promotion_cases, dynamic_cases,
               runtime_check_cases):
        fn()
    os.makedirs(OUT, exist_ok=True)
    written = set()
    for name, (ins, outs) in sorted(CASES.items()):
        if ins:
            written.add(write_npz(os.path.join(OUT, name + ".in.npz"), ins))
        if outs:
            written.add(write_npz(os.path.join(OUT, name + ".expected.npz"),
                                  {"arr_%d" % k: v for k, v in enumerate(outs)}))
    for f in os.listdir(OUT):
        if f.endswith(".npz") and os.path.join(OUT, f) not in written:
            os.remove(os.path.join(OUT, f))
            print("removed", f)
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print("%d cases, %d files, %d bytes" % (len(CASES), len(written), total))


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
    return path


if __name__ == "__main__":
    sys.exit(main())
