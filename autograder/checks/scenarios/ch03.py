"""Scenarios of chapter 03: layers, activations, numerical gradients and the MLP.

Conventions of this module:

- Forward scenarios record only ``out`` (a layer's cache is its own business).
- Backward scenarios run the student's own forward to get a cache, then record the
  backward on an upstream gradient; they also record the forward's output (under
  ``parts``) so the judges can say "fix the forward first" when the cache is the culprit.
- ``numerical_gradient`` and ``numerical_gradient_array`` get functions defined here, each
  of which computes its value from the array it is given, together with their exact
  gradients (sent under ``exact``; the judges read them from the grader's own run).
- The MLP scenarios also probe the building blocks they rely on (``parts``) on small
  fixed inputs, so a bug in, say, ``affine_forward`` is reported as such under
  ``mlp_loss`` instead of as a mysterious difference in the loss.
"""
from __future__ import annotations

import copy
import warnings

import numpy as np

from mlpkit.gradcheck import numeric_grad, sample_indices

from .common import (Case, ScenarioError, away_from_kink, call, draw_shapes, first_output, forward_scenario,
                     layer_gradient_scenario, lookup, with_zeros)

__all__ = ["SCENARIOS", "ACTIVATIONS", "mlp_params"]

ACTIVATIONS = ("relu", "sigmoid", "tanh")


# --------------------------------------------------------------------------- helpers


def _traced(fn, name: str):
    """``fn``, whose NotImplementedError says which function raised it.

    Lets the judges tell an unfinished ``mlp_loss`` from an ``mlp_loss`` that calls an
    unfinished ``relu_backward``.
    """

    def traced(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except NotImplementedError as exc:
            tb = exc.__traceback__
            while tb is not None and tb.tb_next is not None:
                tb = tb.tb_next
            code = getattr(fn, "__code__", None)
            where = name if tb is None or tb.tb_frame.f_code is code else tb.tb_frame.f_code.co_name
            raise NotImplementedError(f"raised in {where}") from None

    return traced


def _quiet(fn, *args, **kwargs):
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*copy.deepcopy(args), **copy.deepcopy(kwargs))


def _forward_cache(ns, forward: str, backward: str, args):
    """``(out, cache)`` of the student's forward, or a ScenarioError saying why not."""
    fwd = lookup(ns, forward)
    try:
        res = _quiet(fwd, *args)
    except NotImplementedError:
        raise ScenarioError(f"checking `{backward}` needs a cache from `{forward}`, which still raises "
                            f"NotImplementedError: implement `{forward}` first") from None
    except Exception as exc:
        raise ScenarioError(f"checking `{backward}` needs a cache from `{forward}`, which raised "
                            f"{type(exc).__name__}: {exc}"[:300]) from None
    if not isinstance(res, tuple) or len(res) != 2:
        raise ScenarioError(f"`{forward}` should return a tuple (out, cache)")
    return res


# --------------------------------------------------------------------------- layers


def _affine_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    shapes = draw_shapes(rng, 5)
    for k, (n, d) in enumerate(shapes):
        m = d if k == 2 else int(rng.integers(1, 7))  # one square W, where a transpose would not fail
        x, W, b = rng.normal(size=(n, d)), rng.normal(size=(d, m)), rng.normal(size=m)
        cases.append(Case(f"x of shape {(n, d)}, W of shape {(d, m)}, b of shape {(m,)}", (x, W, b)))
    return cases


def _activation_cases(seed: int, zeros: bool = False, kink_free: bool = False) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for n, d in draw_shapes(rng, 5):
        if kink_free:
            x = away_from_kink(rng, (n, d))
        elif zeros:
            x = with_zeros(rng, (n, d))
        else:
            x = rng.normal(scale=3.0, size=(n, d))
        cases.append(Case(f"x of shape {(n, d)}" + (" with exact zeros" if zeros else ""), (x,)))
    return cases


def _moderate_cases(seed: int) -> list[Case]:
    """0.05 <= |x| <= 3: unsaturated, and no finite difference crosses ReLU's kink."""
    return _activation_cases(seed, kink_free=True)


def _extreme_cases(seed: int) -> list[Case]:
    big = np.array([1e4, -1e4, 5e3, -5e3, 1e3, -1e3, 800.0, -800.0, 710.0, -710.0, 40.0, -40.0, 0.0, 1e-3, -2.5])
    rng = np.random.default_rng(seed)
    return [Case("x with entries of magnitude up to 1e4 (both signs)", (rng.permutation(big).reshape(3, 5),))]


def _zero_cases(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(4, 6))
    x[:, ::2] = 0.0
    return [Case("x of shape (4, 6) with many exact zeros", (x,))]


