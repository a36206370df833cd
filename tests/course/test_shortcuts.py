"""Derivatives by hand: the shortcuts course/shortcuts.py names, and the honest answers it leaves alone."""

import functools
import itertools
import linecache

import nbformat
import numpy as np
import pytest
from conftest import ASSIGNMENTS, ROOT, notebook

from autograder import spec
from autograder.reference import solution_cells, without_markers
from course import checkfile
from course.checks import Check, CheckFailed, check
from course.shortcuts import Shortcut, find_shortcut, find_shortcut_in_function, shortcut_message

NUMERIC = ("course.derivatives", "course.graphs.nudge_gradients", "course.checks.Numerical", "numpy.gradient")


@functools.cache
def source_notebook(assignment):
    return nbformat.read(notebook("source", assignment), as_version=4)


def imports(assignment):
    """The imports cell of a source notebook: the grader runs it before the learner's cells."""
    return next(cell.source for cell in source_notebook(assignment).cells if cell.cell_type == "code")


def options_of_checks(assignment):
    """{function name: (by_hand, forbid)} as exercises.py declares them."""
    return {exercise.function: (exercise.by_hand, tuple(exercise.forbid)) for exercise in spec.load(ROOT, assignment)}


def solutions(assignment):
    return [without_markers(cell.source) for cell in solution_cells(source_notebook(assignment))]


# ---- which exercises say so ----------------------------------------------------------------------

BY_HAND = {
    "02-derivative": {"d_square", "d_cube", "d_log"},
    "03-partial-derivatives": {"dz_dx", "dz_dy", "linear_partials", "two_feature_partials"},
    "04-chain-rule": {"dJ_dv", "dJ_du", "dJ_da", "dJ_db", "dJ_dc", "dy_dz", "dJ_db_two_paths"},
    "05-linear-regression": {"gradients"},
    "06-logistic-regression": {"sigmoid_derivative", "gradients"},
    "07-backprop": {"backward", "batch_gradient", "sigmoid_backward"},
    "08-autograd": {"Value", "network_gradients", "training_step"},
}
FORBID = {
    "02-derivative": {"numerical_derivative": NUMERIC,
                      "derivative_by_limit": ("sympy.diff", "sympy.Derivative", "sympy.series")},
    "03-partial-derivatives": {"numerical_partial": NUMERIC, "gradient": NUMERIC},
    "08-autograd": {"backward": ("course.autograd.nodes_in_order",)},
}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_derivative_exercise_says_by_hand_or_what_it_forbids(assignment):
    declared = options_of_checks(assignment)
    assert {name for name, (by_hand, _) in declared.items() if by_hand} == BY_HAND.get(assignment, set())
    assert {name: forbid for name, (_, forbid) in declared.items() if forbid} == FORBID.get(assignment, {})


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_reference_solution_is_taken_for_a_shortcut(assignment):
    sources = [imports(assignment), *solutions(assignment)]
    for name, (by_hand, forbid) in options_of_checks(assignment).items():
        assert find_shortcut(sources, name, by_hand, forbid) is None, name


# ---- what by_hand refuses ------------------------------------------------------------------------

CHAIN = imports("04-chain-rule")  # graphs, check
PARTIALS = imports("03-partial-derivatives")  # partial_derivative, Numerical
J = "def J(a, b, c):\n    return 3 * (a + b * c)\n"

