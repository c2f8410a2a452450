"""The class-wide grading engine, one stage per module.

``submissions``  find and read what students handed in (never trusting it);
``plan``         merge a submission with the trusted source notebook into steps to run;
``sandbox``      the submission's own process: limits, isolation, cells, scenarios;
``workers``      warm worker processes that fork one sandboxed child per notebook;
``verdict``      judge the plain data that came back (in the grader's process);
``outputs``      autograded notebooks, HTML feedback, grades.csv, resume records;
``gradebook``    scores into nbgrader's gradebook through its own API;
``engine``       the pipeline, progress bar and summary (``python -m autograder grade``).
"""

import sys

# jsonschema (which nbformat validates with) optionally imports ``rfc3987_syntax``, and
# that package compiles an Earley grammar at import time: 2.5 s of every grading run's
# start-up, for the "iri" string format that no notebook schema uses. Marking it absent
# (unless something already imported it) makes jsonschema skip that one format.
sys.modules.setdefault("rfc3987_syntax", None)
