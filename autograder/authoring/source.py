"""Solution code for the notebooks, taken verbatim from ``autograder.reference``.

One source for every implementation: a solution cell is the reference function's own
source with nbgrader's solution markers put around its body (after the docstring), so
the student's stub keeps the signature and the docstring and nothing else. Private
helpers the function calls, and modules it uses other than NumPy, are placed *inside*
the solution region (as nested definitions and imports), so they vanish from the
student version too.
"""
from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from types import ModuleType

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"

__all__ = ["reference_object", "solution_source", "provided_source", "free_names"]


def reference_object(name: str):
    """The reference function or class called ``name``."""
    ref = importlib.import_module("autograder.reference")
    return getattr(ref, name)


def _module_of(obj) -> ModuleType:
    return importlib.import_module(obj.__module__)


def free_names(node: ast.AST) -> set[str]:
    """Names read anywhere inside ``node``."""
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _module_imports(module: ModuleType) -> dict[str, str]:
    """Name bound by each top-level import of ``module`` -> the import statement."""
    tree = ast.parse(inspect.getsource(module))
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                out[alias.asname or alias.name.split(".")[0]] = f"import {alias.name}" + (f" as {alias.asname}" if alias.asname else "")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module != "__future__":
            for alias in node.names:
                out[alias.asname or alias.name] = f"from {node.module} import {alias.name}" + (f" as {alias.asname}" if alias.asname else "")
    return out


def _private_helpers(module: ModuleType, used: set[str]) -> list[str]:
    """Private module-level functions reachable from ``used``, in source order."""
    found: list[str] = []
    todo = [n for n in sorted(used) if n.startswith("_") and inspect.isfunction(getattr(module, n, None))]
    while todo:
        name = todo.pop()
        if name in found:
            continue
        found.append(name)
        node = ast.parse(textwrap.dedent(inspect.getsource(getattr(module, name))))
        todo += [n for n in free_names(node) if n.startswith("_") and inspect.isfunction(getattr(module, n, None)) and n not in found]
    order = {n: getattr(module, n).__code__.co_firstlineno for n in found}
    return sorted(found, key=order.get)


def _support_lines(module: ModuleType, body_nodes: list[ast.stmt]) -> list[str]:
    """Imports (other than numpy) and private helpers a body needs, as source lines."""
    used: set[str] = set()
    for node in body_nodes:
        used |= free_names(node)
    helpers = _private_helpers(module, used)
    for h in helpers:
        used |= free_names(ast.parse(textwrap.dedent(inspect.getsource(getattr(module, h)))))
    imports = _module_imports(module)
    lines = [stmt for name, stmt in imports.items() if name in used and name != "np" and not stmt.startswith("from .")]
    lines = sorted(set(lines))
    for h in helpers:
        lines += [""] if lines else []
        lines += textwrap.dedent(inspect.getsource(getattr(module, h))).rstrip().splitlines()
    if lines:
        lines.append("")
    return lines


def _mark_function(lines: list[str], fn: ast.FunctionDef, module: ModuleType, offset: int = 0) -> None:
    """Insert the markers (and support code) into ``lines`` around ``fn``'s body, in place."""
    body = fn.body
    has_doc = isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) and isinstance(body[0].value.value, str)
    code = body[1:] if has_doc else body
    if not code:
        raise ValueError(f"{fn.name} has no body besides its docstring")
    start = code[0].lineno - 1 + offset  # 0-based line of the first statement after the docstring
    # include decorators/comments that sit between docstring and first statement
    first_line = lines[start]
    indent = first_line[: len(first_line) - len(first_line.lstrip())]
    end = fn.end_lineno + offset  # 1-based last line == 0-based index after it
    support = [(indent + s) if s else "" for s in _support_lines(module, code)]
    lines[end:end] = [indent + END]
    lines[start:start] = [indent + BEGIN] + support


def solution_source(name: str) -> str:
    """Source of reference ``name`` (function or class) with solution markers inside."""
    obj = reference_object(name)
    module = _module_of(obj)
    src = textwrap.dedent(inspect.getsource(obj)).rstrip()
    lines = src.splitlines()
    tree = ast.parse(src)
    top = tree.body[0]
    if isinstance(top, ast.FunctionDef):
        _mark_function(lines, top, module)
    elif isinstance(top, ast.ClassDef):
        methods = [n for n in top.body if isinstance(n, ast.FunctionDef)]
        for fn in sorted(methods, key=lambda n: n.lineno, reverse=True):  # bottom-up keeps line numbers valid
            _mark_function(lines, fn, module)
    else:  # pragma: no cover
        raise TypeError(f"{name} is neither a function nor a class")
    return "\n".join(lines)


def renamed_source(obj, new_name: str) -> str:
    """Source of any module-level function ``obj`` (with the helpers and imports it
    needs) with its ``def`` renamed to ``new_name``: e.g. a catalogued mistake written
    out as a student would have written it."""
    module = _module_of(obj)
    src = textwrap.dedent(inspect.getsource(obj)).rstrip()
    tree = ast.parse(src)
    fn = tree.body[0]
    lines = src.splitlines()
    lines[fn.lineno - 1] = lines[fn.lineno - 1].replace(f"def {fn.name}(", f"def {new_name}(", 1)
    support = _support_lines(module, fn.body)
    return "\n".join(support + lines) if support else "\n".join(lines)


def provided_source(name: str) -> str:
    """Source of reference ``name`` as given code (an earlier chapter's function)."""
    obj = reference_object(name)
    module = _module_of(obj)
    src = textwrap.dedent(inspect.getsource(obj)).rstrip()
    tree = ast.parse(src)
    support = _support_lines(module, tree.body[0].body)
    return "\n".join(support + src.splitlines()) if support else src