NUMERICAL_ANSWERS = {
    "from-import": ("from course.derivatives import central_difference\n\n\ndef dJ_db(a, b, c):\n"
                    "    return central_difference(lambda v: J(a, v, c), b)\n", "central_difference"),
    "from-import-as": ("from course.derivatives import central_difference as slope\n\n\ndef dJ_db(a, b, c):\n"
                       "    return slope(lambda v: J(a, v, c), b)\n", "central_difference"),
    "module-chain": ("import course.derivatives\n\n\ndef dJ_db(a, b, c):\n"
                     "    return course.derivatives.central_difference(lambda v: J(a, v, c), b)\n",
                     "central_difference"),
    "module-alias": ("import course.derivatives as D\n\n\ndef dJ_db(a, b, c):\n"
                     "    return D.partial_derivative(J, (a, b, c), 1)\n", "partial_derivative"),
    "from-package": ("from course import derivatives\n\n\ndef dJ_db(a, b, c):\n"
                     "    return derivatives.central_difference(lambda v: J(a, v, c), b)\n", "central_difference"),
    "star": ("from course.derivatives import *\n\n\ndef dJ_db(a, b, c):\n"
             "    return float(numerical_gradient(lambda p: J(*p), [a, b, c])[1])\n", "numerical_gradient"),
    "re-export": ("from course.checks import numerical_gradient\n\n\ndef dJ_db(a, b, c):\n"
                  "    return numerical_gradient(lambda v: J(a, v, c), b)\n",
                  "numerical_gradient from course.derivatives"),
    "import-inside": ("def dJ_db(a, b, c):\n    from course.derivatives import central_difference\n"
                      "    return central_difference(lambda v: J(a, v, c), b)\n", "central_difference"),
    # The notebook imports only check from course.checks: a learner imports Numerical to use it.
    "Numerical": ("from course.checks import Numerical\n\n\ndef dJ_db(a, b, c):\n"
                  "    return Numerical(J, wrt=1)(a, b, c)\n", "Numerical from course.checks"),
    "Numerical-bound": ("from course.checks import Numerical\n\nderivative = Numerical(J, wrt=1)\n\n\n"
                        "def dJ_db(a, b, c):\n    return derivative(a, b, c)\n", "Numerical"),
    "Numerical-itself": ("from course.checks import Numerical\n\ndJ_db = Numerical(J, wrt=1)\n", "Numerical"),
    "nudge_gradients": ("def dJ_db(a, b, c):\n    graph = {'J': (J, ['a', 'b', 'c'], '')}\n"
                        "    return graphs.nudge_gradients(graph, {'a': a, 'b': b, 'c': c})['b']\n",
                        "nudge_gradients from course.graphs"),
    "numpy": ("import numpy as np\n\n\ndef dJ_db(a, b, c):\n"
              "    return np.gradient([J(a, b - 1, c), J(a, b, c), J(a, b + 1, c)])[1]\n",
              "gradient from numpy"),
    "lambda": ("from course.derivatives import central_difference\n"
               "dJ_db = lambda a, b, c: central_difference(lambda v: J(a, v, c), b)\n", "central_difference"),
    "nested": ("from course.derivatives import central_difference\n\n\ndef dJ_db(a, b, c):\n"
               "    def along_b(v):\n        return J(a, v, c)\n\n    return central_difference(along_b, b)\n",
               "central_difference"),
}

QUOTIENTS = {
    "central, named step": ("def dJ_db(a, b, c):\n    h = 1e-5\n"
                            "    return (J(a, b + h, c) - J(a, b - h, c)) / (2 * h)\n"),
    "forward, literal step": "def dJ_db(a, b, c):\n    return (3*(a+(b+1e-6)*c) - 3*(a+b*c)) / 1e-6\n",
    "forward, default step": "def dJ_db(a, b, c, h=1e-6):\n    return (3*(a+(b+h)*c) - 3*(a+b*c)) / h\n",
    "central, folded step": "def dJ_db(a, b, c):\n    return (J(a, b + 1e-5, c) - J(a, b - 1e-5, c)) / 2e-5\n",
    "step as a power": "def dJ_db(a, b, c):\n    h = 10 ** -6\n    return (J(a, b + h, c) - J(a, b, c)) / h\n",
    "step at top level": "h = 1e-4\n\n\ndef dJ_db(a, b, c):\n    return (J(a, b + h, c) - J(a, b - h, c)) / h / 2\n",
    "rise in a variable": "def dJ_db(a, b, c):\n    rise = J(a, b + 0.001, c) - J(a, b, c)\n    return rise / 0.001\n",
    "the step renamed": "def dJ_db(a, b, c, h=1e-5):\n    dx = h\n    return (J(a, b + dx, c) - J(a, b, c)) / dx\n",
    "half of it": "def dJ_db(a, b, c, h=1e-5):\n    return 0.5 * (J(a, b + h, c) - J(a, b - h, c)) / h\n",
    "DEFAULT_STEP": ("from course.derivatives import DEFAULT_STEP\n\n\ndef dJ_db(a, b, c, h=DEFAULT_STEP):\n"
                     "    return (J(a, b + h, c) - J(a, b - h, c)) / (2 * h)\n"),
}

