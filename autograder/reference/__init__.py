"""Reference implementations of the course API (filled in as modules land)."""
