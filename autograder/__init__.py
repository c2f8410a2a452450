"""The course's instructor-side package.

Layout (one stage per folder, as in otter-grader):

- ``reference/``  ground-truth implementations of every function in the course API;
- ``checks/``     what is checked per function, split into probes (run in the student's
  process, return plain data) and judges (decide and score in the grader's process);
- ``grading/``    the class-wide grading engine (sandboxed workers, gradebook, feedback);
- ``authoring/``  keeps the nbgrader source notebooks in sync with ``reference/``.
"""
