#!/usr/bin/python3
"""Fixtures of the tests of the losses and metrics of the standard library.

The tests in test/Integration/Losses/*.dl and test/Integration/Metrics/*.dl
run entry points with `dlc run --inputs Inputs/<case>.in.npz --outputs ...`
and compare the results with `dl-npy compare ... Inputs/<case>.expected.npz`;
test/Autodiff/loss_gradients.dl reads a few inputs from test/Autodiff/Inputs. This
script writes all of those files. The expected values are computed
independently of dlc: losses with torch.nn.functional (PyTorch 1.13) in
float64, metrics with sklearn.metrics; where neither has the function (msle,
the tie rule of top_k_accuracy), with NumPy from the formula in
docs/losses.md, cross-checked against sklearn where sklearn has it.

Regenerate with Debian's Python, which has torch, numpy and sklearn (the
`python3` first on PATH may not have them):

    /usr/bin/python3 test/Integration/Inputs/make_loss_fixtures.py

Conventions (those of make_builtin_fixtures.py):
  - A case's name is the name of the entry point that uses it.
  - <case>.in.npz holds the entry's tensor arguments by parameter name;
    <case>.expected.npz holds arr_0, arr_1, ... in the order of the entry's
    `return`, with the dtypes the results must have.
  - Every case draws from its own generator, seeded by the case's name; the
    .npz files are written with fixed timestamps, so regenerating changes
    nothing. Files of cases that no longer exist are removed from the
    Losses and Metrics folders (test/Autodiff/Inputs is shared with other
    tests: nothing is removed there).
  - References are computed in float64 from the inputs as stored (already
    rounded to the input dtype) and rounded to the result dtype.
"""

import io
import os
import sys
import warnings
import zipfile
import zlib

import numpy as np
import torch
import torch.nn.functional as F
from sklearn import metrics as skm

HERE = os.path.dirname(os.path.abspath(__file__))
OUTS = {
    "losses": os.path.join(HERE, "..", "Losses", "Inputs"),
    "metrics": os.path.join(HERE, "..", "Metrics", "Inputs"),
    "autodiff": os.path.join(HERE, "..", "..", "Autodiff", "Inputs"),
}

nan = float("nan")

CASES = {}


def case(group, name, inputs, outputs, dtype=None):
    """Registers a case of `group` (a key of OUTS). Float outputs are rounded
    to `dtype` when given."""
    assert name not in CASES, name
    ins = {k: np.asarray(v) for k, v in inputs.items()}
    outs = []
    for v in outputs:
        if isinstance(v, torch.Tensor):
            v = v.detach().numpy()
        v = np.asarray(v)
        if dtype is not None and v.dtype.kind == "f":
            v = v.astype(dtype)
        outs.append(v)
    for arr in list(ins.values()) + outs:
        assert arr.dtype in (np.float32, np.float64, np.int32, np.int64, np.bool_), (name, arr.dtype)
    CASES[name] = (group, ins, outs)


def rng(name):
    return np.random.default_rng(zlib.crc32(name.encode()))


def T(a):
    """An array as a float64 torch tensor (integer arrays stay int64)."""
    a = np.asarray(a)
    if a.dtype.kind == "f":
        return torch.from_numpy(a.astype(np.float64))
    return torch.from_numpy(a.astype(np.int64))


# ----------------------------------------------------------------------------
# Losses/regression.dl
# ----------------------------------------------------------------------------

