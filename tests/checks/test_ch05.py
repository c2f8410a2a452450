"""Chapter 05 checks: the statistical tests are fair (correct draws pass, however they are
made) and sharp (each wrong law fails and is named), and wrong behaviours lose exactly
the check meant to catch them."""
import math
import time

import numpy as np
import pytest

from autograder.checks.judges import ch05 as judges

from .support import grade_with

RANDOM = ["random_init", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "lecun_normal"]

# Written from the course API, independently of the judges' tables: (kind, std or bound).
API_LAW = {
    "random_init": lambda fi, fo, s: ("normal", s),
    "xavier_uniform": lambda fi, fo, s: ("uniform", math.sqrt(6 / (fi + fo))),
    "xavier_normal": lambda fi, fo, s: ("normal", math.sqrt(2 / (fi + fo))),
    "he_uniform": lambda fi, fo, s: ("uniform", math.sqrt(6 / fi)),
    "he_normal": lambda fi, fo, s: ("normal", math.sqrt(2 / fi)),
    "lecun_normal": lambda fi, fo, s: ("normal", math.sqrt(1 / fi)),
}


def failed_checks(report) -> list[str]:
    return [c.name for c in report.checks if not c.passed]


def messages(report) -> list[str]:
    return [c.message for c in report.checks if not c.passed]


def check_name(function, index):
    return judges.FUNCTIONS[function].checks[index].name


# --------------------------------------------------------------------------- other ways of drawing


def box_muller(rng, shape):
    """Standard normals from uniforms (Box-Muller): a different stream, the same law."""
    u1 = 1.0 - rng.random(shape)  # in (0, 1], so the log is finite
    u2 = rng.random(shape)
    return np.sqrt(-2 * np.log(u1)) * np.cos(2 * np.pi * u2)


def other_way(name):
    """A correct implementation of ``name`` that draws differently from the reference."""

    def init(fan_in, fan_out, rng, scale=0.01):
        kind, p = API_LAW[name](fan_in, fan_out, scale)
        if kind == "normal":
            return p * box_muller(rng, (fan_in, fan_out))
        return p * (2 * rng.random((fan_out, fan_in)) - 1).T  # drawn transposed, returned (fan_in, fan_out)

    if name != "random_init":
        return lambda fan_in, fan_out, rng: init(fan_in, fan_out, rng)
    return init


def with_rng_normal(name):
    """rng.normal(0, std, size) / rng.uniform(-a, a, size): the scale passed to the generator."""

    def init(fan_in, fan_out, rng, scale=0.01):
        kind, p = API_LAW[name](fan_in, fan_out, scale)
        if kind == "normal":
            return rng.normal(0.0, p, size=(fan_in, fan_out))
        return rng.uniform(-p, p, size=(fan_in, fan_out))

    if name != "random_init":
        return lambda fan_in, fan_out, rng: init(fan_in, fan_out, rng)
    return init


@pytest.mark.parametrize("name", RANDOM)
def test_initializers_drawn_differently_get_full_marks(name):
    for fn in (other_way(name), with_rng_normal(name)):
        report = grade_with(name, **{name: fn})
        assert report.earned == report.points, report.render_text()


def test_an_entry_by_entry_loop_gets_full_marks_in_seconds():
    def he_normal_loop(fan_in, fan_out, rng):
        W = np.empty((fan_in, fan_out))
        std = math.sqrt(2 / fan_in)
        for i in range(fan_in):
            for j in range(fan_out):
                W[i, j] = rng.normal(0.0, std)
        return W

    start = time.perf_counter()
    report = grade_with("he_normal", he_normal=he_normal_loop)
    elapsed = time.perf_counter() - start
    assert report.earned == report.points, report.render_text()
    assert elapsed < 20, f"the hidden checks of a loop implementation took {elapsed:.1f} s"


def test_zeros_written_differently_get_full_marks():
    report = grade_with("zeros_init", zeros_init=lambda fi, fo: np.full((fi, fo), 0.0))
    assert report.earned == report.points, report.render_text()


def test_init_mlp_params_drawing_in_another_order_gets_full_marks():
    """Last layer first, each weight drawn with another valid method of drawing."""

    def reverse_order(layer_sizes, method, rng):
        if method not in ("zeros", "random", *API_LAW):
            raise ValueError(f"unknown method {method!r}")
        params = {}
        for l in range(len(layer_sizes) - 1, 0, -1):
            fi, fo = layer_sizes[l - 1], layer_sizes[l]
            if method == "zeros":
                params[f"W{l}"] = np.zeros((fi, fo))
            else:
                params[f"W{l}"] = other_way("random_init" if method == "random" else method)(fi, fo, rng)
            params[f"b{l}"] = np.zeros(fo)
        return params

    report = grade_with("init_mlp_params", init_mlp_params=reverse_order)
    assert report.earned == report.points, report.render_text()


# --------------------------------------------------------------------------- the tests are sharp and fair


@pytest.mark.parametrize("name", RANDOM)
def test_correct_draws_pass_for_many_seeds(name):
    """Power is not bought with false alarms: 5 seeds x 2 fan pairs of correct draws all pass."""
    law, wrongs = judges.LAWS[name], judges.WRONGS[name]
    for seed in range(5):
        rng = np.random.default_rng([2024, seed])
        for fi, fo in [(400, 300), (100, 900)]:
            kind, p = API_LAW[name](fi, fo, 0.3)
            w = rng.normal(0, p, (fi, fo)) if kind == "normal" else rng.uniform(-p, p, (fi, fo))
            assert judges.judge_sample(w, fi, fo, 0.3, law, wrongs, "here") == "", (name, seed, fi, fo)