SYMPY = {
    "sympy.diff": ("import sympy\n\n\ndef d_square(x):\n    s = sympy.Symbol('s')\n"
                   "    return float(sympy.diff(s**2, s).subs(s, x))\n", "SymPy differentiation (sympy.diff)"),
    "from sympy import diff": ("from sympy import Symbol, diff\n\n\ndef d_square(x):\n    s = Symbol('s')\n"
                               "    return float(diff(s**2, s).subs(s, x))\n", "sympy.diff"),
    "star": ("from sympy import *\n\n\ndef d_square(x):\n    s = Symbol('s')\n"
             "    return float(diff(s**2, s).subs(s, x))\n", "sympy.diff"),
    ".diff": ("def d_square(x):\n    s = sympy.Symbol('s')\n    return float((s**2).diff(s).subs(s, x))\n",
              "the .diff method"),
    "Derivative.doit": ("from sympy import Derivative, Symbol\n\n\ndef d_square(x):\n    s = Symbol('s')\n"
                        "    return float(Derivative(s**2, s).doit().subs(s, x))\n", "sympy.Derivative"),
    "sympy.Derivative": ("def d_square(x):\n    s = sympy.Symbol('s')\n"
                         "    return float(sympy.Derivative(s**2, s).doit().subs(s, x))\n", "sympy.Derivative"),
}


@pytest.mark.parametrize("case", NUMERICAL_ANSWERS)
def test_a_numerical_helper_is_refused_however_it_is_imported(case):
    source, what = NUMERICAL_ANSWERS[case]
    shortcut = find_shortcut([CHAIN, J, source], "dJ_db", by_hand=True)
    assert shortcut is not None and shortcut.function == "dJ_db"
    assert "a numerical derivative" in shortcut.what and what in shortcut.what


@pytest.mark.parametrize("case", QUOTIENTS)
def test_a_difference_quotient_written_out_is_refused(case):
    shortcut = find_shortcut([CHAIN, J, QUOTIENTS[case]], "dJ_db", by_hand=True)
    assert shortcut is not None and shortcut.what.startswith("a difference quotient")
    assert shortcut.line == len(QUOTIENTS[case].splitlines())  # the line of the division, in its cell


@pytest.mark.parametrize("case", SYMPY)
def test_sympy_differentiation_is_refused(case):
    source, what = SYMPY[case]
    shortcut = find_shortcut([imports("02-derivative"), source], "d_square", by_hand=True)
    assert shortcut is not None and shortcut.what.startswith("SymPy differentiation") and what in shortcut.what


def test_a_generic_helper_of_the_learner_is_followed_however_deep():
    helper = "def slope_at(f, x, step=1e-4):\n    return (f(x + step) - f(x - step)) / (2 * step)\n"
    middle = "def partial_b(a, b, c):\n    return slope_at(lambda v: J(a, v, c), b)\n"
    answer = "def dJ_db(a, b, c):\n    return partial_b(a, b, c)\n"
    shortcut = find_shortcut([CHAIN, helper, J, middle, answer], "dJ_db", by_hand=True)
    assert shortcut == Shortcut("slope_at", 2, "a difference quotient (a difference divided by the step 2 * step)")
    message = shortcut_message("dJ_db", shortcut, by_hand=True)
    assert "through your function slope_at, at line 2 of slope_at" in message


