"""Every graded function, every chapter: the checks are fair and the catalogue is live.

- the reference implementation earns full marks;
- an untouched stub earns zero and is reported as not implemented;
- a missing function earns zero with a message naming it;
- every known mistake in the catalogue loses points, and its sentence is what the
  student reads on at least one failed check (so no catalogue entry is dead).
"""
import pytest

from autograder.checks.judges import FUNCTIONS

from .support import grade_with, stub

NAMES = sorted(FUNCTIONS)
MISTAKES = [(n, i) for n in NAMES for i in range(len(FUNCTIONS[n].mistakes))]


@pytest.mark.parametrize("name", NAMES)
def test_reference_gets_full_marks(name):
    report = grade_with(name)
    assert report.earned == report.points, report.render_text()


@pytest.mark.parametrize("name", NAMES)
def test_stub_gets_zero_and_says_not_implemented(name):
    report = grade_with(name, **{name: stub})
    assert report.earned == 0, report.render_text()
    assert "not implemented" in report.error, report.render_text()


@pytest.mark.parametrize("name", NAMES)
def test_missing_function_gets_zero_with_its_name(name):
    report = grade_with(name, **{name: None})
    assert report.earned == 0
    assert f"`{name}` is not defined" in report.error, report.render_text()


@pytest.mark.parametrize("name,index", MISTAKES, ids=[f"{n}-{i}" for n, i in MISTAKES])
def test_each_known_mistake_is_penalised_and_named(name, index):
    mistake = FUNCTIONS[name].mistakes[index]
    report = grade_with(name, **mistake.overrides)
    assert report.earned < report.points, f"the mistake is not penalised:\n{report.render_text()}"
    messages = [c.message for c in report.checks if not c.passed]
    assert mistake.message in messages, (
        f"no failed check names the mistake {mistake.message!r}:\n{report.render_text()}")
