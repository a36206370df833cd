"""Nudge's instructor side: release, reference solutions, and (later) grading and reports.

`autograder` may import `course`; `course` never imports `autograder`.
"""
