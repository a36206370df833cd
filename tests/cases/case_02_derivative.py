"""Module 2: submissions that hard-code the visible examples, and the typical mistakes of each exercise."""

from submissions import Case

ASSIGNMENT = "02-derivative"

# Every grade cell of the notebook at full marks; each case lowers the cells its answers fail.
FULL = {
    "test_difference_quotient_values": 1, "test_difference_quotient_hidden": 2,
    "test_d_square_values": 1, "test_d_square_numeric": 1, "test_d_square_hidden": 1,
    "test_d_cube_values": 1, "test_d_cube_numeric": 1, "test_d_cube_hidden": 1,
    "test_d_log_values": 1, "test_d_log_numeric": 1, "test_d_log_hidden": 1,
    "test_numerical_derivative_values": 1, "test_numerical_derivative_accuracy": 1,
    "test_numerical_derivative_hidden": 2,
    "test_derivative_by_limit_values": 1, "test_derivative_by_limit_hidden": 2,
}


def zero(*grade_ids):
    return {**FULL, **dict.fromkeys(grade_ids, 0)}


CASES = {
    "hardcoder": Case(
        answers={
            "difference_quotient": '''
def difference_quotient(f, x, h):
    """Only the examples of the visible check."""
    return {("square", 1, 1): 3, ("square", 1, 0.1): 2.1, ("square", 3, 1): 7, ("square", 1, -1): 1,
            ("exp", 1, -1): 1.718281828459045}.get((f.__name__, x, h), 0)
''',
            "d_square": '''
def d_square(x):
    """Only the examples of the visible check."""
    if isinstance(x, np.ndarray):
        return np.array([1.0, 8.0])
    return {0: 0, 1: 2, 2: 4, 5: 10, -3: -6}.get(x, 0)
''',
            "d_cube": '''
def d_cube(x):
    """Only the examples of the visible check."""
    if isinstance(x, np.ndarray):
        return np.array([12.0, 27.0])
    return {0: 0, 1: 3, 2: 12, -1: 3, 0.5: 0.75}.get(x, 0)
''',
            "d_log": '''
def d_log(x):
    """Only the examples of the visible check."""
    if isinstance(x, np.ndarray):
        return np.array([4.0, 0.1])
    return {1: 1, 2: 0.5, 0.5: 2, 4: 0.25}.get(x, 0)
''',
            "numerical_derivative": '''
def numerical_derivative(f, x, h=None):
    """Only the examples of the visible check."""
    return {(1, 0.5): 2, (3, 1): 6, (0.5, 0.5): 1.718281828459045, (3, None): 6}.get((x, h), 0)
''',
            "derivative_by_limit": '''
def derivative_by_limit(expression, x):
    """Only the examples of the visible check."""
    answers = {"x**2": "2*x", "x**3 + 2*x": "3*x**2 + 2", "x**2 + x": "2*x + 1"}
    return sympy.sympify(answers.get(str(expression), "0"))
''',
        },
        scores=zero("test_difference_quotient_hidden", "test_d_square_numeric", "test_d_square_hidden",
                    "test_d_cube_numeric", "test_d_cube_hidden", "test_d_log_numeric", "test_d_log_hidden",
                    "test_numerical_derivative_accuracy", "test_numerical_derivative_hidden",
                    "test_derivative_by_limit_hidden"),
        messages={
            # which point is shown first depends on the draw: a polynomial has no __name__ for the table to look up
            "test_difference_quotient_hidden": ["✗ difference_quotient: wrong at 20 of 20 points checked."],
            "test_d_square_numeric": ["you returned 0; a numerical derivative gives"],
            "test_d_log_hidden": ["you returned 0"],
            "test_numerical_derivative_accuracy": ["you returned 0"],
            "test_derivative_by_limit_hidden": ["you returned 0, which is not equivalent to the right answer"],
        },
    ),
    "half-step": Case(
        answers={
            "difference_quotient": '''
def difference_quotient(f, x, h):
    """Divided by 2h."""
    return (f(x + h) - f(x)) / (2 * h)
''',
            "d_square": '''
def d_square(x):
    """The factor 2 of the power rule left out."""
    return x
''',
            "d_cube": '''
def d_cube(x):
    """The power not reduced."""
    return 3 * x**3
''',
            "d_log": '''
def d_log(x):
    """The function itself."""
    return np.log(x)
''',
            "numerical_derivative": '''
def numerical_derivative(f, x, h=1e-5):
    """A forward quotient."""
    return (f(x + h) - f(x)) / h
''',
            "derivative_by_limit": '''
def derivative_by_limit(expression, x):
    """The difference quotient, simplified, but without the limit."""
    h = sympy.Symbol("h")
    return sympy.simplify((expression.subs(x, x + h) - expression) / h)
''',
        },
        scores={name: 0 for name in FULL},
        messages={
            "test_difference_quotient_values": ["This is the known mistake: divided by 2h"],
            "test_difference_quotient_hidden": ["This is the known mistake: divided by 2h"],
            "test_d_square_values": ["This is the known mistake: the factor 2 is missing"],
            "test_d_square_hidden": ["This is the known mistake: the factor 2 is missing"],
            "test_d_cube_values": ["This is the known mistake: the number 3 where 2 belongs"],
            "test_d_cube_hidden": ["This is the known mistake: the number 3 where 2 belongs"],
            "test_d_log_hidden": ["This is the known mistake: ln x is the function itself"],
            "test_numerical_derivative_values": ["This is the known mistake: a forward quotient"],
            "test_numerical_derivative_accuracy": ["This is the known mistake: a forward quotient"],
            "test_numerical_derivative_hidden": ["This is the known mistake: a forward quotient"],
            "test_derivative_by_limit_values": ["does not simplify to the right answer"],
            "test_derivative_by_limit_hidden": ["This is the known mistake: the limit h → 0 is not taken"],
        },
    ),
    "by-x": Case(
        answers={
            "difference_quotient": '''
def difference_quotient(f, x, h):
    """Divided by x."""
    return (f(x + h) - f(x)) / x
''',
            "d_square": '''
def d_square(x):
    """2x², the power not reduced."""
    return 2 * x**2
''',
            "d_cube": '''
def d_cube(x):
    """The coefficient 3 forgotten."""
    return x**2
''',
            "d_log": '''
def d_log(x):
    """The derivative of 1/x."""
    return -1 / x**2
''',
            "numerical_derivative": '''
def numerical_derivative(f, x, h=1e-5):
    """Central, but divided by h."""
    return (f(x + h) - f(x - h)) / h
''',
            "derivative_by_limit": '''
def derivative_by_limit(expression, x):
    """Right, in a factored form."""
    h = sympy.Symbol("h")
    return sympy.factor(sympy.limit((expression.subs(x, x + h) - expression) / h, h, 0))
''',
        },
        scores=zero("test_difference_quotient_values", "test_difference_quotient_hidden",
                    "test_d_square_values", "test_d_square_numeric", "test_d_square_hidden",
                    "test_d_cube_values", "test_d_cube_numeric", "test_d_cube_hidden",
                    "test_d_log_values", "test_d_log_numeric", "test_d_log_hidden",
                    "test_numerical_derivative_values", "test_numerical_derivative_accuracy",
                    "test_numerical_derivative_hidden"),
        messages={
            "test_difference_quotient_values": ["This is the known mistake: x where h belongs"],
            "test_difference_quotient_hidden": ["This is the known mistake: x where h belongs"],
            "test_d_square_hidden": ["This is the known mistake: the power is not reduced: 2x²"],
            "test_d_cube_hidden": ["This is the known mistake: the factor 3 is missing"],
            "test_d_log_hidden": ["This is the known mistake: −1/x² is the derivative of 1/x"],
            "test_numerical_derivative_values": ["This is the known mistake: the factor 2 is missing"],
            "test_numerical_derivative_hidden": ["This is the known mistake: the factor 2 is missing"],
        },
    ),
    "no-division": Case(
        answers={
            "difference_quotient": '''
def difference_quotient(f, x, h):
    """The rise alone."""
    return f(x + h) - f(x)
''',
            "d_log": '''
def d_log(x):
    """The derivative of log10."""
    return 1 / (x * np.log(10))
''',
            "numerical_derivative": '''
def numerical_derivative(f, x, h=1e-5):
    """Central, but the step h is ignored."""
    return (f(x + 1e-5) - f(x - 1e-5)) / 2e-5
''',
        },
        scores=zero("test_difference_quotient_values", "test_difference_quotient_hidden",
                    "test_d_log_values", "test_d_log_numeric", "test_d_log_hidden",
                    "test_numerical_derivative_values", "test_numerical_derivative_hidden"),
        messages={
            "test_difference_quotient_values": ["This is the known mistake: the division by h is missing"],
            "test_difference_quotient_hidden": ["This is the known mistake: the division by h is missing"],
            "test_d_log_hidden": ["This is the known mistake: 1/(x ln 10) is the derivative of log₁₀ x"],
            "test_numerical_derivative_hidden": ["This is the known mistake: the step h is ignored"],
        },
    ),
    "central": Case(
        answers={"difference_quotient": '''
def difference_quotient(f, x, h):
    """The central quotient where the forward one was asked."""
    return (f(x + h) - f(x - h)) / (2 * h)
'''},
        scores=zero("test_difference_quotient_values", "test_difference_quotient_hidden"),
        messages={"test_difference_quotient_hidden": ["This is the known mistake: the central quotient"]},
    ),
}
