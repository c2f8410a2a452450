"""Chapter 09, dropout: what is graded and the mistakes we recognise.

Train-mode dropout is random, so its comparators are statistical or structural and are
computed here, in the grader, from the raw arrays the scenario sends back and the
inputs of the reference run (which the student's process cannot change):

- :class:`DropFraction`: the number of zeros is within six standard errors of ``n p``
  (binomial; with 30 000 entries a case's bound is under 1.5 percentage points, while a
  mask that keeps with probability ``p`` instead of ``1 - p`` misses by 40 or more);
- :class:`KeptScale`: every kept entry is ``x / (1 - p)`` to 1e-7;
- :class:`MeanPreserved`: ``mean(out - x)`` is within six standard errors of 0, the
  standard error computed from ``x`` and ``p`` (``var(out_i - x_i) = x_i^2 p / (1 - p)``);
- :class:`IndependentMasks`: on inputs with at least 50 rows and columns, the zeros do not
  form whole columns (one draw per unit) or whole rows (one draw per example);
- ``compare.Reproducible``: generators of the same seed give the same output, another seed
  another one;
- :class:`BackwardMask` and :class:`BackwardDifferences`: the backward pass against the
  student's own forward output (``dx = dout * out / x`` in train mode, ``dout`` in test
  mode), and against centred differences of that forward re-run with a generator of the
  same seed, formed here from the raw forward outputs.
"""
from __future__ import annotations

import numpy as np

from ..compare import UNREADABLE, EachCall, Reproducible, index_tuple, purity, same_calls, values_match
from ..mistakes import ch09 as m
from ..stats import SIGMAS, beyond_sigmas
from .base import Check, FunctionSpec, Mistake


class _PerRecord(EachCall):
    """Pairs the student's records with the reference run's and checks each in turn."""

    array_field = "raw"

    def judge(self, a, e, label) -> str:
        got, want = a.get(self.array_field), e.get(self.array_field)
        if not isinstance(got, np.ndarray):
            return f"on {label} it should return an array but returns {type(got).__name__}"
        if got.shape != want.shape:
            return f"on {label} it returns an array of shape {got.shape}, expected {want.shape}"
        with np.errstate(all="ignore"):
            ok, msg = self.check(got.astype(np.float64), e, a, label)
        return "" if ok else msg

    def check(self, got, exp, act, label) -> tuple[bool, str]:  # pragma: no cover - abstract
        raise NotImplementedError


class DropFraction(_PerRecord):
    def check(self, out, exp, act, label):
        p, n = float(exp["p"]), out.size
        dropped = int(np.count_nonzero(out == 0))  # x has no zeros: 0 means dropped
        se = np.sqrt(n * p * (1 - p))
        bound = SIGMAS * se
        if beyond_sigmas(dropped - n * p, se):
            return False, (f"on {label}, it dropped {100 * dropped / n:.1f}% of the entries, expected {100 * p:g}% "
                           f"(within ±{100 * bound / n:.2f}%, six standard errors)")
        return True, ""


class KeptScale(_PerRecord):
    def check(self, out, exp, act, label):
        x, p = exp["x"], float(exp["p"])
        if not np.all(np.isfinite(out)):
            return False, f"on {label}, the output is not finite at index {index_tuple(np.flatnonzero(~np.isfinite(out))[0], out.shape)}"
        kept = np.flatnonzero(out != 0)
        if kept.size == 0:
            return False, f"on {label}, every entry was dropped"
        target = 1.0 / (1.0 - p)
        factor = out.reshape(-1)[kept] / x.reshape(-1)[kept]
        err = np.abs(factor - target) / target
        worst = int(np.argmax(err))
        if err[worst] > 1e-7:
            return False, (f"on {label}, a kept entry is multiplied by {factor[worst]:.4g} (index "
                           f"{index_tuple(kept[worst], out.shape)}), expected 1/(1-p) = {target:.4g}")
        return True, ""


