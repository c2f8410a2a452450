"""Authoring: the nbgrader source notebooks are built from chapter specs and the references."""
