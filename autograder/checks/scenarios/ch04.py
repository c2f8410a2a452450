"""Scenarios of chapter 04: unit saturation, gradient norms and gradient clipping."""
from __future__ import annotations

import numpy as np

from .common import Case, calls_scenario, draw_shapes

ACTIVATIONS = ("sigmoid", "tanh", "relu")


# --------------------------------------------------------------------------- saturation


def _pre_activations(seed: int) -> list[Case]:
    """Pre-activations spread over the saturated and the active range, several thresholds."""
    rng = np.random.default_rng(seed)
    thresholds = (None, 0.05, 0.2, 0.5)
    cases = []
    for act in ACTIVATIONS:
        shapes = draw_shapes(rng, 4, max_n=12, max_d=9)
        for k, shape in enumerate(shapes):
            z = rng.normal(scale=4.0, size=shape)
            t = thresholds[k]
            kw = {} if t is None else {"threshold": t}
            at = "the default threshold" if t is None else f"threshold={t}"
            cases.append(Case(f"{act} pre-activations of shape {shape} with {at}", (z, act), kw))
        # far from 0 on one side: the largest derivative in the sample is not the maximum
        z = rng.uniform(3.0, 9.0, size=(6, 5)) * (-1 if act == "relu" else 1)
        cases.append(Case(f"{act} pre-activations of shape (6, 5), all far from 0", (z, act)))
        z = rng.normal(scale=4.0, size=(3, 4, 5))
        cases.append(Case(f"{act} pre-activations of shape (3, 4, 5)", (z, act), {"threshold": 0.1}))
        z = rng.normal(scale=4.0, size=(11,))
        cases.append(Case(f"{act} pre-activations of shape (11,)", (z, act)))
    return cases


def _threshold_edges(seed: int) -> list[Case]:
    """Exact zeros, and derivatives exactly equal to threshold * max (not saturated: strictly below)."""
    zeros_mixed = np.array([[0.0, -2.0, 3.0, 0.0], [1.5, 0.0, -0.5, 4.0]])
    at_zero = np.zeros((3, 3))
    positive = np.array([[0.5, 2.0, 7.0]])
    return [
        Case("relu pre-activations with exact zeros, default threshold", (zeros_mixed, "relu")),
        Case("relu pre-activations with exact zeros, threshold=1.0", (zeros_mixed, "relu"), {"threshold": 1.0}),
        Case("positive relu pre-activations with threshold=1.0 (derivative equal to the maximum)", (positive, "relu"), {"threshold": 1.0}),
        Case("sigmoid at z = 0 with threshold=1.0 (derivative equal to the maximum)", (at_zero, "sigmoid"), {"threshold": 1.0}),
        Case("tanh at z = 0 with threshold=1.0 (derivative equal to the maximum)", (at_zero, "tanh"), {"threshold": 1.0}),
        Case("integer relu pre-activations", (np.array([[-3, 0, 2, 7]]), "relu")),
    ]


def _extreme_pre_activations(seed: int) -> list[Case]:
    z = np.array([[1e4, -1e4, 800.0, -800.0], [0.0, 5.0, -5.0, 30.0]])
    return [Case(f"{act} pre-activations of magnitude up to 1e4", (z, act)) for act in ACTIVATIONS]


# --------------------------------------------------------------------------- gradient dicts


def _grads(rng: np.random.Generator, shape: tuple[int, int], scale: float = 1.0) -> dict:
    """A two-layer network's gradients for a batch-like shape (D, H): W1, b1, W2, b2."""
    d, h = shape
    c = int(rng.integers(1, 6))
    return {
        "W1": rng.normal(scale=scale, size=(d, h)),
        "b1": rng.normal(scale=scale, size=(h,)),
        "W2": rng.normal(scale=scale, size=(h, c)),
        "b2": rng.normal(scale=scale, size=(c,)),
    }


def _label(grads: dict) -> str:
    return "gradients " + ", ".join(f"{k} {tuple(np.shape(v))}" for k, v in grads.items())


def _norm_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = [Case(_label(g), (g,)) for g in (_grads(rng, s) for s in draw_shapes(rng, 4))]
    g = {"W1": 1e-8 * rng.normal(size=(4, 3)), "W2": 1e3 * rng.normal(size=(3, 5)), "alpha": np.array(-2.5)}
    cases.append(Case(_label(g) + " (very different magnitudes, a 0-d alpha)", (g,)))
    g = {"W": rng.normal(size=(9, 7))}
    cases.append(Case(_label(g) + " (a single array)", (g,)))
    return cases


def _value_clip_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for shape, c in zip(draw_shapes(rng, 4), (1.0, 0.5, 3.0, 1.0)):
        g = _grads(rng, shape, scale=2.0)
        cases.append(Case(f"{_label(g)} with clip_value={c}", (g, c)))
    g = {"W": np.array([[-1.0, 1.0, 0.25], [2.0, -3.0, 0.0]]), "alpha": np.array(-0.75)}
    cases.append(Case(f"{_label(g)} with entries exactly at ±clip_value, clip_value=1.0", (g, 1.0)))
    g = _grads(rng, (3, 2))
    cases.append(Case(f"{_label(g)} with clip_value=0.0", (g, 0.0)))
    return cases


