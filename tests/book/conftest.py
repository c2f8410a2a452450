"""Fixtures for the book tests: one strict build of the site per test session."""
import pytest

from .book_site import BuiltBook, build_book


@pytest.fixture(scope="session")
def built_book() -> BuiltBook:
    """Build the book strictly once per session; fail with the build log's tail on error."""
    return build_book()