def regression_cases():
    for dt, name in ((np.float32, "f32"), (np.float64, "f64")):
        r = rng("regression_" + name)
        x = r.normal(0, 2, (4, 5))
        # |x - y| straddles 0.5, 1 and 2 (the deltas and betas below), and
        # equals 1 exactly at [0, 0], 2 at [0, 1] and 0 at [0, 2].
        y = x + r.choice([-1, 1], (4, 5)) * r.uniform(0, 3, (4, 5))
        x[0, :3] = [1.5, -0.25, 3.0]
        y[0, :3] = [0.5, 1.75, 3.0]
        x, y = x.astype(dt), y.astype(dt)
        p = r.uniform(-0.9, 5, (3, 4)).astype(dt)
        q = r.uniform(-0.9, 5, (3, 4)).astype(dt)
        X, Y, P, Q = T(x), T(y), T(p), T(q)
        # No PyTorch function: the formula (sklearn's, checked in msle_sklearn).
        msle = (torch.log1p(P) - torch.log1p(Q)) ** 2
        rmse = torch.sqrt(F.mse_loss(X, Y))
        assert np.isclose(rmse.item(), skm.mean_squared_error(y.astype(np.float64).ravel(), x.astype(np.float64).ravel(),
                                                              squared=False), rtol=1e-12)
        outs = []
        for fn in (F.mse_loss, F.l1_loss):
            outs += [fn(X, Y), fn(X, Y, reduction="sum"), fn(X, Y, reduction="none")]
        outs += [F.l1_loss(X, Y), msle.mean(), msle.sum(), msle, rmse]
        outs += [F.huber_loss(X, Y), F.huber_loss(X, Y, reduction="sum"), F.huber_loss(X, Y, reduction="none"),
                 F.huber_loss(X, Y, delta=0.5), F.huber_loss(X, Y, reduction="none", delta=2.0)]
        outs += [F.smooth_l1_loss(X, Y), F.smooth_l1_loss(X, Y, reduction="sum"),
                 F.smooth_l1_loss(X, Y, reduction="none"), F.smooth_l1_loss(X, Y, beta=0.5),
                 F.smooth_l1_loss(X, Y, reduction="none", beta=2.0), F.smooth_l1_loss(X, Y, beta=0.0)]
        case("losses", "regression_" + name, {"x": x, "y": y, "p": p, "q": q}, outs, dt)

    # msle against sklearn, which needs values >= 0.
    r = rng("msle_sklearn")
    p = r.uniform(0, 10, 7)
    q = r.uniform(0, 10, 7)
    ref = skm.mean_squared_log_error(q, p)
    assert np.isclose(ref, ((np.log1p(p) - np.log1p(q)) ** 2).mean(), rtol=1e-14)
    case("losses", "msle_sklearn", {"p": p, "q": q}, [ref], np.float64)

    # A symbolic batch: one compiled function, two batch sizes.
    for n in (2, 5):
        r = rng("regression_dyn%d" % n)
        x = r.normal(0, 1, (n, 3)).astype(np.float32)
        y = r.normal(0, 1, (n, 3)).astype(np.float32)
        X, Y = T(x), T(y)
        case("losses", "regression_dyn%d" % n, {"x": x, "y": y},
             [F.mse_loss(X, Y), F.l1_loss(X, Y, reduction="none"), F.huber_loss(X, Y, reduction="sum")],
             np.float32)


# ----------------------------------------------------------------------------
# Losses/binary_cross_entropy.dl
# ----------------------------------------------------------------------------