def _global_norm(grads: dict) -> float:
    return float(np.sqrt(sum(float(np.sum(np.square(g))) for g in grads.values())))


def _norm_clip_cases(seed: int) -> list[Case]:
    """Total norm above max_norm: the gradients are scaled down."""
    rng = np.random.default_rng(seed)
    cases = []
    for shape, frac in zip(draw_shapes(rng, 4), (0.5, 0.1, 0.9, 0.3)):
        g = _grads(rng, shape, scale=float(rng.uniform(0.5, 5.0)))
        max_norm = round(frac * _global_norm(g), 3)
        cases.append(Case(f"{_label(g)} with max_norm={max_norm} (total norm above it)", (g, max_norm)))
    g = _grads(rng, (5, 3), scale=1e-3)  # small norms: the 1e-6 in the denominator matters
    cases.append(Case(f"{_label(g)} of size about 1e-3 with max_norm=0.001", (g, 1e-3)))
    g = {"W": 1e4 * rng.normal(size=(7, 3)), "alpha": np.array(250.0)}
    cases.append(Case(f"{_label(g)} of size about 1e4 with max_norm=1.0", (g, 1.0)))
    return cases


def _norm_keep_cases(seed: int) -> list[Case]:
    """Total norm below max_norm: the gradients come back unchanged."""
    rng = np.random.default_rng(seed)
    cases = []
    for shape, factor in zip(draw_shapes(rng, 3), (1.5, 10.0, 1.01)):
        g = _grads(rng, shape)
        max_norm = round(factor * _global_norm(g), 3)
        cases.append(Case(f"{_label(g)} with max_norm={max_norm} (total norm below it)", (g, max_norm)))
    g = {"W": 1e-3 * rng.normal(size=(4, 4)), "alpha": np.array(1e-3)}
    cases.append(Case(f"{_label(g)} of size about 1e-3 with max_norm=1.0", (g, 1.0)))
    return cases


def _norm_boundary_cases(seed: int) -> list[Case]:
    """Total norm exactly max_norm.

    3-4-5 and 2x2 arrangements scaled by powers of two are exact in floating point, and
    norms below 0.1 make the 1e-6 change the result by more than 1e-5 relative. One
    array each, so that per-array and global norms agree here and only the comparison
    at the boundary is tested.
    """
    g1 = {"W": np.array([[3.0, 4.0]]) / 64}  # sqrt(9 + 16) / 64 = 5/64 = 0.078125
    g2 = {"W1": np.ones((2, 2)) / 128}  # sqrt(4) / 128 = 1/64 = 0.015625
    return [
        Case("gradients W (1, 2) of total norm 0.078125 with max_norm=0.078125", (g1, 0.078125)),
        Case("gradients W1 (2, 2) of total norm 0.015625 with max_norm=0.015625", (g2, 0.015625)),
        Case("gradients W (1, 2) of total norm 0.078125 with max_norm=0.0781255", (g1, 0.0781255)),
    ]


def _norm_zero_cases(seed: int) -> list[Case]:
    g = {"W1": np.zeros((4, 3)), "b1": np.zeros(3), "W2": np.zeros((3, 2)), "b2": np.zeros(2)}
    return [Case(f"all-zero {_label(g)} with max_norm=1.0", (g, 1.0))]


def _norm_purity_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    g_big = _grads(rng, (5, 4), scale=3.0)
    g_small = _grads(rng, (3, 2), scale=0.1)
    return [
        Case(f"{_label(g_big)} with max_norm=1.0 (clipped)", (g_big, 1.0)),
        Case(f"{_label(g_small)} with max_norm=100.0 (not clipped)", (g_small, 100.0)),
    ]


SCENARIOS = {
    "saturation_fraction.values": calls_scenario("saturation_fraction", _pre_activations),
    "saturation_fraction.edges": calls_scenario("saturation_fraction", _threshold_edges),
    "saturation_fraction.extreme": calls_scenario("saturation_fraction", _extreme_pre_activations, strict=True),
    "gradient_norms.values": calls_scenario("gradient_norms", _norm_cases),
    "clip_grad_value.values": calls_scenario("clip_grad_value", _value_clip_cases),
    "clip_grad_norm.clipped": calls_scenario("clip_grad_norm", _norm_clip_cases),
    "clip_grad_norm.kept": calls_scenario("clip_grad_norm", _norm_keep_cases),
    "clip_grad_norm.boundary": calls_scenario("clip_grad_norm", _norm_boundary_cases),
    "clip_grad_norm.zeros": calls_scenario("clip_grad_norm", _norm_zero_cases, strict=True),
    "clip_grad_norm.purity": calls_scenario("clip_grad_norm", _norm_purity_cases),
}
