"""nbgrader configuration of the Nudge course (read by every `nbgrader` and `nudge` command)."""

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "nudge"
# Assignments are the folders of source/, numbered in course order.
# exercises.py and hidden-checks.json are the instructor's: what the checks are, and the hidden checks' values.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*", "exercises.py",
                            "hidden-checks.json"]

# Per cell: long enough for a correct but slow Python loop, short enough to stop an endless one.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True

c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Stock autograde (the formgrader's Autograde button runs it) stops, with the reason, rather than grade over a
# submission `nudge grade` graded; named, not imported, so that a student's copy without autograder/ loads this file.
c.Autograde.sanitize_preprocessors.prepend(["autograder.batch.KeepNudgeGrades"])