def bce_cases():
    for dt, name in ((np.float32, "f32"), (np.float64, "f64")):
        r = rng("bce_" + name)
        # Probabilities, 0 and 1 included (the log clamped to -100), against
        # hard and soft targets.
        p = r.uniform(0.01, 0.99, (4, 5))
        p[0] = [0.0, 1.0, 0.0, 1.0, 1e-30]
        t = r.uniform(0, 1, (4, 5))
        t[0] = [0.0, 1.0, 1.0, 0.0, 1.0]
        t[1] = r.integers(0, 2, 5)
        w = r.uniform(0.5, 2, 5)
        # Logits of every size, ±100 included, and 0.
        x = r.normal(0, 3, (4, 5))
        x[0] = [100.0, -100.0, 100.0, -100.0, 0.0]
        x[1, :3] = [30.0, -30.0, 1e-3]
        pw = r.uniform(0.5, 3, 5)
        p, t, w, x, pw = (a.astype(dt) for a in (p, t, w, x, pw))
        P, Tt, W, X, PW = T(p), T(t), T(w), T(x), T(pw)
        outs = [F.binary_cross_entropy(P, Tt), F.binary_cross_entropy(P, Tt, reduction="sum"),
                F.binary_cross_entropy(P, Tt, reduction="none"), F.binary_cross_entropy(P, Tt, weight=W),
                F.binary_cross_entropy(P, Tt, weight=W, reduction="none")]
        L = F.binary_cross_entropy_with_logits
        outs += [L(X, Tt), L(X, Tt, reduction="sum"), L(X, Tt, reduction="none"), L(X, Tt, weight=W),
                 L(X, Tt, pos_weight=PW), L(X, Tt, pos_weight=PW, reduction="none"),
                 L(X, Tt, weight=W, pos_weight=PW, reduction="sum")]
        # The same as BCE of sigmoid where sigmoid does not saturate.
        assert torch.allclose(L(X[2:], Tt[2:]), F.binary_cross_entropy(torch.sigmoid(X[2:]), Tt[2:]))
        case("losses", "bce_" + name, {"p": p, "t": t, "w": w, "x": x, "pw": pw}, outs, dt)


# ----------------------------------------------------------------------------
# Losses/cross_entropy.dl
# ----------------------------------------------------------------------------