@pytest.mark.parametrize("name", RANDOM)
def test_every_known_wrong_law_fails_and_is_named_for_many_seeds(name):
    law, wrongs = judges.LAWS[name], judges.WRONGS[name]
    for wrong in wrongs:
        for seed in range(4):
            rng = np.random.default_rng([7, seed])
            w = wrong.impl(400, 300, rng, **({"scale": 0.3} if name == "random_init" else {}))
            assert judges.judge_sample(w, 400, 300, 0.3, law, wrongs, "here") == wrong.message, (name, wrong.impl.__name__)


def test_the_right_variance_with_the_wrong_family_fails_the_ks_test():
    """he_uniform has exactly he_normal's variance: only the shape of the law tells them apart."""

    def uniform_for_normal(fan_in, fan_out, rng):
        a = math.sqrt(6 / fan_in)
        return rng.uniform(-a, a, size=(fan_in, fan_out))

    report = grade_with("he_normal", he_normal=uniform_for_normal)
    assert failed_checks(report) == [check_name("he_normal", 1)], report.render_text()
    assert "Kolmogorov-Smirnov" in messages(report)[0], report.render_text()


def test_a_shifted_mean_fails_the_distribution_check():
    def shifted(fan_in, fan_out, rng):
        std = math.sqrt(1 / fan_in)
        return std * (rng.standard_normal((fan_in, fan_out)) + 0.05)  # 0.05 std: 17 standard errors at n = 120,000

    report = grade_with("lecun_normal", lecun_normal=shifted)
    assert failed_checks(report) == [check_name("lecun_normal", 1)], report.render_text()
    assert "mean" in messages(report)[0], report.render_text()


def test_a_uniform_law_beyond_its_bound_fails():
    def too_wide(fan_in, fan_out, rng):
        a = math.sqrt(6 / (fan_in + fan_out))
        return rng.uniform(-1.02 * a, 1.02 * a, size=(fan_in, fan_out))

    report = grade_with("xavier_uniform", xavier_uniform=too_wide)
    assert failed_checks(report) == [check_name("xavier_uniform", 1)], report.render_text()
    assert "outside [-a, a]" in messages(report)[0], report.render_text()


# --------------------------------------------------------------------------- wrong behaviours


def test_global_random_state_loses_only_reproducibility():
    def ignores_rng(fan_in, fan_out, rng):
        return math.sqrt(2 / fan_in) * np.random.default_rng().standard_normal((fan_in, fan_out))

    report = grade_with("he_normal", he_normal=ignores_rng)
    assert failed_checks(report) == [check_name("he_normal", 2)], report.render_text()
    assert "rng argument" in messages(report)[0], report.render_text()


def test_float32_weights_lose_only_the_dtype_check():
    def single_precision(fan_in, fan_out, rng):
        return (math.sqrt(2 / (fan_in + fan_out)) * rng.standard_normal((fan_in, fan_out))).astype(np.float32)

    report = grade_with("xavier_normal", xavier_normal=single_precision)
    assert failed_checks(report) == [check_name("xavier_normal", 0)], report.render_text()
    assert "float32" in messages(report)[0], report.render_text()


def reference_mlp(layer_sizes, method, rng):
    from autograder.reference import init_mlp_params

    return init_mlp_params(layer_sizes, method, rng)


def test_random_biases_lose_only_the_structure_check():
    def random_biases(layer_sizes, method, rng):
        params = reference_mlp(layer_sizes, method, rng)
        return {k: (v + 0.1 if k.startswith("b") else v) for k, v in params.items()}

    report = grade_with("init_mlp_params", init_mlp_params=random_biases)
    assert failed_checks(report) == [check_name("init_mlp_params", 0)], report.render_text()
    assert "biases start at zero" in messages(report)[0], report.render_text()


def test_first_layer_fans_for_every_layer_lose_only_the_distribution_check():
    """Shapes right, but every W{l} scaled as if its fan_in were layer_sizes[0]."""

    def fixed_fan(layer_sizes, method, rng):
        params = reference_mlp(layer_sizes, method, rng)
        if method in ("zeros", "random"):
            return params
        for l in range(2, len(layer_sizes)):
            params[f"W{l}"] = params[f"W{l}"] * math.sqrt(layer_sizes[l - 1] / layer_sizes[0])
        return params

    report = grade_with("init_mlp_params", init_mlp_params=fixed_fan)
    assert failed_checks(report) == [check_name("init_mlp_params", 1)], report.render_text()
    assert "W2" in messages(report)[0], report.render_text()


def test_no_error_for_unknown_methods_loses_only_that_check():
    def silent(layer_sizes, method, rng):
        try:
            return reference_mlp(layer_sizes, method, rng)
        except ValueError:
            return {}

    report = grade_with("init_mlp_params", init_mlp_params=silent)
    assert failed_checks(report) == [check_name("init_mlp_params", 3)], report.render_text()
    assert "it should raise ValueError" in messages(report)[0], report.render_text()