def test_lambdas_and_functions_nested_in_the_answer_are_read_with_it():
    in_lambda = ("def dJ_db(a, b, c):\n    slope = lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / (2 * h)\n"
                 "    return slope(lambda v: J(a, v, c), b)\n")
    in_def = ("def dJ_db(a, b, c):\n    def slope(f, x, h=1e-5):\n        return (f(x + h) - f(x)) / h\n\n"
              "    return slope(lambda v: J(a, v, c), b)\n")
    assert find_shortcut([CHAIN, J, in_lambda], "dJ_db", by_hand=True).line == 2
    assert find_shortcut([CHAIN, J, in_def], "dJ_db", by_hand=True).line == 3


def test_the_last_definition_wins_as_in_a_notebook_run_top_to_bottom():
    first = "from course.derivatives import central_difference\n\n\ndef dJ_db(a, b, c):\n" \
            "    return central_difference(lambda v: J(a, v, c), b)\n"
    second = "def dJ_db(a, b, c):\n    return 3 * c\n"
    assert find_shortcut([CHAIN, first, second], "dJ_db", by_hand=True) is None
    assert find_shortcut([CHAIN, second, first], "dJ_db", by_hand=True) is not None


def test_nothing_is_refused_unless_the_check_asks():
    source, _ = NUMERICAL_ANSWERS["from-import"]
    assert find_shortcut([CHAIN, J, source], "dJ_db", by_hand=False) is None
    assert find_shortcut([CHAIN, J, QUOTIENTS["central, named step"]], "dJ_db", by_hand=False) is None


# ---- what by_hand leaves alone ---------------------------------------------------------------------

HONEST = {
    ("04-chain-rule", "dJ_db"): ["def dJ_db(a, b, c):\n    return c * 3\n",
                                 "def dJ_db(a, b, c):\n    du = 3.0\n    return du * c\n"],
    ("02-derivative", "d_square"): ["def d_square(x):\n    return x + x\n",
                                    "def d_square(x):\n    return np.multiply(2, x) * x ** 0\n"],
    ("02-derivative", "d_log"): ["def d_log(x):\n    return x ** -1\n", "def d_log(x):\n    return np.reciprocal(x)\n",
                                 "def d_log(x):\n    return (x - x + 1) / x\n"],
    ("06-logistic-regression", "sigmoid_derivative"): [
        "def sigmoid_derivative(z):\n    s = sigmoid(z)\n    return s - s**2\n",
        "def sigmoid_derivative(z):\n    sigma = sigmoid(z)\n    return sigma * (1 - sigma)\n",
        "def sigmoid_derivative(z):\n    e = np.exp(-np.abs(z))\n    return e / (1 + e) ** 2\n"],
    ("05-linear-regression", "gradients"): [
        "def gradients(X, y, w, b):\n    n = len(y)\n    e = X @ w + b - y\n"
        "    return 2 * (X.T @ e) / n, 2 * (e.sum()) / n\n",
        "def gradients(X, y, w, b):\n    error = predict(X, w, b) - y\n"
        "    return 2 * np.mean(error[:, None] * X, axis=0), 2 * np.mean(error)\n"],
    ("06-logistic-regression", "gradients"): [
        "def gradients(X, y, w, b):\n    p = sigmoid(X @ w + b)\n"
        "    return (X.T @ (p - y)) / y.size, (p - y).mean()\n"],
    ("07-backprop", "batch_gradient"): [  # the mean of the learner's own backward, example by example
        "def batch_gradient(X, y, params):\n"
        "    per_example = [backward(x1, x2, t, params) for (x1, x2), t in zip(X, y)]\n"
        "    return np.mean(per_example, axis=0)\n"],
    ("07-backprop", "training_step"): ["def training_step(X, y, params, eta):\n"
                                       "    return params - eta * batch_gradient(X, y, params)\n"],
    ("08-autograd", "training_step"): [  # the mean of the learner's own gradients from Values, row by row
        "def training_step(X, y, params, eta):\n"
        "    per_row = [network_gradients(x1, x2, t, params)[1] for (x1, x2), t in zip(X, y)]\n"
        "    return params - eta * np.mean(per_row, axis=0)\n"],
}