def cross_entropy_cases():
    for dt, name in ((np.float32, "f32"), (np.float64, "f64")):
        r = rng("ce_sparse_" + name)
        x = r.normal(0, 2, (5, 4))
        x[0] = [100.0, -100.0, 0.0, 100.0]     # huge logits: finite losses
        x[1] = [-100.0, 100.0, -100.0, -100.0]
        x[2] = [1e4, -1e4, 3.0, 1e4 - 1]
        t = np.array([1, 2, 3, 0, 2], dtype=np.int64)   # row 1 target: loss 200
        ti = np.array([1, -100, 3, 2, -100], dtype=np.int64)
        w = r.uniform(0.5, 2, 4)
        x, w = x.astype(dt), w.astype(dt)
        X, Tt, TI, W = T(x), T(t), T(ti), T(w)
        outs = [F.cross_entropy(X, Tt), F.cross_entropy(X, Tt, reduction="sum"),
                F.cross_entropy(X, Tt, reduction="none"), F.cross_entropy(X, Tt, weight=W),
                F.cross_entropy(X, Tt, weight=W, reduction="sum"),
                F.cross_entropy(X, Tt, weight=W, reduction="none"),
                F.cross_entropy(X, TI), F.cross_entropy(X, TI, reduction="none"),
                F.cross_entropy(X, TI, weight=W), F.cross_entropy(X, Tt, ignore_index=2),
                F.cross_entropy(X, Tt, label_smoothing=0.1),
                F.cross_entropy(X, Tt, label_smoothing=0.1, reduction="sum"),
                F.cross_entropy(X, Tt, label_smoothing=0.1, reduction="none"),
                F.cross_entropy(X, Tt, weight=W, label_smoothing=0.2),
                F.cross_entropy(X, TI, weight=W, label_smoothing=0.2, reduction="none"),
                F.cross_entropy(X, TI, weight=W, label_smoothing=0.2),
                F.cross_entropy(X, TI, label_smoothing=1.0)]
        LP = F.log_softmax(X, 1)
        outs += [F.nll_loss(LP, Tt), F.nll_loss(LP, Tt, reduction="sum"), F.nll_loss(LP, Tt, reduction="none"),
                 F.nll_loss(LP, TI, weight=W), F.nll_loss(X, Tt), F.nll_loss(X, TI, weight=W, reduction="none")]
        # Every target ignored: 0 / 0.
        outs += [F.cross_entropy(X[:2], TI[[1, 4]])]
        case("losses", "ce_sparse_" + name, {"x": x, "t": t, "ti": ti, "w": w}, outs, dt)

        # Probability and one-hot targets.
        r = rng("ce_dense_" + name)
        x = r.normal(0, 2, (4, 3))
        x[0] = [100.0, -100.0, 0.0]
        p = torch.softmax(torch.from_numpy(r.normal(0, 1, (4, 3))), 1).numpy()
        p[1] = [0.0, 1.0, 0.0]
        oh = np.eye(3)[[2, 0, 1, 1]]
        w = r.uniform(0.5, 2, 3)
        x, p, oh, w = (a.astype(dt) for a in (x, p, oh, w))
        X, P, OH, W = T(x), T(p), T(oh), T(w)
        outs = [F.cross_entropy(X, P), F.cross_entropy(X, P, reduction="sum"),
                F.cross_entropy(X, P, reduction="none"), F.cross_entropy(X, P, weight=W),
                F.cross_entropy(X, P, weight=W, reduction="none"), F.cross_entropy(X, P, label_smoothing=0.3),
                F.cross_entropy(X, P, weight=W, label_smoothing=0.3, reduction="sum"),
                F.cross_entropy(X, OH), F.cross_entropy(X, OH, reduction="none")]
        # One-hot rows give the loss of their class indices.
        assert torch.allclose(F.cross_entropy(X, OH, reduction="none"),
                              F.cross_entropy(X, OH.argmax(1), reduction="none"))
        case("losses", "ce_dense_" + name, {"x": x, "p": p, "oh": oh, "w": w}, outs, dt)

    # More dimensions ([N, C, d]), one sample ([C]), i32 targets.
    r = rng("ce_shapes")
    x3 = r.normal(0, 2, (2, 3, 4)).astype(np.float32)
    t3 = r.integers(0, 3, (2, 4)).astype(np.int64)
    t3[1, 2] = -100
    p3 = torch.softmax(torch.from_numpy(r.normal(0, 1, (2, 3, 4))), 1).numpy().astype(np.float32)
    w3 = r.uniform(0.5, 2, 3).astype(np.float32)
    x1 = r.normal(0, 2, 5).astype(np.float32)
    t1 = np.array(3, dtype=np.int64)
    p1 = torch.softmax(torch.from_numpy(r.normal(0, 1, 5)), 0).numpy().astype(np.float32)
    ts = np.array([2, 0, 1, 1], dtype=np.int32)
    xs = r.normal(0, 2, (4, 3)).astype(np.float32)
    X3, T3, P3, W3, X1, T1, P1, XS = T(x3), T(t3), T(p3), T(w3), T(x1), T(t1), T(p1), T(xs)
    outs = [F.cross_entropy(X3, T3), F.cross_entropy(X3, T3, reduction="none"),
            F.cross_entropy(X3, T3, weight=W3, label_smoothing=0.1),
            F.cross_entropy(X3, T3, weight=W3, label_smoothing=0.1, reduction="none"),
            F.cross_entropy(X3, P3), F.cross_entropy(X3, P3, reduction="none"),
            F.cross_entropy(X3, P3, weight=W3, label_smoothing=0.1),
            F.cross_entropy(X1, T1), F.cross_entropy(X1, T1, label_smoothing=0.2, reduction="none"),
            F.cross_entropy(X1, P1), F.nll_loss(F.log_softmax(X1, 0), T1),
            F.cross_entropy(XS, torch.from_numpy(ts.astype(np.int64)), reduction="none"),
            F.nll_loss(XS, torch.from_numpy(ts.astype(np.int64)))]
    case("losses", "ce_shapes", {"x3": x3, "t3": t3, "p3": p3, "w3": w3, "x1": x1, "t1": t1, "p1": p1,
                                  "ts": ts, "xs": xs}, outs, np.float32)

    # A symbolic batch.
    for n in (3, 6):
        r = rng("ce_dyn%d" % n)
        x = r.normal(0, 2, (n, 4)).astype(np.float32)
        t = r.integers(0, 4, n).astype(np.int64)
        X, Tt = T(x), T(t)
        case("losses", "ce_dyn%d" % n, {"x": x, "t": t},
             [F.cross_entropy(X, Tt), F.cross_entropy(X, Tt, reduction="none"),
              F.cross_entropy(X, F.one_hot(Tt, 4).double() * 0.9 + 0.025)], np.float32)


