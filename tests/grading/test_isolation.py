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
