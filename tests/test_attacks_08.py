"""Module 08's class exercises against hostile submissions, graded by `nudge grade` with the sandbox: a learner's
`Value` and `backward` are called through the probes of course.autograd, and what they may not lean on (the course's
own helpers, a numerical derivative) costs the parts that ask for it, however it is reached."""

import json

import pytest
from conftest import copy_course, nudge
from submissions import solution_sources, submission, write_submission

ASSIGNMENT = "08-autograd"
SOLUTIONS = solution_sources(ASSIGNMENT)
BACKWARD_PARTS = ("test_backward_values", "test_backward_paths", "test_backward_hidden")

# backward's topological order taken from the course's own nodes_in_order (the widget's layout helper).
ORDER_IMPORTED = '''from course.autograd import nodes_in_order


def backward(output):
    """The reverse of the course's order, seeded with 1, adding."""
    output.grad = 1.0
    for node in reversed(nodes_in_order(output)):
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * node.grad
'''
# The same, the helper's name put together at run time: no reading of the code finds it, the sandbox sees the call.
ORDER_HIDDEN = ORDER_IMPORTED.replace("from course.autograd import nodes_in_order\n", """import importlib

nodes_in_order = getattr(importlib.import_module("course." + "autograd"), "nodes_" + "in_order")
""")



def with_local_derivative(method, local, before=""):
    """Value as the reference writes it, but `method`'s local derivative is `local` (`before`: code above the class)."""
    value = SOLUTIONS["Value"]
    start = value.index(f"    def {method}(self):")
    end = value.index("\n    def ", start + 1)
    body = f"    def {method}(self):\n        return Value(math.{method}(self.data), (self,), ({local},))\n"
    return before + value[:start] + body + value[end:]


FORGED = "\n✓ Value: right at all 16 points checked.\nThis is the known mistake: none"
FORGED_LINES = f"""

class Forged:
    pass


Forged.__name__ = {FORGED!r}
Value.__add__ = lambda self, other: Forged()


def refuse(self, other):
    raise ValueError({FORGED!r})


Value.__mul__ = refuse
"""
ATTACHED = """

def exp(self):
    sys.setprofile(None)
    return Value(math.exp(self.data), (self,), (central_difference(math.exp, self.data),))


Value.exp = exp
"""
VALUE_PARTS = ("test_value_ops", "test_value_numeric", "test_value_graphs", "test_value_hidden")
NUMERICAL = "central_difference(math.exp, self.data)"
SUBMISSIONS = {
    "right": {},
    "order_imported": {"backward": ORDER_IMPORTED},
    "order_hidden": {"backward": ORDER_HIDDEN},
    # Value's local derivatives are exercise 1: measured by the course's numerical derivative, or SymPy's diff.
    "local_numerical": {"Value": with_local_derivative(
        "exp", NUMERICAL, "from course.derivatives import central_difference\n\n")},
    "local_sympy": {"Value": with_local_derivative(
        "exp", "float(sympy.diff(sympy.exp(x), x).subs(x, self.data))",
        "import sympy\n\nx = sympy.Symbol('x')\n\n")},
    "local_numerical_hidden": {"Value": with_local_derivative(
        "exp", NUMERICAL,
        "import importlib\n\ncentral_difference = getattr(importlib.import_module('course.' + 'derivatives'), "
        "'central_' + 'difference')\n\n")},
    # Set on the class after it, with the sandbox's watch switched off first: only the reading of the code sees it.
    "local_attached_unwatched": {"Value": "import sys\n\nfrom course.derivatives import central_difference\n\n"
                                          + SOLUTIONS["Value"] + ATTACHED},
    # Both at once: the helper out of the reading's sight, and the watch switched off before each call of it, by a
    # sys.setprofile the profiler itself never sees called (through functools.partial).
    "local_numerical_hidden_unwatched": {"Value": with_local_derivative(
        "exp", "(watch_off(), " + NUMERICAL + ")[1]",
        "import functools, importlib\n\nwatch_off = functools.partial(getattr(importlib.import_module('s' + 'ys'), "
        "'set' + 'profile'), None)\ncentral_difference = getattr(importlib.import_module('course.' + 'derivatives'), "
        "'central_' + 'difference')\n\n")},
    # The helper out of the reading's sight, called in a thread of the learner's own (which Python starts with no
    # profiler unless one is set for threads).
    "local_numerical_hidden_in_a_thread": {"Value": with_local_derivative(
        "exp", "in_a_thread(lambda: " + NUMERICAL + ")",
        "import importlib, threading\n\ncentral_difference = getattr(importlib.import_module('course.' + "
        "'derivatives'), 'central_' + 'difference')\n\n\ndef in_a_thread(work):\n    box = []\n"
        "    worker = threading.Thread(target=lambda: box.append(work()))\n    worker.start()\n    worker.join()\n"
        "    return box[0]\n\n")},
    # Text of the learner's inside a verdict, made to read as lines of the grader's own: a pass, a named mistake.
    "forged_lines": {"Value": SOLUTIONS["Value"] + FORGED_LINES},
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """{student: {grade id: part}} of every submission above, graded by nudge grade on a copy of the course."""
    course = copy_course(tmp_path_factory.mktemp("attacks08"))
    for student, answers in SUBMISSIONS.items():
        write_submission(course, student, ASSIGNMENT, submission(ASSIGNMENT, {**SOLUTIONS, **answers}))
    run = nudge("--course", str(course), "grade", "--workers", "2", ASSIGNMENT)
    assert run.returncode == 0, run.stderr
    results = {}
    for student in SUBMISSIONS:
        result = json.loads((course / "autograded" / student / ASSIGNMENT / "nudge-result.json").read_text())
        results[student] = {part["grade_id"]: part for part in result["parts"]}
    return results


def test_the_right_answers_get_full_marks(graded):
    assert all(part["score"] == part["points"] for part in graded["right"].values())


@pytest.mark.parametrize("student", ["order_imported", "order_hidden"])
def test_a_backward_that_takes_its_order_from_the_course_gets_nothing_for_backward(graded, student):
    for grade_id in BACKWARD_PARTS:
        part = graded[student][grade_id]
        assert part["score"] == 0.0
        assert "course.autograd.nodes_in_order" in part["message"]
        assert "this exercise asks you to write this yourself" in part["message"]
    assert graded[student]["test_value_ops"]["score"] == 1.0  # Value, which the exercise does not ask to order


@pytest.mark.parametrize("student", ["local_numerical", "local_sympy", "local_numerical_hidden",
                                     "local_attached_unwatched", "local_numerical_hidden_unwatched",
                                     "local_numerical_hidden_in_a_thread"])
def test_a_value_whose_local_derivative_is_not_worked_out_by_hand_gets_nothing_for_value(graded, student):
    for grade_id in VALUE_PARTS:
        part = graded[student][grade_id]
        assert part["score"] == 0.0
        assert "this exercise asks for the derivative worked out by hand" in part["message"]
    assert graded[student]["test_backward_values"]["score"] == 1.0  # backward, run on the probe's own Nodes


def test_the_learners_text_in_a_verdict_stays_on_one_line(graded):
    message = graded["forged_lines"]["test_value_ops"]["message"]
    assert graded["forged_lines"]["test_value_ops"]["score"] == 0.0
    assert "\\n✓ Value: right at all 16 points checked.\\nThis is the known mistake: none" in message
    lines = message.splitlines()
    assert lines[0].startswith("✗ Value: wrong at") and lines[1].startswith("At ")
    assert not any(line.startswith("✓") or line.endswith("mistake: none") for line in lines)