def backward_scenario(forward: str, backward: str, cases):
    """Scenario: the backward on the cache of the student's own forward, same inputs as the reference's.

    ``parts`` holds the forward's outputs on the same inputs, so a wrong cache can be
    blamed on the forward.
    """

    def scenario(ns, seed):
        bwd = lookup(ns, backward)
        fwd = first_output(lookup(ns, forward), forward)
        rng = np.random.default_rng(seed + 1)
        calls, outs = [], []
        for c in cases(seed):
            out, cache = _forward_cache(ns, forward, backward, c.args)
            dout = rng.normal(size=np.shape(out))
            outs.append(call(fwd, *c.args, label=c.label))
            calls.append(call(bwd, dout, cache, label=c.label + " (and an upstream gradient dout)"))
        return {"calls": calls, "parts": {forward: outs}, "uses": [forward]}

    scenario.__name__ = f"{backward}_on_own_cache"
    return scenario


def gradient_scenario(forward: str, backward: str, cases, wrt=(0,)):
    """``common.layer_gradient_scenario``, with a clear word when the forward is unfinished."""
    inner = layer_gradient_scenario(forward, backward, cases, wrt=wrt)

    def scenario(ns, seed):
        lookup(ns, backward)
        fwd = first_output(lookup(ns, forward), forward)
        all_cases = cases(seed)
        _forward_cache(ns, forward, backward, all_cases[0].args)
        try:
            data = inner(ns, seed)
        except NotImplementedError:
            raise ScenarioError(f"`{backward}` is not implemented yet (it raises NotImplementedError)") from None
        data["parts"] = {forward: [call(fwd, *c.args, label=c.label) for c in all_cases]}
        data["uses"] = [forward]
        return data

    scenario.__name__ = inner.__name__
    return scenario


# --------------------------------------------------------------------------- numerical gradients


def _scalar_functions(seed: int) -> list[dict]:
    """Scalar functions of arrays of several shapes, each with its exact gradient."""
    rng = np.random.default_rng(seed)
    C = rng.normal(size=(3, 4))
    A = rng.normal(size=(3, 4))
    t = rng.normal(size=(3, 2))
    return [
        {"label": "f(x) = sum(C * sin(x)) on x of shape (3, 4)", "x": rng.normal(size=(3, 4)),
         "f": lambda x: float(np.sum(C * np.sin(x))), "grad": lambda x: C * np.cos(x)},
        {"label": "f(x) = sum(exp(x)) + sum(x**3) on x of shape (5,)", "x": rng.normal(size=5),
         "f": lambda x: float(np.sum(np.exp(x)) + np.sum(x**3)), "grad": lambda x: np.exp(x) + 3 * x**2},
        {"label": "f(x) = log(1 + sum(x**2)) on x of shape (1, 6)", "x": rng.normal(size=(1, 6)),
         "f": lambda x: float(np.log1p(np.sum(x**2))), "grad": lambda x: 2 * x / (1 + np.sum(x**2))},
        {"label": "f(x) = sum((A @ x - t)**2) on x of shape (4, 2)", "x": rng.normal(size=(4, 2)),
         "f": lambda x: float(np.sum((A @ x - t) ** 2)), "grad": lambda x: 2 * A.T @ (A @ x - t)},
        {"label": "f(x) = sum(x**4) / 4 + prod(cos(x)) on x of shape (2, 3, 2)", "x": rng.normal(size=(2, 3, 2)),
         "f": lambda x: float(np.sum(x**4) / 4 + np.prod(np.cos(x))),
         "grad": lambda x: x**3 - np.prod(np.cos(x)) * np.tan(x)},
    ]


def numerical_gradient_values(ns, seed):
    """Default step h: recorded next to the exact gradient of each function."""
    fn = lookup(ns, "numerical_gradient")
    calls, exact = [], []
    for item in _scalar_functions(seed):
        calls.append(call(fn, item["f"], item["x"], label=item["label"]))
        exact.append(item["grad"](item["x"]))
    return {"calls": calls, "exact": exact}


def numerical_gradient_step(ns, seed):
    """A large step h = 0.1 on sum(x**3): the centred difference is 3 x**2 + h**2, exactly."""
    fn = lookup(ns, "numerical_gradient")
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(3, 2))
    calls = [call(fn, lambda z: float(np.sum(z**3)), x, 0.1, label="f(x) = sum(x**3) with h=0.1 (positional)"),
             call(fn, lambda z: float(np.sum(z**3)), x[0], h=0.05, label="f(x) = sum(x**3) with h=0.05 (keyword)")]
    return {"calls": calls}