@pytest.mark.parametrize(("assignment", "name"), HONEST)
def test_correct_analytic_answers_in_other_forms_are_not_refused(assignment, name):
    for answer in HONEST[assignment, name]:
        sources = [imports(assignment), *solutions(assignment), answer]
        assert find_shortcut(sources, name, by_hand=True) is None, answer


@pytest.mark.parametrize("formula", [
    "(y2 - y1) / (x2 - x1)", "2 * (y_hat - y) / n", "np.log(p + 1e-12) - np.log(1 - p + 1e-12)",
    "sigma * (1 - sigma)", "np.diff(history)", "(x - x.mean()) / (x.std() + 1e-8)", "(b - a) / 0.5",
    "(b - a) / 100", "(b - a) / len(y)",
])
def test_formulas_of_plain_numbers_are_not_difference_quotients(formula):
    source = f"def f(x1, y1, x2, y2, y_hat, y, n, p, sigma, history, x, a, b):\n    return {formula}\n"
    assert find_shortcut([imports("05-linear-regression"), source], "f", by_hand=True) is None


# ---- what forbid refuses ---------------------------------------------------------------------------

def test_the_helper_an_exercise_rebuilds_is_refused_even_through_the_learners_own_function():
    partial = "def numerical_partial(f, point, i, h=1e-5):\n    return partial_derivative(f, point, i, h)\n"
    gradient = ("def gradient(f, point):\n"
                "    return np.array([numerical_partial(f, point, i) for i in range(len(point))])\n")
    sources = [PARTIALS, partial, gradient]
    assert find_shortcut(sources, "numerical_partial", False, NUMERIC) == Shortcut(
        "numerical_partial", 2, "course.derivatives.partial_derivative")
    assert find_shortcut(sources, "gradient", False, NUMERIC).function == "numerical_partial"
    message = shortcut_message("numerical_partial", find_shortcut(sources, "numerical_partial", False, NUMERIC), False)
    assert message.startswith("✗ numerical_partial: this exercise asks you to write this yourself, but your function "
                              "calls course.derivatives.partial_derivative, which does exactly what the exercise asks, "
                              "at line 2.")


def test_forbid_refuses_the_named_helpers_only():
    central = ("from course.derivatives import DEFAULT_STEP, central_difference\n\n\n"
               "def numerical_derivative(f, x, h=DEFAULT_STEP):\n    return central_difference(f, x, h)\n")
    own = ("from course.derivatives import DEFAULT_STEP\n\n\n"
           "def numerical_derivative(f, x, h=DEFAULT_STEP):\n    return (f(x + h) - f(x - h)) / (2 * h)\n")
    sources = [imports("02-derivative")]
    assert find_shortcut([*sources, central], "numerical_derivative", False, NUMERIC) is not None
    assert find_shortcut([*sources, own], "numerical_derivative", False, NUMERIC) is None  # the step is no helper
    partial_only = ("course.derivatives.partial_derivative",)
    assert find_shortcut([*sources, central.replace("numerical_derivative", "difference_quotient")],
                         "difference_quotient", False, partial_only) is None  # wrong, but that is for the checks


@pytest.mark.parametrize("body", ["return sympy.diff(expression, x)", "return expression.diff(x)",
                                  "return sympy.Derivative(expression, x).doit()"])
def test_a_limit_exercise_refuses_sympy_differentiation(body):
    source = f"def derivative_by_limit(expression, x):\n    {body}\n"
    forbid = ("sympy.diff", "sympy.Derivative")
    shortcut = find_shortcut([imports("02-derivative"), source], "derivative_by_limit", False, forbid)
    assert shortcut is not None and shortcut.what.startswith(("sympy.diff", "sympy.Derivative"))
    assert "keep the ready-made version for checking your answer" in shortcut_message("derivative_by_limit", shortcut,
                                                                                      False)


# ---- any input at all ------------------------------------------------------------------------------

