"""Nudge: the learner's toolbox for the calculus behind machine learning.

Numerical derivatives (`course.derivatives`), checks (`course.checks`), data (`course.datasets`),
plots (`course.plots`) and nudge widgets (`course.widgets`). Import the module you need; importing
`course` itself does no work.
"""
