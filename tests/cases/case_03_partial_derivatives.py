"""Module 3: submissions that hard-code the visible examples, and the typical mistakes.

The mistake that matters most here is differentiating with respect to the wrong variable; every exercise
has a student who makes it. A wrong `numerical_partial` also spoils the reference `gradient` built on it, a
forward difference included (the gradient is checked as closely as central differences allow), and the
gradient's checks name the partial derivative's mistake.
"""

from submissions import Case

ASSIGNMENT = "03-partial-derivatives"

GRADE_CELLS = {
    "dz_dx": {"test_dz_dx_values": 1, "test_dz_dx_numeric": 1, "test_dz_dx_hidden": 2},
    "dz_dy": {"test_dz_dy_values": 1, "test_dz_dy_numeric": 1, "test_dz_dy_hidden": 2},
    "numerical_partial": {"test_numerical_partial_values": 1, "test_numerical_partial_numeric": 1,
                          "test_numerical_partial_hidden": 2},
    "gradient": {"test_gradient_values": 1, "test_gradient_numeric": 1, "test_gradient_hidden": 2},
    "linear_partials": {"test_linear_partials_values": 1, "test_linear_partials_numeric": 1,
                        "test_linear_partials_hidden": 2},
    "two_feature_partials": {"test_two_feature_partials_values": 1, "test_two_feature_partials_numeric": 1,
                             "test_two_feature_partials_hidden": 2},
}


def scores(full=(), none=(), values_only=()):
    """Points per grade cell: all of them for `full`, none for `none`, the visible values check for `values_only`."""
    table = {}
    for name, cells in GRADE_CELLS.items():
        for cell, points in cells.items():
            if name in full:
                table[cell] = points
            elif name in none:
                table[cell] = 0
            elif name in values_only:
                table[cell] = points if cell.endswith("_values") else 0
            else:
                raise ValueError(f"{name} is in none of full, none and values_only")
    return table