# ----------------------------------------------------------------------------
# Losses/kl_div.dl
# ----------------------------------------------------------------------------

def kl_div_cases():
    for dt, name in ((np.float32, "f32"), (np.float64, "f64")):
        r = rng("kl_" + name)
        logq = F.log_softmax(torch.from_numpy(r.normal(0, 1, (3, 4))), 1).numpy()
        p = torch.softmax(torch.from_numpy(r.normal(0, 1, (3, 4))), 1).numpy()
        p[0] = [0.0, 0.5, 0.5, 0.0]  # zeros contribute 0
        logp = np.log(torch.softmax(torch.from_numpy(r.normal(0, 1, (3, 4))), 1).numpy())
        x3 = r.normal(-1, 1, (2, 3, 2))
        t3 = r.uniform(0, 1, (2, 3, 2))
        logq, p, logp, x3, t3 = (a.astype(dt) for a in (logq, p, logp, x3, t3))
        LQ, P, LP, X3, T3 = T(logq), T(p), T(logp), T(x3), T(t3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "mean" is not the KL divergence
            outs = [F.kl_div(LQ, P), F.kl_div(LQ, P, reduction="sum"), F.kl_div(LQ, P, reduction="none"),
                    F.kl_div(LQ, P, reduction="batchmean"), F.kl_div(LQ, LP, log_target=True),
                    F.kl_div(LQ, LP, reduction="batchmean", log_target=True),
                    F.kl_div(LQ, LP, reduction="none", log_target=True),
                    F.kl_div(X3, T3, reduction="batchmean"), F.kl_div(X3[0, 0], T3[0, 0], reduction="batchmean")]
        # batchmean is the KL divergence per sample.
        kl = (P * (torch.log(P.clamp_min(1e-300)) - LQ)).sum(1).mean()
        assert np.isclose(outs[3].item(), kl.item(), rtol=1e-12)
        case("losses", "kl_" + name, {"logq": logq, "p": p, "logp": logp, "x3": x3, "t3": t3}, outs, dt)


# ----------------------------------------------------------------------------
# Losses/hinge.dl
# ----------------------------------------------------------------------------

def hinge_cases():
    for dt, name in ((np.float32, "f32"), (np.float64, "f64")):
        r = rng("hinge_" + name)
        x = r.normal(0, 1.5, (3, 4))
        y = r.choice([-1.0, 1.0], (3, 4))
        y[0, 0] = 0.0  # neither 1 nor -1: both terms (PyTorch)
        yi = r.choice([-1, 1], (3, 4)).astype(np.int64)
        s = r.normal(0, 2, (5, 4))
        s[0] = [1.0, 2.0, 0.0, 2.0]  # margins of exactly 0 and 1
        c = np.array([1, 3, 0, 2, 3], dtype=np.int64)
        w = r.uniform(0.5, 2, 4)
        d = r.normal(0, 2, 8)
        lab = r.choice([-1, 1], 8).astype(np.int64)
        x, y, s, w, d = (a.astype(dt) for a in (x, y, s, w, d))
        X, Y, YI, S, C, W, D = T(x), T(y), T(yi), T(s), T(c), T(w), T(d)
        H = F.hinge_embedding_loss
        M = F.multi_margin_loss
        outs = [H(X, Y), H(X, Y, reduction="sum"), H(X, Y, reduction="none"), H(X, Y, margin=0.5),
                H(X, YI.double(), margin=2.0, reduction="none")]
        outs += [M(S, C), M(S, C, reduction="sum"), M(S, C, reduction="none"), M(S, C, p=2),
                 M(S, C, margin=0.7, reduction="none"), M(S, C, weight=W), M(S, C, p=2, weight=W, reduction="none"),
                 M(S[1], C[1])]
        # sklearn's hinge_loss, with labels in {-1, 1} and in {0, 1}.
        dd = d.astype(np.float64)
        h = skm.hinge_loss(lab, dd)
        assert h == skm.hinge_loss((lab + 1) // 2, dd)
        outs += [h, h, np.maximum(0, 1 - lab * dd).sum(), np.maximum(0, 1 - lab * dd)]
        case("losses", "hinge_" + name, {"x": x, "y": y, "yi": yi, "s": s, "c": c, "w": w, "d": d,
                                          "lab": lab, "lab01": (lab + 1) // 2}, outs, dt)


# ----------------------------------------------------------------------------
# Metrics
# ----------------------------------------------------------------------------

def first_argmax(scores):
    """argmax with the first maximum on ties, written out (np.argmax does
    the same; this does not depend on it)."""
    out = []
    for row in scores:
        best = 0
        for j in range(1, len(row)):
            if row[j] > row[best]:
                best = j
        out.append(best)
    return np.array(out, dtype=np.int64)


def top_k_hits(scores, target, k):
    """The tie rule of top_k_accuracy: a class ranks by the number of classes
    with a higher score, plus the tied ones with a smaller index."""
    hits = 0
    for row, t in zip(scores, target):
        rank = sum(1 for j in range(len(row)) if row[j] > row[t] or (row[j] == row[t] and j < t))
        hits += rank < k
    return hits / len(target)


def accuracy_cases():
    r = rng("acc_all")
    n, c = 12, 4
    scores = r.normal(0, 1, (n, c))
    target = r.integers(0, c, n)
    # Ties: equal maxima (the first wins), an all-equal row.
    scores[0] = [0.5, 2.0, 2.0, -1.0]
    target[0] = 1   # the first of the tied maxima: a hit
    scores[1] = [3.0, 1.0, 3.0, 3.0]
    target[1] = 2   # tied with the first maximum: a miss
    scores[2] = [1.0, 1.0, 1.0, 1.0]
    target[2] = 0
    scores = scores.astype(np.float32)
    labels = r.integers(0, c, n)
    acc = skm.accuracy_score(target, first_argmax(scores))
    assert acc == skm.accuracy_score(target, scores.argmax(1))
    # top-k without ties (rows 3..) against sklearn; with ties by the rule.
    plain = scores[3:].astype(np.float64)
    topk_sk = [skm.top_k_accuracy_score(target[3:], plain, k=k, labels=range(c)) for k in (1, 2, 3)]
    topk = [top_k_hits(scores, target, k) for k in (1, 2, 3, 4)]
    assert topk[0] == acc
    prob = r.uniform(0, 1, 10).astype(np.float32)
    prob[0] = 0.5  # not above the threshold
    btarget = r.integers(0, 2, 10)
    bacc = np.mean((prob > 0.5) == (btarget != 0))
    bacc0 = np.mean((prob > 0.3) == (btarget != 0))
    case("metrics", "acc_all",
         {"scores": scores, "target": target.astype(np.int64), "labels": labels.astype(np.int64),
          "scores64": scores.astype(np.float64), "plain": plain.astype(np.float32),
          "plain_target": target[3:].astype(np.int64), "target32": target.astype(np.int32),
          "prob": prob, "btarget": btarget.astype(np.int64)},
         [acc, skm.accuracy_score(target, labels), acc] + topk + topk_sk + [acc, bacc, bacc0], np.float32)

    # A symbolic batch.
    for n in (3, 7):
        r = rng("acc_dyn%d" % n)
        scores = r.normal(0, 1, (n, 5)).astype(np.float32)
        target = r.integers(0, 5, n).astype(np.int64)
        case("metrics", "acc_dyn%d" % n, {"scores": scores, "target": target},
             [skm.accuracy_score(target, first_argmax(scores)),
              skm.top_k_accuracy_score(target, scores.astype(np.float64), k=2, labels=range(5))], np.float32)


def classification_cases():
    # Five classes; class 4 never occurs, class 3 is never predicted.
    r = rng("classification")
    n, c = 30, 5
    target = r.integers(0, 4, n)
    pred = np.where(r.uniform(0, 1, n) < 0.6, target, r.integers(0, 3, n))
    pred[pred == 3] = 0
    assert 3 in target and 3 not in pred and 4 not in target and 4 not in pred
    labels = list(range(c))
    cm = skm.confusion_matrix(target, pred, labels=labels)
    outs = [cm.astype(np.int64)]
    for fn in (skm.precision_score, skm.recall_score, skm.f1_score):
        for avg in ("macro", "micro", "weighted", None):
            outs.append(fn(target, pred, labels=labels, average=avg, zero_division=0))
    # Scores whose argmax is pred.
    scores = r.normal(0, 1, (n, c))
    scores[np.arange(n), pred] = scores.max(1) + 1
    scores = scores.astype(np.float32)
    assert (first_argmax(scores) == pred).all()
    outs += [cm.astype(np.int64), skm.f1_score(target, pred, labels=labels, average="macro", zero_division=0)]
    # Whole data set from two batches: the sum of their matrices.
    outs += [skm.precision_score(target, pred, labels=labels, average="macro", zero_division=0),
             skm.recall_score(target, pred, labels=labels, average=None, zero_division=0),
             skm.f1_score(target, pred, labels=labels, average="weighted", zero_division=0)]
    # Binary labels.
    bt = r.integers(0, 2, 16)
    bp = np.where(r.uniform(0, 1, 16) < 0.7, bt, 1 - bt)
    outs += [skm.confusion_matrix(bt, bp, labels=[0, 1]).astype(np.int64)]
    for fn in (skm.precision_score, skm.recall_score, skm.f1_score):
        outs += [fn(bt, bp), fn(bt, bp, pos_label=0), fn(bt, bp, average="macro")]
    case("metrics", "classification",
         {"pred": pred.astype(np.int64), "target": target.astype(np.int64), "scores": scores,
          "pred32": pred.astype(np.int32), "target32": target.astype(np.int32),
          "bp": bp.astype(np.int64), "bt": bt.astype(np.int64)},
         outs, np.float32)


# ----------------------------------------------------------------------------
# Autodiff/loss_gradients.dl: inputs placed on purpose
# ----------------------------------------------------------------------------

def autodiff_cases():
    # Logits of exactly 0 (and ±100): the gradient of BCE with logits there
    # is sigmoid(x) - target. Targets away from 0 and 1.
    x = np.array([[0.0, 0.0, 100.0, -100.0], [0.5, -0.5, 0.0, 3.0]])
    t = np.array([[0.2, 0.9, 0.3, 0.6], [0.1, 0.4, 0.5, 0.7]])
    case("autodiff", "grad_bce_logits_edges", {"x": x.astype(np.float32), "t": t.astype(np.float32)}, [])


def main():
    for fn in (regression_cases, bce_cases, cross_entropy_cases, kl_div_cases, hinge_cases, accuracy_cases,
               classification_cases, autodiff_cases):
        fn()
    written = set()
    for name, (group, ins, outs) in sorted(CASES.items()):
        out = OUTS[group]
        os.makedirs(out, exist_ok=True)
        if ins:
            written.add(write_npz(os.path.join(out, name + ".in.npz"), ins))
        if outs:
            written.add(write_npz(os.path.join(out, name + ".expected.npz"),
                                  {"arr_%d" % k: v for k, v in enumerate(outs)}))
    total = 0
    for group in ("losses", "metrics"):
        out = OUTS[group]
        for f in os.listdir(out):
            path = os.path.join(out, f)
            if f.endswith(".npz") and path not in written:
                os.remove(path)
                print("removed", f)
            else:
                total += os.path.getsize(path)
    print("%d cases, %d files, %d bytes" % (len(CASES), len(written), total))


def write_npz(path, arrays):
    """Writes arrays as an .npz with fixed timestamps; returns the path."""
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