class MeanPreserved(_PerRecord):
    def check(self, out, exp, act, label):
        x, p = exp["x"], float(exp["p"])
        n = x.size
        se = np.sqrt(np.sum(x**2) * p / (1 - p)) / n
        diff = float(np.mean(out - x))
        if beyond_sigmas(diff, se):
            return False, (f"on {label}, the output's mean is {np.mean(out):.4f} but the input's is {np.mean(x):.4f}, "
                           f"more than six standard errors ({SIGMAS * se:.4f}) apart: E[out] should equal x")
        return True, ""


class IndependentMasks(_PerRecord):
    def check(self, out, exp, act, label):
        x = exp["x"]
        if x.ndim != 2 or min(x.shape) < 50:
            return True, ""
        dropped = out == 0
        if np.all(dropped == dropped[:1]):
            return False, (f"on {label}, every example has the same units dropped (one draw per column): "
                           "draw an independent keep-or-drop for every entry of x")
        if np.all(dropped == dropped[:, :1]):
            return False, (f"on {label}, each example is dropped or kept as a whole (one draw per row): "
                           "draw an independent keep-or-drop for every entry of x")
        return True, ""


def _shaped_like_x(out, expected, label: str) -> str:
    """Why one of the seeded outputs cannot be compared ('' if it can)."""
    if isinstance(out, np.ndarray) and out.shape == expected["calls"][0]["out"]["first"].shape:
        return ""
    return f"on {label} it should return an array shaped like x"


# ``out`` holds the outputs of two generators of one seed and of another seed
SEEDED = Reproducible("outputs", _shaped_like_x)


class BackwardMask(_PerRecord):
    array_field = "dx"

    def check(self, dx, exp, act, label):
        dout = exp["dout"]
        if exp["mode"] == "test":
            ok, msg = values_match(dx, dout, 1e-12, 1e-15, "the gradient")
            return ok, "" if ok else f"on {label}, in test mode the gradient passes through unchanged (dx = dout): {msg}"
        fwd = act.get("forward")
        if not isinstance(fwd, np.ndarray) or fwd.shape != dout.shape:
            return False, UNREADABLE
        factor = fwd.astype(np.float64) / exp["x"]
        dropped = factor == 0
        bad = dropped & (dx != 0)
        if bad.any():
            return False, (f"on {label}, the gradient is not 0 at index {index_tuple(np.flatnonzero(bad)[0], dx.shape)}, "
                           "where your forward pass dropped the entry")
        kept = ~dropped
        scale = float(np.median(factor[kept])) if kept.any() else 0.0
        ok, msg = values_match(dx[kept], dout[kept] * factor[kept], 1e-7, 1e-15, "the gradient at the kept entries")
        if not ok:
            return False, (f"on {label}, where an entry was kept the gradient must be dout times the factor your "
                           f"forward pass applied ({scale:.4g}, i.e. 1/(1-p)); {msg.split(': ')[-1]}")
        return True, ""


class BackwardDifferences(EachCall):
    """dx against centred differences of the forward, formed here from its raw outputs."""

    tol = 1e-5

    def judge(self, a, e, label) -> str:
        dx, dout, idx, h = a.get("out"), e["dout"], e["indices"], float(e["h"])
        plus, minus = a.get("plus"), a.get("minus")
        if not isinstance(dx, np.ndarray) or dx.shape != dout.shape:
            return f"on {label} the gradient should be an array of shape {dout.shape}"
        if not isinstance(plus, list) or not isinstance(minus, list) or len(plus) != len(idx) or len(minus) != len(idx):
            return UNREADABLE
        for i, fp, fm in zip(idx, plus, minus):
            if not (isinstance(fp, np.ndarray) and isinstance(fm, np.ndarray) and fp.shape == fm.shape == dout.shape):
                return UNREADABLE
            with np.errstate(all="ignore"):
                numeric = float(np.sum((fp.astype(np.float64) - fm.astype(np.float64)) * dout) / (2 * h))
                analytic = float(dx.reshape(-1)[int(i)])
                err = abs(analytic - numeric) / max(1e-8, abs(analytic) + abs(numeric))
            if not np.isfinite(err) or err > self.tol:
                return (f"on {label}, the gradient disagrees with centred differences of your forward pass "
                        f"(re-run with a generator of the same seed): relative error {err:.1e} at index "
                        f"{index_tuple(int(i), dout.shape)}")
        return ""


