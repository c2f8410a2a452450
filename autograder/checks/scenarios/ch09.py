"""Scenarios of chapter 09: inverted dropout.

Train-mode dropout is random, and how a submission draws its mask is its own choice, so
nothing here is compared with the reference's random stream. The scenarios send the raw
outputs of the student's functions (with the inputs they were given) and the grader
decides from them: the fraction of dropped entries against ``p`` with a bound of six
standard errors, the factor applied to the kept entries, the mean. Every generator
handed to the student is a fresh ``default_rng`` of a fixed seed, so a run is
reproducible, and re-seeding makes the forward pass a deterministic function of ``x``,
which is what the finite-difference check of the backward pass needs.

Each record's ``out`` is a small summary of properties that do not depend on the random
stream (the kept-entry factor, whether the rows share one mask, ...): it is only used to
recognise a known mistake by running the same scenario on it. Verdicts come from the
raw arrays.
"""
from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np

from mlpkit.gradcheck import sample_indices

from ..transport import roundtrip
from .common import ScenarioError, call, calls_result, draw_shapes, lookup, quiet, student_seed

H = 1e-6  # finite-difference step


def _nonzero(rng: np.random.Generator, shape) -> np.ndarray:
    """Inputs with no zeros (an output 0 then means "dropped") and a positive mean."""
    return rng.uniform(0.25, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape, p=[0.25, 0.75])


def _out_only(res):
    if not isinstance(res, tuple) or len(res) != 2:
        raise TypeError("`dropout_forward` should return a tuple (out, cache)")
    return res[0]


def _train(fwd, p, seed):
    """The forward pass in train mode with a fresh generator of ``seed``, output only."""
    return lambda x: _out_only(fwd(x, p, mode="train", rng=np.random.default_rng(seed)))


def _label(shape, p, mode="train") -> str:
    return f"x of shape {tuple(shape)} with p = {p:g}" + (" in test mode" if mode == "test" else "")


# --------------------------------------------------------------------------- forward


TRAIN_CASES = (((1, 30001), 0.2), ((151, 201), 0.7), ((200, 150), 0.9))


def _fingerprint(fwd, seed) -> dict:
    """How ``fwd`` treats test mode and p = 1, on a tiny input (for recognising mistakes).

    Part of every train-mode summary, so that a variant that is right in train mode but
    wrong elsewhere never looks like the reference's train-mode results.
    """
    x = np.array([[0.5, -1.0, 2.0], [1.5, 0.75, -0.25]])
    found = {}
    for key, run in (("test", lambda: fwd(x.copy(), 0.5, mode="test")),
                     ("p1", lambda: fwd(x.copy(), 1.0, mode="train", rng=np.random.default_rng(seed)))):
        try:
            with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()), np.errstate(
                    over="raise", divide="raise", invalid="raise", under="ignore"):
                warnings.simplefilter("error")
                out = np.asarray(_out_only(run()), dtype=np.float64)
            found[key] = float(np.median(out / x)) if out.shape == x.shape else "shape"
        except NotImplementedError:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure is part of the fingerprint
            found[key] = type(exc).__name__
    return found


def _forward_summary(out, x, fingerprint):
    """Stream-independent properties of a train-mode output (for recognising mistakes)."""
    if not isinstance(out, np.ndarray) or out.shape != x.shape:
        return {"shape": list(np.shape(out)) if isinstance(out, np.ndarray) else None}
    with np.errstate(all="ignore"):
        out = out.astype(np.float64)
        kept = out != 0
        ratios = out[kept] / x[kept]
        scale = float(np.median(ratios)) if ratios.size else None
        one_scale = bool(np.allclose(ratios, scale, rtol=1e-9, atol=0.0)) if ratios.size else True
    shared = None
    if x.ndim == 2 and min(x.shape) >= 50:
        shared = "columns" if bool(np.all(kept == kept[:1])) else "rows" if bool(np.all(kept == kept[:, :1])) else "none"
    # the drop rate to one decimal: the cases' p are 0.2, 0.7, 0.9, each more than
    # 20 standard errors from a rounding boundary
    return {"shape": list(x.shape), "scale": scale, "one_scale": one_scale, "shared_mask": shared,
            "drop_rate": round(float(np.mean(~kept)), 1), "elsewhere": fingerprint}