def test_cells_that_do_not_parse_are_skipped():
    broken = ["def dJ_db(a, b, c):\n    return (", "x = " + "(" * 300 + ")" * 300, "-" * 100_000 + "1",
              "a" + ".b" * 100_000, "\x00", None]
    source, _ = NUMERICAL_ANSWERS["module-alias"]
    assert find_shortcut([CHAIN, *broken, source, *broken], "dJ_db", by_hand=True) is not None
    assert find_shortcut(broken, "dJ_db", by_hand=True) is None
    assert find_shortcut([CHAIN], "dJ_db", by_hand=True) is None  # not written at all


def test_deep_and_recursive_code_does_not_raise():
    deep = "def dJ_db(a, b, c, h=1e-5):\n    return (a - b) / (" + " * ".join(["h"] * 3000) + ")\n"
    find_shortcut([CHAIN, deep], "dJ_db", by_hand=True)
    folded = "def dJ_db(a, b, c):\n    return (a - b) / (" + " * ".join(["1"] * 3000) + ")\n"
    find_shortcut([CHAIN, folded], "dJ_db", by_hand=True)
    loop = "def f(a, b, c):\n    return g(a, b, c)\n\n\ndef g(a, b, c):\n    return f(a, b, c) + dJ_db(a, b, c)\n"
    answer = "def dJ_db(a, b, c):\n    return f(a, b, c)\n"
    assert find_shortcut([CHAIN, loop, answer], "dJ_db", by_hand=True) is None


# ---- in the learner's kernel -----------------------------------------------------------------------

_cells = itertools.count()


def run_cell(source, namespace):
    """Run a cell as IPython does: its source kept in linecache, so inspect can find it again."""
    filename = f"<ipython-input-{next(_cells)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    exec(compile(source, filename, "exec"), namespace)


def kernel(*cells):
    namespace = {"__name__": "__main__"}
    for source in [CHAIN, J, *cells]:
        run_cell(source, namespace)
    return namespace


def test_the_kernel_path_follows_the_learners_functions_and_their_globals():
    namespace = kernel("import course.derivatives as D\nh = 1e-3\n",
                       "def slope_at(f, x):\n    return D.central_difference(f, x)\n",
                       "def by_quotient(a, b, c):\n    return (J(a, b + h, c) - J(a, b, c)) / h\n",
                       "def dJ_db(a, b, c):\n    return slope_at(lambda v: J(a, v, c), b)\n",
                       "def dJ_dc(a, b, c):\n    return 3 * b\n")
    assert find_shortcut_in_function(namespace["dJ_db"], by_hand=True) == Shortcut(
        "slope_at", 2, "a numerical derivative (central_difference from course.derivatives)")
    assert find_shortcut_in_function(namespace["by_quotient"], by_hand=True).what.startswith("a difference quotient")
    assert find_shortcut_in_function(namespace["dJ_dc"], by_hand=True) is None


def test_the_kernel_path_sees_helpers_and_course_objects_by_where_they_come_from():
    namespace = kernel("from course.checks import Numerical, numerical_gradient\nfrom sympy import diff, Symbol\n"
                       "derivative = Numerical(J, wrt=1)\n",
                       "def by_gradient(a, b, c):\n    return numerical_gradient(lambda p: J(*p), [a, b, c])[1]\n",
                       "def by_object(a, b, c):\n    return derivative(a, b, c)\n",
                       "def by_sympy(x):\n    s = Symbol('s')\n    return float(diff(s**2, s).subs(s, x))\n")
    by_gradient = find_shortcut_in_function(namespace["by_gradient"], True)
    assert "numerical_gradient from course.derivatives" in by_gradient.what
    assert "Numerical from course.checks" in find_shortcut_in_function(namespace["by_object"], True).what
    assert find_shortcut_in_function(namespace["by_sympy"], True).what == "SymPy differentiation (sympy.diff)"
    assert find_shortcut_in_function(namespace["derivative"], True).what.endswith("(Numerical from course.checks)")


def test_a_function_whose_source_is_unknown_is_not_refused():
    namespace = {}
    exec("from course.derivatives import central_difference\n"
         "def dJ_db(a, b, c):\n    return central_difference(lambda v: 3 * (a + v * c), b)\n", namespace)
    assert find_shortcut_in_function(namespace["dJ_db"], by_hand=True) is None
    assert find_shortcut_in_function(len, by_hand=True) is None


