"""Known wrong implementations, by chapter: the catalogue behind feedback that names the bug.

Each module defines plain functions with the API signature of the function they imitate;
the judges pair them with the sentence a student reads when their results match.
Grader-side only: never importable from a submission's process.
"""