def numerical_gradient_ints(ns, seed):
    """An integer x: the perturbation must not be rounded away."""
    fn = lookup(ns, "numerical_gradient")
    x = np.array([[1, -2, 3], [0, 2, -1]], dtype=np.int64)
    calls = [call(fn, lambda z: float(np.sum(np.asarray(z, dtype=np.float64) ** 3)), x,
                  label="f(x) = sum(x**3) on an integer x of shape (2, 3)")]
    return {"calls": calls, "exact": [3.0 * x.astype(np.float64) ** 2]}


def _array_functions(seed: int) -> list[dict]:
    """Array-valued functions with an upstream gradient and the exact vector-Jacobian product."""
    rng = np.random.default_rng(seed)
    B = rng.normal(size=(3, 4))
    A = rng.normal(size=(5, 2))
    A2 = rng.normal(size=(3, 4))
    items = [
        {"label": "f(x) = B * sin(x), x of shape (3, 4)", "x": rng.normal(size=(3, 4)),
         "f": lambda x: B * np.sin(x), "vjp": lambda x, d: B * np.cos(x) * d, "out": (3, 4)},
        {"label": "f(x) = x @ A, x of shape (1, 5), A of shape (5, 2)", "x": rng.normal(size=(1, 5)),
         "f": lambda x: x @ A, "vjp": lambda x, d: d @ A.T, "out": (1, 2)},
        {"label": "f(x) = tanh(x @ A), x of shape (7, 3), A of shape (3, 4)", "x": rng.normal(size=(7, 3)),
         "f": lambda x: np.tanh(x @ A2), "vjp": lambda x, d: ((1 - np.tanh(x @ A2) ** 2) * d) @ A2.T, "out": (7, 4)},
        {"label": "f(x) = exp(x) summed over columns, x of shape (4, 3)", "x": rng.normal(size=(4, 3)),
         "f": lambda x: np.exp(x).sum(axis=1), "vjp": lambda x, d: np.exp(x) * d[:, None], "out": (4,)},
    ]
    for item in items:
        item["dout"] = rng.normal(size=item["out"])
    return items


def numerical_gradient_array_values(ns, seed):
    fn = lookup(ns, "numerical_gradient_array")
    calls, exact = [], []
    for item in _array_functions(seed):
        calls.append(call(fn, item["f"], item["x"], item["dout"], label=item["label"]))
        exact.append(item["vjp"](item["x"], item["dout"]))
    return {"calls": calls, "exact": exact}


def numerical_gradient_array_step(ns, seed):
    """h = 0.1 on x**3: each entry of the centred difference is (3 x**2 + h**2) * dout."""
    fn = lookup(ns, "numerical_gradient_array")
    rng = np.random.default_rng(seed)
    x, dout = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    return {"calls": [call(fn, lambda z: z**3, x, dout, 0.1, label="f(x) = x**3 with h=0.1 (positional)"),
                      call(fn, lambda z: z**3, x, dout, h=0.05, label="f(x) = x**3 with h=0.05 (keyword)")]}


def relative_error_values(ns, seed):
    fn = lookup(ns, "relative_error")
    rng = np.random.default_rng(seed)
    cases = [
        ("a = [1, 2, 3], b = [1, 2.5, 3]", np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.5, 3.0])),
        ("a = [[0, 1e-12]], b = [[0, 0]] (the 1e-8 floor)", np.array([[0.0, 1e-12]]), np.zeros((1, 2))),
        ("a = [-1, 1], b = [1, -1]", np.array([-1.0, 1.0]), np.array([1.0, -1.0])),
        ("a = 2.0, b = 1.0 (plain floats)", 2.0, 1.0),
        ("a = b = zeros of shape (2, 2)", np.zeros((2, 2)), np.zeros((2, 2))),
    ]
    for n, d in draw_shapes(rng, 3):
        a = rng.normal(size=(n, d))
        cases.append((f"random arrays of shape {(n, d)}", a, a + rng.normal(scale=1e-3, size=(n, d))))
    return {"calls": [call(fn, a, b, label=label) for label, a, b in cases]}


# --------------------------------------------------------------------------- MLP

# N, layer sizes (D, hidden..., C), activation, how the activation is passed
_MLP_CONFIGS = [
    (1, (3, 2), "relu", "default"),
    (7, (4, 5, 3), "relu", "positional"),
    (5, (2, 6, 4), "sigmoid", "keyword"),
    (6, (3, 4, 5, 3), "tanh", "keyword"),
    (3, (5, 3, 4, 2), "relu", "default"),
    (4, (3, 5, 2), "tanh", "positional"),
    (1, (2, 3, 3), "sigmoid", "positional"),
]


