"""Every name pinned in ../shared/course-api.md imports flat from autograder.reference
with exactly the pinned signature (parameter names, order and defaults)."""
import ast
import inspect
import os
import re
from pathlib import Path

import pytest

import autograder.reference as reference
from autograder.course import API_NAMES, BY_ID

API_FILE = Path(os.environ.get("COURSE_API", Path(__file__).resolve().parents[3] / "shared" / "course-api.md"))
SPAN = re.compile(r"`([^`]*)`")
SIGNATURE = re.compile(r"^([A-Za-z_]\w*)\((.*)\)$")


def _pinned() -> dict[str, str]:
    """name -> parameter list text, for every signature written out in the API file."""
    if not API_FILE.exists():
        pytest.fail(f"the course API file is missing at {API_FILE} (set COURSE_API to its path)")
    text = API_FILE.read_text(encoding="utf-8")
    section = text.split("## 01 Loss and cost functions", 1)[1]
    found = {}
    for line in section.splitlines():
        if not line.startswith("|"):
            continue
        for span in SPAN.findall(line.split("|")[1]):
            match = SIGNATURE.match(span.split(" -> ")[0].strip())
            if match:
                found.setdefault(match.group(1), match.group(2))
    return found


def _evaluate(expr: str):
    node = ast.parse(expr, mode="eval")
    allowed = (ast.Expression, ast.Constant, ast.BinOp, ast.UnaryOp, ast.Div, ast.USub, ast.Tuple, ast.Load)
    assert all(isinstance(n, allowed) for n in ast.walk(node)), f"unexpected default {expr!r}"
    return eval(compile(node, "<default>", "eval"), {"__builtins__": {}})


def _parse_params(params: str) -> list[tuple[str, object]]:
    """Parameter names and defaults of a pinned signature, read by Python's own parser."""
    fn = ast.parse(f"def f({params}): pass").body[0]
    args = fn.args.args
    defaults = [inspect.Parameter.empty] * (len(args) - len(fn.args.defaults))
    defaults += [_evaluate(ast.unparse(d)) for d in fn.args.defaults]
    return [(a.arg, d) for a, d in zip(args, defaults)]


PINNED = _pinned()


def test_the_api_file_and_the_course_table_name_the_same_functions():
    names_in_file = {n for n in PINNED if n in API_NAMES or n in reference.__all__}
    capstone = set(BY_ID["12"].names)  # graded in chapter 12, not pinned by the API file
    assert set(API_NAMES) | capstone == set(reference.__all__)
    missing = sorted(set(API_NAMES) - set(PINNED) - {
        # rows that give only the name of the backward of a pair
        n for n in API_NAMES if n.endswith("_backward")})
    assert not missing, f"names of course.py not found with a signature in the API file: {missing}"
    assert names_in_file <= set(API_NAMES)


@pytest.mark.parametrize("name", API_NAMES)
def test_name_imports_flat(name):
    assert callable(getattr(reference, name))


@pytest.mark.parametrize("name", sorted(n for n in PINNED if n in API_NAMES))
def test_signature_is_the_pinned_one(name):
    expected = _parse_params(PINNED[name])
    obj = getattr(reference, name)
    sig = inspect.signature(obj)  # for a class: its constructor without self
    actual = [(p.name, p.default) for p in sig.parameters.values()]
    assert [n for n, _ in actual] == [n for n, _ in expected], f"{name}: parameters {actual} vs pinned {expected}"
    for (n, got), (_, want) in zip(actual, expected):
        if want is inspect.Parameter.empty:
            assert got is inspect.Parameter.empty, f"{name}: {n} should have no default"
        else:
            assert got == pytest.approx(want), f"{name}: default of {n} is {got!r}, pinned {want!r}"
