"""Plain data across the process boundary: faithful for honest values, inert for tricks."""
import json

import numpy as np
import pytest

from autograder.checks.transport import Opaque, TransportError, from_plain, roundtrip, to_plain

from .support import grade_with


@pytest.mark.parametrize("dtype", ["f8", "f4", "i8", "i4", "u1", "bool"])
def test_arrays_roundtrip_exactly(dtype):
    a = (np.arange(12).reshape(3, 4) % 3).astype(dtype)
    b = roundtrip(a)
    assert type(b) is np.ndarray and b.dtype == a.dtype and b.shape == a.shape
    assert np.array_equal(a, b)


def test_nested_values_roundtrip_through_json():
    value = {"loss": np.float64(0.5), "grads": [np.ones(2), (1, 2.5, True, None, "x")]}
    back = from_plain(json.loads(json.dumps(to_plain(value))))
    assert back["loss"] == 0.5 and isinstance(back["loss"], float)
    assert np.array_equal(back["grads"][0], np.ones(2))
    assert back["grads"][1] == (1, 2.5, True, None, "x")


def test_big_endian_and_non_contiguous_arrays_come_back_native():
    a = np.arange(6, dtype=">f8").reshape(2, 3)[:, ::2]
    b = roundtrip(a)
    assert b.dtype == np.dtype("<f8") and np.array_equal(a, b)


def test_array_subclass_with_lying_eq_and_shape_is_reduced_to_plain_numbers():
    class Liar(np.ndarray):
        def __eq__(self, other):
            return True

        @property
        def shape(self):  # noqa: D401
            return (7, 5)

    liar = np.zeros(3).view(Liar)
    back = roundtrip(liar)
    assert type(back) is np.ndarray and back.shape == (3,)
    assert not np.array_equal(back, np.ones(3))


def test_arbitrary_objects_become_opaque_descriptions():
    class Anything:
        def __eq__(self, other):
            return True

    back = roundtrip(Anything())
    assert isinstance(back, Opaque) and back != Opaque("something else")


@pytest.mark.parametrize("bad", [
    {"__nd__": "|O", "shape": [1], "data": ""},
    {"__nd__": "<f8", "shape": [2], "data": "AAAAAAAAAAA="},  # 8 bytes for 2 float64s
    {"__nd__": "<f8", "shape": [-1], "data": ""},
    {"__pickle__": "gASV"},
    {"__int__": 3},
    [1, 2],
    1.5,
])
def test_malformed_plain_data_is_rejected(bad):
    with pytest.raises(TransportError):
        from_plain(bad)


def test_a_function_returning_a_lying_subclass_is_graded_on_its_numbers():
    class AlwaysEqual(np.ndarray):
        def __eq__(self, other):
            return np.ones(np.shape(other), dtype=bool)

        def __array_finalize__(self, obj):
            pass

    def cheat(z):
        return np.zeros(np.shape(z)).view(AlwaysEqual)

    report = grade_with("softmax", softmax=cheat)
    assert report.earned < report.points / 2, report.render_text()