CASES = {
    "hardcoder": Case(
        answers={
            "dz_dx": '''
def dz_dx(x, y):
    """Only the examples of the visible check."""
    return {(3, -1): 6, (1.5, -2.5): 3, (0, 4): 0, (-3.5, 2): -7}.get((x, y), 0)
''',
            "dz_dy": '''
def dz_dy(x, y):
    """Only the examples of the visible check."""
    return {(-1, 3): 6, (-2.5, 1.5): 3, (4, 0): 0, (2, -3.5): -7}.get((x, y), 0)
''',
            "numerical_partial": '''
def numerical_partial(f, point, i, h=1e-5):
    """Only the examples of the visible check."""
    table = {("bowl", (1.0, 2.0), 0): 2, ("bowl", (1.0, 2.0), 1): 4, ("bowl", (-3.0, 0.5), 0): -6,
             ("product", (2.0, 3.0, 4.0), 0): 12, ("product", (2.0, 3.0, 4.0), 2): 6,
             ("cubic", (1.0, 2.0, 0.5), 1): 13.01}
    return table.get((f.__name__, tuple(point), i), 0.0)
''',
            "gradient": '''
def gradient(f, point):
    """Only the examples of the visible check."""
    table = {("bowl", (1.0, 2.0)): [2, 4], ("bowl", (3.0, -1.0)): [6, -2], ("product", (2.0, 3.0, 4.0)): [12, 8, 6]}
    return np.array(table.get((f.__name__, tuple(point)), [0.0] * len(point)))
''',
            "linear_partials": '''
def linear_partials(x, m, b):
    """Only the examples of the visible check."""
    return {(3, 2, 1): (3, 1), (-2, 0.5, 4): (-2, 1), (1.5, -3, 2): (1.5, 1)}.get((x, m, b), (0, 0))
''',
            "two_feature_partials": '''
def two_feature_partials(x1, x2, w1, w2, b):
    """Only the examples of the visible check."""
    table = {(2, 5, 0.5, -1, 3): (2, 5, 1), (-1, 4, 2, 3, 0): (-1, 4, 1), (3, -2, -1.5, 0.5, 1): (3, -2, 1)}
    return table.get((x1, x2, w1, w2, b), (0, 0, 0))
''',
        },
        scores=scores(values_only=GRADE_CELLS),
        messages={
            "test_dz_dx_numeric": ["✗ dz_dx: wrong at"],
            "test_dz_dx_hidden": ["✗ dz_dx: wrong at", "you returned 0"],
            "test_numerical_partial_numeric": ["✗ numerical_partial: wrong at"],
            "test_gradient_hidden": ["✗ gradient: wrong at"],
            "test_two_feature_partials_hidden": ["✗ two_feature_partials: wrong at"],
        },
    ),
    "wrong-variable": Case(
        answers={
            "dz_dx": '''
def dz_dx(x, y):
    """Differentiated with respect to y."""
    return 2 * y
''',
            "dz_dy": '''
def dz_dy(x, y):
    """Differentiated with respect to x."""
    return 2 * x
''',
            "gradient": '''
def gradient(f, point):
    """The partial derivatives, last coordinate first."""
    return np.array([numerical_partial(f, point, i) for i in reversed(range(len(point)))])
''',
            "linear_partials": '''
def linear_partials(x, m, b):
    """Differentiated with respect to x instead of m."""
    return (m, 1)
''',
            "two_feature_partials": '''
def two_feature_partials(x1, x2, w1, w2, b):
    """Differentiated with respect to the inputs instead of the weights."""
    return (w1, w2, 1)
''',
        },
        scores=scores(full=["numerical_partial"],
                      none=["dz_dx", "dz_dy", "gradient", "linear_partials", "two_feature_partials"]),
        messages={
            **{f"test_dz_dx_{kind}": ["This is the known mistake: x and y are exchanged."]
               for kind in ("values", "numeric", "hidden")},
            **{f"test_dz_dy_{kind}": ["This is the known mistake: x and y are exchanged."]
               for kind in ("values", "numeric", "hidden")},
            **{f"test_gradient_{kind}": ["This is the known mistake: the partial derivatives are in the wrong order"]
               for kind in ("values", "numeric", "hidden")},
            **{f"test_linear_partials_{kind}": ["This is the known mistake: x and m are exchanged."]
               for kind in ("values", "numeric", "hidden")},
            **{f"test_two_feature_partials_{kind}": ["known mistake: differentiated with respect to the inputs x1, x2"]
               for kind in ("values", "numeric", "hidden")},
        },
    ),
    "first-coordinate": Case(
        answers={
            "numerical_partial": '''
def numerical_partial(f, point, i, h=1e-5):
    """Nudges the first coordinate, whatever i is."""
    above, below = list(point), list(point)
    above[0] = point[0] + h
    below[0] = point[0] - h
    return (f(*above) - f(*below)) / (2 * h)
''',
            "dz_dx": '''
def dz_dx(x, y):
    """The x dropped from 2x."""
    return 2
''',
            "dz_dy": '''
def dz_dy(x, y):
    """y² left as it is."""
    return y**2
''',
            "two_feature_partials": '''
def two_feature_partials(x1, x2, w1, w2, b):
    """x1 and x2 swapped."""
    return (x2, x1, 1)
''',
        },
        # the reference gradient calls this numerical_partial, so it inherits the mistake
        scores=scores(full=["linear_partials"],
                      none=["numerical_partial", "gradient", "dz_dx", "dz_dy", "two_feature_partials"]),
        messages={
            "test_numerical_partial_numeric": ["known mistake: the wrong coordinate is nudged: always the first (x)"],
            "test_numerical_partial_hidden": ["known mistake: the wrong coordinate is nudged: always the first (x)"],
            "test_gradient_values": ["known mistake: every entry is ∂f/∂x"],
            "test_gradient_hidden": ["known mistake: every entry is ∂f/∂x"],
            "test_dz_dx_values": ["This is the known mistake: the factor x is missing."],
            "test_dz_dx_hidden": ["This is the known mistake: the factor x is missing."],
            "test_dz_dy_numeric": ["known mistake: y² is not differentiated"],
            "test_dz_dy_hidden": ["known mistake: y² is not differentiated"],
            "test_two_feature_partials_values": ["This is the known mistake: x1 and x2 are exchanged."],
            "test_two_feature_partials_hidden": ["This is the known mistake: x1 and x2 are exchanged."],
        },
    ),
    "forward-difference": Case(
        answers={
            "numerical_partial": '''
def numerical_partial(f, point, i, h=1e-5):
    """A forward difference."""
    above = list(point)
    above[i] = point[i] + h
    return (f(*above) - f(*point)) / h
''',
            "dz_dx": '''
def dz_dx(x, y):
    """x² left as it is."""
    return x**2
''',
            "linear_partials": '''
def linear_partials(x, m, b):
    """The bias's partial taken as 0."""
    return (x, 0)
''',
        },
        # the reference gradient calls this numerical_partial, and its checks name the forward difference
        scores=scores(full=["dz_dy", "two_feature_partials"],
                      none=["numerical_partial", "gradient", "dz_dx", "linear_partials"]),
        messages={
            "test_numerical_partial_values": ["known mistake: a forward difference"],
            "test_numerical_partial_numeric": ["known mistake: a forward difference"],
            "test_numerical_partial_hidden": ["known mistake: a forward difference"],
            "test_dz_dx_hidden": ["known mistake: x² is not differentiated"],
            "test_gradient_values": ["known mistake: the entries are forward differences"],
            "test_gradient_hidden": ["known mistake: the entries are forward differences"],
            "test_linear_partials_values": ["This is the known mistake: the number 0 where 1 belongs."],
            "test_linear_partials_hidden": ["This is the known mistake: the number 0 where 1 belongs."],
        },
    ),
    "all-at-once": Case(
        answers={
            "numerical_partial": '''
def numerical_partial(f, point, i, h=1e-5):
    """Every coordinate nudged together."""
    above = [value + h for value in point]
    below = [value - h for value in point]
    return (f(*above) - f(*below)) / (2 * h)
''',
            "gradient": '''
def gradient(f, point):
    """One partial derivative short."""
    return np.array([numerical_partial(f, point, i) for i in range(len(point) - 1)])
''',
            "linear_partials": '''
def linear_partials(x, m, b):
    """The two partial derivatives in the wrong order."""
    return (1, x)
''',
            "two_feature_partials": '''
def two_feature_partials(x1, x2, w1, w2, b):
    """The bias's partial taken as 0."""
    return (x1, x2, 0)
''',
        },
        scores=scores(full=["dz_dx", "dz_dy"],
                      none=["numerical_partial", "gradient", "linear_partials", "two_feature_partials"]),
        messages={
            "test_numerical_partial_numeric": ["known mistake: every coordinate is nudged at once"],
            "test_numerical_partial_hidden": ["known mistake: every coordinate is nudged at once"],
            "test_gradient_values": ["you returned a value of shape (1,); the right shape is (2,)"],
            "test_gradient_hidden": ["the right shape is"],
            "test_linear_partials_numeric": ["known mistake: the two partial derivatives are in the wrong order"],
            "test_two_feature_partials_hidden": ["This is the known mistake: the number 0 where 1 belongs."],
        },
    ),
    "fixed-step": Case(
        answers={
            "numerical_partial": '''
def numerical_partial(f, point, i, h=1e-5):
    """The step 1e-5 written in, whatever h is passed."""
    above, below = list(point), list(point)
    above[i] = point[i] + 1e-5
    below[i] = point[i] - 1e-5
    return (f(*above) - f(*below)) / 2e-5
''',
        },
        # only the checks that pass a step of their own see it; gradient never passes one
        scores={**scores(full=[name for name in GRADE_CELLS if name != "numerical_partial"],
                         none=["numerical_partial"]),
                "test_numerical_partial_numeric": 1},
        messages={
            "test_numerical_partial_values": ["known mistake: the step h is ignored", "h=0.1"],
            "test_numerical_partial_hidden": ["known mistake: the step h is ignored"],
        },
    ),
}