def forward_train_scenario(ns, seed):
    """Large inputs (N = 1 with 30001 entries, odd sizes), p = 0.2, 0.7, 0.9: raw outputs."""
    fwd = lookup(ns, "dropout_forward")
    rng = np.random.default_rng(seed)
    calls = []
    fingerprint = _fingerprint(fwd, student_seed(seed, 99))
    for k, (shape, p) in enumerate(TRAIN_CASES):
        x = _nonzero(rng, shape)
        rec = call(_train(fwd, p, student_seed(seed, k)), x, label=_label(shape, p))
        raw = rec.pop("out")
        rec.update(out=_forward_summary(raw, x, fingerprint) if rec["error"] is None else None, raw=raw, x=x, p=p)
        calls.append(rec)
    return calls_result(calls)


def _small_cases(seed: int):
    rng = np.random.default_rng(seed)
    return [(shape, rng.normal(size=shape)) for shape in draw_shapes(rng, 4)]


def forward_p0_scenario(ns, seed):
    """p = 0 in train mode: every entry kept, unscaled."""
    fwd = lookup(ns, "dropout_forward")
    return calls_result([call(_train(fwd, 0.0, student_seed(seed, k)), x, label=_label(shape, 0.0))
                   for k, (shape, x) in enumerate(_small_cases(seed))])


def forward_p1_scenario(ns, seed):
    """p = 1 in train mode, with floating-point warnings raised: all zeros, no 1/(1 - p)."""
    fwd = lookup(ns, "dropout_forward")
    return calls_result([call(_train(fwd, 1.0, student_seed(seed, k)), x, label=_label(shape, 1.0), strict=True)
                   for k, (shape, x) in enumerate(_small_cases(seed))])


def forward_test_scenario(ns, seed):
    """Test mode, without an rng and with one: the identity."""
    fwd = lookup(ns, "dropout_forward")
    calls = []
    for k, (shape, x) in enumerate(_small_cases(seed)):
        p = (0.3, 0.5, 0.8, 0.1)[k % 4]
        if k % 2:
            run = (lambda p, s: lambda z: _out_only(fwd(z, p, mode="test", rng=np.random.default_rng(s))))(p, student_seed(seed, k))
            label = _label(shape, p, "test") + " and an rng"
        else:
            run = (lambda p: lambda z: _out_only(fwd(z, p, mode="test")))(p)
            label = _label(shape, p, "test") + " without an rng"
        calls.append(call(run, x, label=label))
    return calls_result(calls)


def forward_no_rng_scenario(ns, seed):
    """Train mode without a generator must raise ValueError (the API's precision)."""
    fwd = lookup(ns, "dropout_forward")
    x = np.random.default_rng(seed).normal(size=(4, 6))
    return calls_result([call(lambda z: _out_only(fwd(z, 0.5, mode="train", rng=None)), x,
                        label="x of shape (4, 6) with p = 0.5 in train mode and rng=None")])


def forward_seed_scenario(ns, seed):
    """Two generators of one seed, and one of another seed: raw outputs of each."""
    fwd = lookup(ns, "dropout_forward")
    x = _nonzero(np.random.default_rng(seed), (20, 31))
    runs = {name: call(_train(fwd, 0.5, s), x) for name, s in (("first", student_seed(seed, 0)), ("again", student_seed(seed, 0)),
                                                            ("other", student_seed(seed, 1)))}
    errors = [r["error"] for r in runs.values() if r["error"]]
    out = None if errors else {name: r["out"] for name, r in runs.items()}
    return calls_result([{"label": "x of shape (20, 31) with p = 0.5", "out": out, "error": errors[0] if errors else None,
                    "mutated": any(r["mutated"] for r in runs.values()), "aliased": False}])


def forward_purity_scenario(ns, seed):
    """Train and test mode on small inputs: inputs unchanged, outputs new arrays."""
    fwd = lookup(ns, "dropout_forward")
    calls = []
    for k, (shape, x) in enumerate(_small_cases(seed)):
        calls.append(call(_train(fwd, 0.4, student_seed(seed, k)), x, label=_label(shape, 0.4)))
        calls.append(call(lambda z: _out_only(fwd(z, 0.4, mode="test")), x, label=_label(shape, 0.4, "test")))
    return calls_result(calls)


# --------------------------------------------------------------------------- backward


BACKWARD_CASES = (((1, 1001), 0.2, "train"), ((7, 151), 0.35, "train"), ((64, 33), 0.7, "train"), ((5, 9), 0.5, "test"))