FUNCTIONS = {
    "dropout_forward": FunctionSpec(3, (
        Check("train mode drops each entry with probability p (30 000 entries, within six standard errors)",
              "dropout_forward.train", DropFraction(), 1),
        Check("kept entries are scaled by exactly 1/(1-p) (inverted dropout)", "dropout_forward.train", KeptScale(), 1),
        Check("the mean is preserved: E[out] = x (within six standard errors)", "dropout_forward.train", MeanPreserved(), 0.5),
        Check("an independent draw for every entry, not one per unit or per example", "dropout_forward.train",
              IndependentMasks(), 0.5),
        Check("test mode is the identity, with or without an rng", "dropout_forward.test", same_calls(1e-12, 1e-15), 1),
        Check("p = 0 keeps every entry unchanged", "dropout_forward.p0", same_calls(1e-12, 1e-15), 0.25),
        Check("p = 1 drops every entry, without division-by-zero warnings", "dropout_forward.p1", same_calls(), 0.5),
        Check("train mode without an rng raises ValueError", "dropout_forward.no_rng", same_calls(), 0.25),
        Check("the same seed gives the same mask, another seed another mask", "dropout_forward.seed", SEEDED, 0.5, False),
        Check("inputs are left unchanged and outputs are new arrays", "dropout_forward.purity", purity, 0.5, False),
    ), (
        Mistake("Kept units must be scaled by 1/(1-p) in training (inverted dropout), so that E[out] = x and test "
                "mode needs no scaling.", {"dropout_forward": m.forward_no_rescale}),
        Mistake("p is the probability of dropping a unit (PyTorch and Keras), not of keeping it: keep with "
                "probability 1 - p and scale by 1/(1-p).", {"dropout_forward": m.forward_p_is_keep_probability}),
        Mistake("In test mode inverted dropout is the identity: the 1/(1-p) applied in training already keeps "
                "E[out] = x, so don't multiply by (1 - p) at test time.", {"dropout_forward": m.forward_test_times_keep}),
        Mistake("In test mode inverted dropout is the identity: the factor 1/(1-p) belongs to training only.",
                {"dropout_forward": m.forward_test_over_keep}),
        Mistake("You draw one mask per unit and share it across the batch: draw an independent keep/drop for every "
                "entry, with the shape of x.", {"dropout_forward": m.forward_one_mask_per_unit}),
        Mistake("At p = 1 every unit is dropped: return zeros without computing 1/(1 - p), which divides by zero.",
                {"dropout_forward": m.forward_divides_by_zero_at_p1}),
    )),
    "dropout_backward": FunctionSpec(2, (
        Check("the gradient uses the forward's mask: 0 where an entry was dropped, dout/(1-p) where it was kept, "
              "dout in test mode", "dropout_backward.mask", BackwardMask(), 2),
        Check("the gradient matches centred finite differences of your forward pass (re-seeded identically)",
              "dropout_backward.gradient", BackwardDifferences(), 1, False),
        Check("inputs are left unchanged and outputs are new arrays", "dropout_backward.mask", purity, 0.5, False),
    ), (
        Mistake("The kept entries' gradient is dout/(1-p): the forward multiplied them by 1/(1-p), so the backward "
                "must too.", {"dropout_backward": m.backward_without_scale}),
        Mistake("The mask from the forward already holds the 1/(1-p): multiply dout by it, without dividing by "
                "(1 - p) again.", {"dropout_backward": m.backward_scale_twice}),
        Mistake("Reuse the mask of the forward pass (keep it in the cache): a new random mask in the backward "
                "pass sends gradients to the wrong units.", {"dropout_backward": m.backward_fresh_mask}),
    )),
}
