"""Learner text made safe to show: on a terminal, in a page, in a spreadsheet, in a JSON file.

Everything a submission controls (printed output, exception messages, file names, student ids,
the last words of a dying process) passes through `clean_text` before the grader prints, stores
or writes it: lone surrogates (which no UTF-8 writer accepts) become U+FFFD, and control
characters (the escape sequences that recolour, retitle or rewrite an instructor's terminal), the
text-direction controls and the characters that show nothing at all (zero-width spaces and joiners,
invisible operators, tags) are shown as visible escapes. Newlines and tabs are kept: they are how output reads.
"""

import re

_SURROGATE = re.compile(r"[\ud800-\udfff]")
_NAME_CONTROL = re.compile(r"[\t\n]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 and C1 controls: terminal escapes
                      r"\u00ad\u061c\u180e\u200b-\u200f\u2060-\u2064\ufeff\U000e0000-\U000e007f"  # invisible
                      r"\u2028\u2029\u202a-\u202e\u2066-\u206f]")  # line breaks and text direction
_FORMULA_START = ("=", "+", "-", "@")  # what makes a spreadsheet cell a formula


def clean_text(text: object, limit: int | None = None) -> str:
    """`text` as a string with lone surrogates replaced and control characters escaped, cut to `limit`."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if limit is not None and len(text) > limit:
        text = text[:limit] + "…"
    text = _SURROGATE.sub("\ufffd", text)
    return _CONTROL.sub(_escaped, text)


def _escaped(match: re.Match) -> str:
    """A control character as the escape that names it: \\x1b, \\u202e, \\n."""
    return match.group().encode("unicode_escape").decode("ascii")


def clean_name(text: object) -> str:
    """A name (a file, a student id) for one line of a summary: every control character escaped, newlines too."""
    return _NAME_CONTROL.sub(_escaped, clean_text(text))


def clean_code(text: str) -> str:
    """Learner code with lone surrogates replaced, so it can be written out again; this is the code that runs."""
    return _SURROGATE.sub("\ufffd", text)


def shown_code(text: str) -> str:
    """Learner code as a graded notebook shows it: control and text-direction characters made visible."""
    return clean_text(text)


def has_hidden_characters(text: str) -> bool:
    """Whether code holds characters that display differently from what runs (Trojan Source)."""
    return bool(_CONTROL.search(text.replace("\r\n", "\n")))


def csv_cell(text: object) -> str:
    """A CSV cell no spreadsheet runs as a formula: a cell that starts with =, +, -, @ (or a tab), after any
    spaces, gets a quote in front. Invisible characters in front of one are escaped first (`clean_text`), so that
    they neither hide it nor pass for a cell's start."""
    text = clean_text(text)
    return "'" + text if text[:1] == "\t" or text.lstrip()[:1] in _FORMULA_START else text