def checks_beside(folder, **checks_by_id):
    """A check file in `folder` holding {grade id: Check of the function named by the grade id's middle}."""
    records = {grade_id: made.record(grade_id.split("_", 1)[1].rsplit("_", 1)[0])
               for grade_id, made in checks_by_id.items()}
    checkfile.write(folder / checkfile.VISIBLE, "test", records)


def test_check_by_hand_names_the_shortcut_at_once(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    checks_beside(tmp_path, test_dJ_db_values=Check([(5, 3, 2)], [6], by_hand=True),
                  test_dJ_db_plain=Check([(5, 3, 2)], [6]))
    namespace = kernel("from course.derivatives import partial_derivative\n\n\n"
                       "def dJ_db(a, b, c):\n    return partial_derivative(J, (a, b, c), 1)\n")
    with pytest.raises(CheckFailed) as failure:
        check(namespace["dJ_db"], "test_dJ_db_values")
    assert str(failure.value) == (
        "✗ dJ_db: this exercise asks for the derivative worked out by hand, but your function uses a numerical "
        "derivative (partial_derivative from course.derivatives), at line 5.\nWork out the formula with the rules of "
        "this module and return it; use a numerical derivative only to check your answer, in a cell of its own.")
    check(namespace["dJ_db"], "test_dJ_db_plain")  # the same numbers pass where nothing is asked
    honest = kernel("def dJ_du(a, b, c):\n    return 3\n", "def dJ_db(a, b, c):\n    return dJ_du(a, b, c) * c\n")
    check(honest["dJ_db"], "test_dJ_db_values")
    assert "✓ dJ_db: right at the 1 point checked." in capsys.readouterr().out


def test_check_forbid_names_the_helper(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    checks_beside(tmp_path, test_numerical_derivative_values=Check([(np.square, 1.0)], [2.0], forbid=NUMERIC))
    namespace = kernel("from course.derivatives import central_difference\n\n\n"
                       "def numerical_derivative(f, x, h=1e-5):\n    return central_difference(f, x, h)\n")
    with pytest.raises(CheckFailed, match="calls course.derivatives.central_difference, which does exactly what"):
        check(namespace["numerical_derivative"], "test_numerical_derivative_values")


# Ways round the rule that an ordinary student might try (found by attacking the first version).
ROUNDABOUT = {
    "own quotient with a step passed in": ("""
def difference_quotient(f, x, h):
    return (f(x + h) - f(x)) / h


def d_square(x):
    h = 1e-3
    return (difference_quotient(np.square, x, h) + difference_quotient(np.square, x, -h)) / 2
""", "d_square", "difference quotient"),
    "own nudge with the step as an argument": ("""
def nudge(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


def dJ_db(a, b, c):
    return nudge(lambda b: 3 * (a + b * c), b, 1e-4)
""", "dJ_db", "difference quotient"),
    "a step relative to x": ("""
def d_log(x):
    h = 1e-5 * x
    return (np.log(x + h) - np.log(x - h)) / (2 * h)
""", "d_log", "difference quotient"),
    "a polynomial's deriv": ("""
def d_cube(x):
    return Polynomial([0, 0, 0, 1]).deriv()(x)
""", "d_cube", "NumPy"),
    "np.polyder": ("""
def d_cube(x):
    return np.polyval(np.polyder([1, 0, 0, 0]), x)
""", "d_cube", "NumPy"),
    "a series expansion": ("""
def d_square(x):
    s = sympy.Symbol("s")
    return float(sympy.series((s + x) ** 2, s, 0, 2).removeO().coeff(s, 1))
""", "d_square", "series"),
}


@pytest.mark.parametrize("case", ROUNDABOUT, ids=list(ROUNDABOUT))
def test_roundabout_shortcuts_are_named_too(case):
    code, name, said = ROUNDABOUT[case]
    imports = "import numpy as np\nimport sympy\nfrom numpy.polynomial import Polynomial\n"
    shortcut = find_shortcut([imports, code], name, by_hand=True)
    assert shortcut is not None and said in shortcut.what, shortcut


def test_a_learner_quotient_called_with_an_ordinary_number_is_not_a_shortcut():
    code = """
def slope_between(f, x1, x2):
    return (f(x2) - f(x1)) / (x2 - x1)


def d_square(x):
    return 2 * x + 0 * slope_between(np.square, x, x + 1)
"""
    assert find_shortcut(["import numpy as np", code], "d_square", by_hand=True) is None


def test_the_numerical_exercises_refuse_numpy_gradient_and_the_limit_refuses_series():
    gradient = "def numerical_derivative(f, x, h=1e-5):\n    return np.gradient([f(x - h), f(x), f(x + h)], h)[1]\n"
    series = ("def derivative_by_limit(expression, x):\n    h = sympy.Symbol('h')\n"
              "    return sympy.series(expression.subs(x, x + h), h, 0, 2).removeO().coeff(h, 1)\n")
    assert find_shortcut(["import numpy as np", gradient], "numerical_derivative", False, NUMERIC).what == \
        "numpy.gradient"
    assert find_shortcut(["import sympy", series], "derivative_by_limit", False,
                         ("sympy.diff", "sympy.Derivative", "sympy.series")).what == "sympy.series"


# ---- a class, such as module 08's Value ------------------------------------------------------------------------

VALUE = '''import math

from course.derivatives import central_difference


class Value:
    def __init__(self, data, parents=(), local_grads=()):
        self.data, self.parents, self.local_grads = data, parents, local_grads

    def exp(self):
        return Value(math.exp(self.data), (self,), (central_difference(math.exp, self.data),))
'''
NUMERICAL_EXP = Shortcut("Value", 11, "a numerical derivative (central_difference from course.derivatives)")


def test_a_class_is_read_with_all_its_methods_in_the_cells_and_in_the_kernel():
    assert find_shortcut([VALUE], "Value", by_hand=True) == NUMERICAL_EXP
    assert find_shortcut_in_function(kernel(VALUE)["Value"], by_hand=True) == NUMERICAL_EXP
    honest = VALUE.replace("central_difference(math.exp, self.data)", "math.exp(self.data)")
    assert find_shortcut([honest], "Value", by_hand=True) is None
    assert find_shortcut_in_function(kernel(honest)["Value"], by_hand=True) is None


def test_a_function_that_uses_a_class_is_read_through_it():
    uses = "def d_exp(x):\n    return Value(x).exp().local_grads[0]\n"
    assert find_shortcut([VALUE, uses], "d_exp", by_hand=True) == NUMERICAL_EXP
    assert find_shortcut_in_function(kernel(VALUE, uses)["d_exp"], by_hand=True) == NUMERICAL_EXP
    slope = ("class Slope:\n    def __init__(self, f, x, h):\n        self.value = (f(x + h) - f(x)) / h\n\n\n"
             "def dJ_db(a, b, c):\n    return Slope(lambda v: J(a, v, c), b, 1e-5).value\n")
    assert find_shortcut([J, slope], "dJ_db", by_hand=True).what.startswith("a difference quotient")


def test_a_class_changed_after_its_definition_is_still_read_with_what_was_attached_to_it():
    changed = VALUE + "\nValue.__radd__ = Value.__add__\nValue.count = 0\n"
    assert find_shortcut([changed], "Value", True) == NUMERICAL_EXP
    honest = VALUE.replace("central_difference(math.exp, self.data)", "math.exp(self.data)")
    attached = ("def exp(self):\n    return Value(math.exp(self.data), (self,), "
                "(central_difference(math.exp, self.data),))\n\n\nValue.exp = exp\n")
    assert find_shortcut([honest, attached], "Value", True) == Shortcut(
        "exp", 2, "a numerical derivative (central_difference from course.derivatives)")
    lambda_attached = "Value.exp = lambda self: Value(0.0, (self,), (central_difference(math.exp, self.data),))\n"
    assert find_shortcut([honest, lambda_attached], "Value", True).what.startswith("a numerical derivative")