def mlp_params(rng, sizes) -> dict:
    """W_l ~ N(0, 1.5^2 / fan_in), b_l ~ N(0, 0.5^2): small random parameters."""
    params = {}
    for l, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{l}"] = rng.normal(size=(fan_in, fan_out)) * 1.5 / np.sqrt(fan_in)
        params[f"b{l}"] = rng.normal(size=fan_out) * 0.5
    return params


def _preactivations(params, X, activation) -> list[np.ndarray]:
    """Hidden pre-activations, to keep finite differences away from ReLU's kink."""
    g = {"relu": lambda z: np.maximum(z, 0), "sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh}[activation]
    zs, a = [], X
    n_layers = len(params) // 2
    for l in range(1, n_layers):
        z = a @ params[f"W{l}"] + params[f"b{l}"]
        zs.append(z)
        a = g(z)
    return zs


def _mlp_cases(seed: int, loss: bool, l2_values=(None,), kink_free: bool = False) -> list[dict]:
    """Random small networks; for ``mlp_loss`` (``loss``) also labels, and ``l2`` in turn
    from ``l2_values`` (None: not passed, the default 0)."""
    rng = np.random.default_rng(seed)
    cases = []
    for k, (n, sizes, activation, how) in enumerate(_MLP_CONFIGS):
        for _ in range(100):
            params = mlp_params(rng, sizes)
            X = rng.normal(size=(n, sizes[0]))
            zs = _preactivations(params, X, activation)
            if not kink_free or all(np.min(np.abs(z)) > 1e-3 for z in zs):
                break
        y = rng.integers(0, sizes[-1], size=n)
        l2 = l2_values[k % len(l2_values)] if loss else None
        args, kwargs = ([params, X, y] if loss else [params, X]), {}
        if how == "positional":
            args.append(activation)
        elif how == "keyword":
            kwargs["activation"] = activation
        if l2 is not None:
            if how == "positional":
                args.append(l2)
            else:
                kwargs["l2"] = l2
        hidden = len(sizes) - 2
        label = (f"X of shape {(n, sizes[0])}, {len(sizes) - 1} layer(s) {sizes}"
                 + (f", {activation} hidden units" if hidden else "")
                 + (" (the default activation)" if how == "default" and hidden else "")
                 + (f", l2={l2}" if l2 is not None else ""))
        cases.append({"label": label, "args": args, "kwargs": kwargs, "activation": activation})
    return cases


def _mlp_uses(with_backward: bool) -> list[str]:
    names = ["affine_forward"] + [f"{a}_forward" for a in ACTIVATIONS]
    if with_backward:
        names += ["softmax_cross_entropy", "affine_backward"] + [f"{a}_backward" for a in ACTIVATIONS]
    return names


def probe_parts(ns, names, seed: int) -> dict:
    """Each building block on small fixed inputs (a backward on its own forward's cache)."""
    rng = np.random.default_rng(seed + 99)
    x, W, b = rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=2)
    z = rng.normal(scale=2.0, size=(3, 4))
    y = np.array([1, 0, 3])
    parts = {}
    for name in names:
        fn = ns.get(name) if hasattr(ns, "get") else None
        if not callable(fn):
            parts[name] = [{"label": name, "out": None, "error": f"NameError: `{name}` is not defined",
                            "mutated": False, "aliased": False}]
            continue
        if name == "softmax_cross_entropy":
            parts[name] = [call(fn, z, y, label=name)]
        elif name.endswith("_forward"):
            args = (x, W, b) if name == "affine_forward" else (z,)
            parts[name] = [call(first_output(fn, name), *args, label=name)]
        else:
            forward = name.replace("_backward", "_forward")
            args = (x, W, b) if name == "affine_backward" else (z,)
            dout = rng.normal(size=(3, 2) if name == "affine_backward" else (3, 4))
            try:
                _, cache = _forward_cache(ns, forward, name, args)
            except ScenarioError as exc:
                parts[name] = [{"label": name, "out": None, "error": f"ForwardFailed: {exc}",
                                "mutated": False, "aliased": False}]
                continue
            parts[name] = [call(fn, dout, cache, label=name)]
    return parts


def mlp_calls(name: str, l2_values=(None,)):
    """Scenario: ``mlp_forward`` or ``mlp_loss`` on random small networks, plus its building blocks."""
    with_backward = name == "mlp_loss"

    def scenario(ns, seed):
        fn = _traced(lookup(ns, name), name)
        cases = _mlp_cases(seed, with_backward, l2_values)
        calls = [call(fn, *c["args"], label=c["label"], **c["kwargs"]) for c in cases]
        uses = _mlp_uses(with_backward)
        return {"calls": calls, "parts": probe_parts(ns, uses, seed), "uses": uses}

    scenario.__name__ = f"{name}_calls"
    return scenario


