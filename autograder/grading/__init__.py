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