def _forward_for_backward(fwd, x, p, mode, seed):
    """Run the student's forward (it must work before its backward can be checked)."""
    try:
        with quiet():
            if mode == "test":
                res = fwd(x.copy(), p, mode="test")
            else:
                res = fwd(x.copy(), p, mode="train", rng=np.random.default_rng(seed))
    except NotImplementedError:
        raise ScenarioError("`dropout_backward` can only be checked once `dropout_forward` works: "
                            "it is not implemented yet") from None
    except Exception as exc:
        raise ScenarioError(f"`dropout_backward` can only be checked once `dropout_forward` works: it raised "
                            f"{type(exc).__name__} on {_label(x.shape, p, mode)}") from None
    if not isinstance(res, tuple) or len(res) != 2:
        raise ScenarioError("`dropout_forward` should return a tuple (out, cache)")
    out = roundtrip(res[0])
    if not isinstance(out, np.ndarray) or out.shape != x.shape:
        raise ScenarioError(f"`dropout_forward` should return an output of shape {x.shape}, like x")
    return out, res[1]


def _backward_summary(dx, fwd_out, x, dout, mode):
    """Stream-independent properties of dx against the forward's factor out / x."""
    if not isinstance(dx, np.ndarray) or dx.shape != x.shape:
        return {"shape": list(np.shape(dx)) if isinstance(dx, np.ndarray) else None}
    with np.errstate(all="ignore"):
        dx = dx.astype(np.float64)
        factor = np.ones_like(x) if mode == "test" else fwd_out / x
        kept = factor != 0
        ratios = dx[kept] / (dout[kept] * factor[kept])
        return {
            "zero_where_dropped": bool(np.all(dx[~kept] == 0)),
            "ratio": float(np.median(ratios)) if ratios.size else None,
            "all_match": bool(np.allclose(ratios, 1.0, rtol=1e-9, atol=0.0)),
        }


def backward_mask_scenario(ns, seed):
    """dx next to the forward output it belongs to (train: N = 1 and odd sizes; test)."""
    fwd, bwd = lookup(ns, "dropout_forward"), lookup(ns, "dropout_backward")
    rng = np.random.default_rng(seed)
    calls = []
    for k, (shape, p, mode) in enumerate(BACKWARD_CASES):
        x, dout = _nonzero(rng, shape), _nonzero(rng, shape)
        out, cache = _forward_for_backward(fwd, x, p, mode, student_seed(seed, k))
        rec = call(bwd, dout, cache, label=_label(shape, p, mode))
        dx = rec.pop("out")
        rec.update(out=_backward_summary(dx, out, x, dout, mode) if rec["error"] is None else None,
                   dx=dx, forward=out, x=x, dout=dout, p=p, mode=mode)
        calls.append(rec)
    return calls_result(calls)


def backward_gradient_scenario(ns, seed):
    """dx next to the student's forward at x +- h e_i, each run with a generator of the same seed.

    Re-seeding draws the same mask every time, so the forward is a fixed function of x
    and its centred differences are defined; the grader forms them from the raw outputs.
    """
    fwd, bwd = lookup(ns, "dropout_forward"), lookup(ns, "dropout_backward")
    rng = np.random.default_rng(seed)
    calls = []
    for k, shape in enumerate(draw_shapes(rng, 4)):
        p = (0.25, 0.5, 0.8, 0.4)[k]
        x, dout = rng.normal(size=shape), rng.normal(size=shape)
        s = student_seed(seed, k)
        _, cache = _forward_for_backward(fwd, x, p, "train", s)
        rec = call(bwd, dout, cache, label=_label(shape, p))
        idx = sample_indices(x.size, 12, rng)
        plus, minus = [], []
        with quiet():
            for i in idx:
                step = np.zeros(x.size)
                step[i] = H
                step = step.reshape(shape)
                plus.append(roundtrip(fwd(x + step, p, mode="train", rng=np.random.default_rng(s))[0]))
                minus.append(roundtrip(fwd(x - step, p, mode="train", rng=np.random.default_rng(s))[0]))
        rec.update(indices=idx, plus=plus, minus=minus, dout=dout, h=H)
        calls.append(rec)
    return calls_result(calls)


SCENARIOS = {
    "dropout_forward.train": forward_train_scenario,
    "dropout_forward.test": forward_test_scenario,
    "dropout_forward.p0": forward_p0_scenario,
    "dropout_forward.p1": forward_p1_scenario,
    "dropout_forward.no_rng": forward_no_rng_scenario,
    "dropout_forward.seed": forward_seed_scenario,
    "dropout_forward.purity": forward_purity_scenario,
    "dropout_backward.mask": backward_mask_scenario,
    "dropout_backward.gradient": backward_gradient_scenario,
}
