"""Scenarios of chapter 01: loss and cost functions."""
from __future__ import annotations

import numpy as np

from .common import Case, calls_scenario, draw_shapes, loss_gradient_scenario


def _regression(seed: int, weighted: bool = False) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for n, d in draw_shapes(rng, 4):
        y = rng.normal(size=(n, d))
        pred = y + rng.choice([-1, 1], size=(n, d)) * rng.uniform(0.05, 2.0, size=(n, d))
        kw = {"sample_weight": rng.uniform(0.2, 3.0, size=n)} if weighted else {}
        cases.append(Case(f"predictions of shape {(n, d)}" + (" with sample weights" if weighted else ""), (pred, y), kw))
    if not weighted:  # exact ties: the L1 subgradient is 0 where prediction equals target
        y = rng.normal(size=(5, 3))
        pred = y.copy()
        pred[::2] += 0.5
        cases.append(Case("predictions equal to the targets in some entries", (pred, y)))
    return cases


def _probabilities(seed: int, weighted: bool = False) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for n, d in draw_shapes(rng, 4):
        p = rng.uniform(0.02, 0.98, size=(n, d))
        y = rng.integers(0, 2, size=(n, d)).astype(float)
        kw = {"sample_weight": rng.uniform(0.2, 3.0, size=n)} if weighted else {}
        cases.append(Case(f"probabilities of shape {(n, d)}" + (" with sample weights" if weighted else ""), (p, y), kw))
    return cases


def _probabilities_extreme(seed: int) -> list[Case]:
    p = np.array([[0.0, 1.0, 0.0, 1.0, 0.5]])
    y = np.array([[0.0, 1.0, 1.0, 0.0, 1.0]])
    return [Case("probabilities exactly 0 and 1", (p, y)), Case("probabilities exactly 0 and 1 (a batch of 3)", (np.repeat(p, 3, 0), np.repeat(y, 3, 0)))]


def _logits_binary(seed: int, weighted: bool = False) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for n, d in draw_shapes(rng, 4):
        z = rng.normal(scale=3.0, size=(n, d))
        y = rng.integers(0, 2, size=(n, d)).astype(float)
        kw = {"sample_weight": rng.uniform(0.2, 3.0, size=n)} if weighted else {}
        cases.append(Case(f"logits of shape {(n, d)}" + (" with sample weights" if weighted else ""), (z, y), kw))
    return cases


def _logits_binary_extreme(seed: int) -> list[Case]:
    z = np.array([[1e4, -1e4, 1e3, -1e3], [800.0, -800.0, 0.0, 40.0]])
    y = np.array([[0.0, 1.0, 1.0, 0.0], [1.0, 0.0, 1.0, 0.0]])
    return [Case("logits of magnitude up to 1e4", (z, y))]


def _logits(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    return [Case(f"logits of shape {(n, c)}", (rng.normal(scale=2.0, size=(n, c)),)) for n, c in draw_shapes(rng, 5)]


def _logits_extreme(seed: int) -> list[Case]:
    z = np.array([[1e4, 0.0, -1e4], [1e4, 1e4 - 1.0, 9e3], [-1e4, -1e4, -1e4 + 2.0]])
    return [Case("logits of magnitude 1e4", (z,))]


def _classes(seed: int, weighted: bool = False) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for n, c in draw_shapes(rng, 4):
        c = max(c, 2)
        z = rng.normal(scale=2.0, size=(n, c))
        y = rng.integers(0, c, size=n)
        kw = {"sample_weight": rng.uniform(0.2, 3.0, size=n)} if weighted else {}
        cases.append(Case(f"logits of shape {(n, c)}" + (" with sample weights" if weighted else ""), (z, y), kw))
    return cases


def _classes_extreme(seed: int) -> list[Case]:
    z = np.array([[1e4, 0.0, -1e4], [-1e4, 1e4, 0.0], [5e3, 5e3, -5e3]])
    return [Case("logits of magnitude 1e4", (z, np.array([2, 1, 0])))]


SCENARIOS = {
    "l1_loss.values": calls_scenario("l1_loss", _regression),
    "l1_loss.weighted": calls_scenario("l1_loss", lambda s: _regression(s, weighted=True)),
    "l1_loss.gradient": loss_gradient_scenario("l1_loss", lambda s: _regression(s)[:4]),
    "l2_loss.values": calls_scenario("l2_loss", _regression),
    "l2_loss.weighted": calls_scenario("l2_loss", lambda s: _regression(s, weighted=True)),
    "l2_loss.gradient": loss_gradient_scenario("l2_loss", _regression),
    "mse_loss.values": calls_scenario("mse_loss", _regression),
    "mse_loss.gradient": loss_gradient_scenario("mse_loss", _regression),
    "binary_cross_entropy.values": calls_scenario("binary_cross_entropy", _probabilities),
    "binary_cross_entropy.weighted": calls_scenario("binary_cross_entropy", lambda s: _probabilities(s, weighted=True)),
    "binary_cross_entropy.gradient": loss_gradient_scenario("binary_cross_entropy", _probabilities),
    "binary_cross_entropy.extreme": calls_scenario("binary_cross_entropy", _probabilities_extreme, strict=True),
    "sigmoid_bce_with_logits.values": calls_scenario("sigmoid_bce_with_logits", _logits_binary),
    "sigmoid_bce_with_logits.weighted": calls_scenario("sigmoid_bce_with_logits", lambda s: _logits_binary(s, weighted=True)),
    "sigmoid_bce_with_logits.gradient": loss_gradient_scenario("sigmoid_bce_with_logits", _logits_binary),
    "sigmoid_bce_with_logits.extreme": calls_scenario("sigmoid_bce_with_logits", _logits_binary_extreme, strict=True),
    "softmax.values": calls_scenario("softmax", _logits),
    "softmax.extreme": calls_scenario("softmax", _logits_extreme, strict=True),
    "softmax_cross_entropy.values": calls_scenario("softmax_cross_entropy", _classes),
    "softmax_cross_entropy.weighted": calls_scenario("softmax_cross_entropy", lambda s: _classes(s, weighted=True)),
    "softmax_cross_entropy.gradient": loss_gradient_scenario("softmax_cross_entropy", _classes),
    "softmax_cross_entropy.extreme": calls_scenario("softmax_cross_entropy", _classes_extreme, strict=True),
}
