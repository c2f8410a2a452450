"""What the sandbox enforces, as root (CI) and as an ordinary user."""
import os


def test_isolation_report_matches_the_privileges(graded_class):
    r = graded_class[1]["honest"]
    text = " | ".join(r.isolation)
    for limit in ("memory", "CPU", "processes", "files up to", "no core dumps"):
        assert limit in text, text
    if os.geteuid() == 0:
        for what in ("no network", "secret paths hidden", "unprivileged user"):
            assert what in text, text
    else:
        assert "unprivileged user" not in text


def test_secrets_are_unreadable_from_a_submission(graded_class):
    # the read_tests submission raises SystemExit('stole N') if it could read anything
    r = graded_class[1]["read_tests"]
    errors = [c["error"] for c in r.cells if c["error"]]
    assert not any(e.startswith("SystemExit: stole") for e in errors), errors
    assert not any("CellTimeout" in e for e in errors), "the search must finish for the test to mean anything"


DRIVER = """
import sys
import autograder.reference  # an instructor's driver script that imports the secrets
from autograder.grading.workers import secret_modules_loaded, start_pool

if __name__ == "__main__":
    pool = start_pool(1, sys.argv[1], 300_000)
    print(pool.submit(secret_modules_loaded).result(timeout=120))
    pool.shutdown()
"""


def test_workers_do_not_inherit_a_driver_scripts_imports(tmp_path):
    # multiprocessing re-runs the parent's __main__ script in spawned workers; the
    # workers (which every submission is forked from) must not get its secret imports
    import subprocess
    import sys

    script = tmp_path / "driver.py"
    script.write_text(DRIVER)
    out = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]"


def test_a_worker_refuses_to_start_with_secrets_in_memory(tmp_path):
    import pytest

    import autograder.reference  # noqa: F401 - loaded in this test process
    from autograder.grading.workers import warm_up

    with pytest.raises(RuntimeError, match="started with secret modules loaded: .*autograder.reference"):
        warm_up(None, str(tmp_path), 300_000)