def mlp_loss_gradient(ns, seed):
    """``mlp_loss``'s grads next to centred differences of the same ``mlp_loss`` (l2 > 0 too).

    Returns ``{"gradients": [{"label", "keys", "analytic", "numeric"}], "error", "parts", "uses"}``;
    ``numeric`` is NaN at entries that were not sampled.
    """
    fn = _traced(lookup(ns, "mlp_loss"), "mlp_loss")
    rng = np.random.default_rng(seed + 5)
    uses = _mlp_uses(True)
    items, error = [], None
    try:
        for c in _mlp_cases(seed, True, (0.0, 0.7, 2.0), kink_free=True):
            params = c["args"][0]
            rest = c["args"][1:]
            res = _quiet(fn, params, *rest, **c["kwargs"])
            if not isinstance(res, tuple) or len(res) != 2 or not isinstance(res[1], dict):
                raise ScenarioError("mlp_loss should return a tuple (loss, grads) with grads a dict")
            grads = res[1]
            entry = {"label": c["label"], "keys": [], "analytic": [], "numeric": []}
            for key, value in params.items():
                if key not in grads:
                    raise ScenarioError(f"grads has no key {key!r}: it needs one entry per parameter")
                g = np.array(grads[key], dtype=np.float64, copy=True, subok=False)
                if g.shape != value.shape:
                    raise ScenarioError(f"grads[{key!r}] has shape {g.shape}, expected {value.shape}")
                idx = sample_indices(value.size, 6, rng)

                def loss_at(p, key=key):
                    return _quiet(fn, {**params, key: p}, *rest, **c["kwargs"])[0]

                with np.errstate(all="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    numeric = numeric_grad(loss_at, value, indices=idx)
                entry["keys"].append(key)
                entry["analytic"].append(g)
                entry["numeric"].append(numeric)
            items.append(entry)
    except ScenarioError as exc:
        error = f"ShapeError: {exc}"
    except (Exception, SystemExit) as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
    return {"gradients": items, "error": error, "parts": probe_parts(ns, uses, seed), "uses": uses}


SCENARIOS = {
    "affine_forward.values": forward_scenario("affine_forward", _affine_cases),
    "affine_backward.values": backward_scenario("affine_forward", "affine_backward", _affine_cases),
    "affine_backward.gradient": gradient_scenario("affine_forward", "affine_backward", _affine_cases, wrt=(0, 1, 2)),
    "sigmoid_forward.values": forward_scenario("sigmoid_forward", _activation_cases),
    "sigmoid_forward.extreme": forward_scenario("sigmoid_forward", _extreme_cases, strict=True),
    "sigmoid_backward.values": backward_scenario("sigmoid_forward", "sigmoid_backward", _activation_cases),
    "sigmoid_backward.gradient": gradient_scenario("sigmoid_forward", "sigmoid_backward", _moderate_cases),
    "tanh_forward.values": forward_scenario("tanh_forward", _activation_cases),
    "tanh_forward.extreme": forward_scenario("tanh_forward", _extreme_cases, strict=True),
    "tanh_backward.values": backward_scenario("tanh_forward", "tanh_backward", _activation_cases),
    "tanh_backward.gradient": gradient_scenario("tanh_forward", "tanh_backward", _moderate_cases),
    "relu_forward.values": forward_scenario("relu_forward", lambda s: _activation_cases(s, zeros=True)),
    "relu_backward.values": backward_scenario("relu_forward", "relu_backward", _moderate_cases),
    "relu_backward.zero": backward_scenario("relu_forward", "relu_backward", _zero_cases),
    "relu_backward.gradient": gradient_scenario("relu_forward", "relu_backward", _moderate_cases),
    "numerical_gradient.values": numerical_gradient_values,
    "numerical_gradient.step": numerical_gradient_step,
    "numerical_gradient.ints": numerical_gradient_ints,
    "numerical_gradient_array.values": numerical_gradient_array_values,
    "numerical_gradient_array.step": numerical_gradient_array_step,
    "relative_error.values": relative_error_values,
    "mlp_forward.values": mlp_calls("mlp_forward"),
    "mlp_loss.values": mlp_calls("mlp_loss"),
    "mlp_loss.l2": mlp_calls("mlp_loss", (0.5, 1.7, 3.0)),
    "mlp_loss.gradient": mlp_loss_gradient,
}
