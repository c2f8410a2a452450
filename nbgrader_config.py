"""nbgrader configuration of the course (the repository root is the course directory).

Instructors use nbgrader as usual: ``solutions/`` is the source directory and
``exercises/`` the release directory, so ``nbgrader generate_assignment 01`` writes the
student version of chapter 01 into ``exercises/01/``.
"""
c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.course_id = "mlp-course"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"

# What replaces a solution region in the student version.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Notebooks train small networks in places: allow time, but not forever.
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True
