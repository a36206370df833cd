"""Nudge's instructor side: release, grading, feedback, export and reports.

`autograder` may import `course`; `course` never imports `autograder`.
"""

import sys

# nbformat validates with jsonschema, which imports rfc3987_syntax when it is installed (jupyter-events asks for it)
# and that builds a parser at import: 1.4 s in every grading process and every cluster worker, for the "iri" formats
# no notebook schema uses. Left out unless something imported it first (then it stays).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
