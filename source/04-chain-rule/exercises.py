"""Module 04's exercises: where forward, dJ_dv, dJ_du, dJ_da, dJ_db, dJ_dc, dy_dz and dJ_db_two_paths are checked.

J(a, b, c) = 3(a + b·c), computed as u = b·c, v = a + u, J = 3v; and, for the last exercise, a second graph where b
feeds two steps: u = a·b, v = b + c, J = u·v. The grader's own formulas below (the costs and the steps after an
inner node, for the nudges; the misconceptions no single edit of a reference makes) only give values; no check
file holds them.
"""

from numpy.polynomial import Polynomial

from autograder.spec import Exercise, Grade, Mistake, Tolerance
from course.checks import Numerical

ROUND_OFF = Tolerance(1e-9, 1e-12, "a product, a sum and a multiplication by 3 of numbers below 100: only round-off "
                                   "differs")
BY_RULE = Tolerance(1e-9, 1e-12, "3, or 3 times an input: one multiplication at most, so only round-off differs")
CHAIN_1D = Tolerance(1e-9, 1e-12, "z² and three products, none above 200: only round-off differs")
NUDGED = Tolerance(1e-8, 1e-8, "J is linear in every input and every node, so the five-point stencil (h = 1e-4) has "
                               "no truncation error: only round-off 1.5·ε·|J|/h, below 4e-10 where |J| < 100")
TWO_PATHS = Tolerance(1e-9, 1e-12, "two products and a sum of numbers below 100: only round-off differs")
NUDGED_TWO_PATHS = Tolerance(1e-8, 1e-8, "J = ab² + abc is quadratic in b, so the five-point stencil (h = 1e-4) has "
                                         "no truncation error: only round-off 1.5·ε·|J|/h, below 1e-9 where |J| < 250")
NUDGED_QUARTIC = Tolerance(1e-8, 1e-8, "y = z⁴ is a quartic, which the five-point stencil (h = 1e-4) differentiates "
                                       "without truncation error: only round-off 1.5·ε·z⁴/h, below 3e-10 for |z| < 3")


def J(a, b, c):
    """The cost, for nudges of an input."""
    return 3 * (a + b * c)


def J_after_u(a, u):
    """The steps after u: v = a + u, then J = 3v (b and c are not moved when u is)."""
    return 3 * (a + u)


def J_after_v(v):
    """The step after v: J = 3v."""
    return 3 * v


def J_two_paths(a, b, c):
    """The second graph's cost: J = u·v with u = a·b and v = b + c (b feeds both steps)."""
    return (a * b) * (b + c)


def y_of_z(z):
    """y = x² with x = z²."""
    return (z**2) ** 2


def nudge_v(a, b, c):
    """∂J/∂v by nudging v = a + b·c alone."""
    return Numerical(J_after_v)(a + b * c)


def nudge_u(a, b, c):
    """∂J/∂u by nudging u = b·c alone."""
    return Numerical(J_after_u, wrt=1)(a, b * c)


def value_of_J(expected, a, b, c):
    """J itself, where a derivative of it belongs."""
    return J(a, b, c)


# dJ_du and dJ_da multiply in dJ_dv's answer: a dJ_dv that returns J passes its mistake on (no edit of theirs makes it).
INHERITED_J = Mistake("the value J = 3(a + b·c) where the derivative ∂J/∂v = 3 belongs (does dJ_dv return J?)",
                      value_of_J)


def random_inputs(rng):
    """a, b, c from −5 to 5."""
    return tuple(rng.uniform(-5, 5, 3).tolist())


# The notebook's worked point and two more: ∂J/∂v, ∂J/∂u and ∂J/∂a are 3 at each, and J, what a learner may return
# instead, is 33, 63 and −18 there.
BY_HAND = [(5, 3, 2), (1, 4, 5), (2, -2, 4)]

EXERCISES = [
    Exercise(
        "forward",
        tolerance=ROUND_OFF,
        grades=(
            # a, b and c differ at every point, so using one where another belongs changes u or v (b·c = c·b).
            Grade("test_forward_values", points=[(5, 3, 2), (1, 4, 5), (2, -2, 4), (2, 0.5, 6)]),
            Grade("test_forward_hidden", hidden=True, marks=2, points=random_inputs, count=20, seed=41),
        ),
        mistakes=(
            Mistake("the 3 multiplies only a: 3a + b·c, not 3(a + b·c)", lambda e, a, b, c: (e[0], e[1], 3 * a + e[0])),
            Mistake("the values are in the wrong order: return (u, v, J)", lambda e, a, b, c: e[::-1]),
        ),
    ),
    Exercise(
        "dJ_dv",
        tolerance=BY_RULE,
        by_hand=True,
        grades=(
            Grade("test_dJ_dv_values", points=BY_HAND, expected=nudge_v, told="a numerical derivative gives",
                  tolerance=NUDGED),
            Grade("test_dJ_dv_hidden", hidden=True, points=random_inputs, count=20, seed=42),
        ),
        mistakes=(Mistake("the value J where its derivative ∂J/∂v belongs", value_of_J),),
    ),
    Exercise(
        "dJ_du",
        tolerance=BY_RULE,
        by_hand=True,
        grades=(
            Grade("test_dJ_du_values", points=BY_HAND, expected=nudge_u, told="a numerical derivative gives",
                  tolerance=NUDGED),
            Grade("test_dJ_du_hidden", hidden=True, points=random_inputs, count=20, seed=43),
        ),
        mistakes=(INHERITED_J,),
    ),
    Exercise(
        "dJ_da",
        tolerance=BY_RULE,
        by_hand=True,
        grades=(
            Grade("test_dJ_da_values", points=BY_HAND, expected=Numerical(J, wrt=0),
                  told="a numerical derivative gives", tolerance=NUDGED),
            Grade("test_dJ_da_hidden", hidden=True, points=random_inputs, count=20, seed=44),
        ),
        mistakes=(INHERITED_J,),
    ),
    Exercise(
        "dJ_db",
        tolerance=BY_RULE,
        by_hand=True,
        grades=(
            # c differs from a and from b at every point, so 3a or 3b where 3c belongs is wrong at each.
            Grade("test_dJ_db_values", points=[(5, 3, 2), (1, 4, 5), (0, -2, 4), (2, 5, -3)]),
            Grade("test_dJ_db_numeric", points=random_inputs, count=10, seed=5, expected=Numerical(J, wrt=1),
                  told="a numerical derivative gives", tolerance=NUDGED),
            Grade("test_dJ_db_hidden", hidden=True, marks=2, points=random_inputs, count=20, seed=45),
        ),
    ),
    Exercise(
        "dJ_dc",
        tolerance=BY_RULE,
        by_hand=True,
        grades=(
            # b differs from a and from c at every point, so 3a or 3c where 3b belongs is wrong at each.
            Grade("test_dJ_dc_values", points=[(1, 4, 5), (0, -2, 4), (2, 5, -3), (-1, -3, -2)]),
            Grade("test_dJ_dc_numeric", points=random_inputs, count=10, seed=6, expected=Numerical(J, wrt=2),
                  told="a numerical derivative gives", tolerance=NUDGED),
            Grade("test_dJ_dc_hidden", hidden=True, marks=2, points=random_inputs, count=20, seed=46),
        ),
    ),
    Exercise(
        "dy_dz",
        tolerance=CHAIN_1D,
        by_hand=True,
        derivative_of=Polynomial([0, 0, 0, 0, 1]),  # y = z⁴: show_check draws its numerical derivative
        grades=(
            Grade("test_dy_dz_values", points=[1.5, 2.5, 3, -2]),
            Grade("test_dy_dz_numeric", points=lambda rng: float(rng.uniform(-3, 3)), count=10, seed=7,
                  expected=Numerical(y_of_z), told="a numerical derivative gives", tolerance=NUDGED_QUARTIC),
            Grade("test_dy_dz_hidden", hidden=True, marks=2, points=lambda rng: float(rng.uniform(-3, 3)), count=20,
                  seed=47),
        ),
        mistakes=(Mistake("only the outer derivative dy/dx = 2x: the inner dx/dz = 2z is missing",
                          lambda e, z: 2 * z**2),),
    ),
    Exercise(
        "dJ_db_two_paths",
        tolerance=TWO_PATHS,
        by_hand=True,
        grades=(
            # The notebook's point first; a, b and c differ at every point, so exchanging two of them, or using one
            # where another belongs, changes the answer at some point.
            Grade("test_dJ_db_two_paths_values", points=[(4, 2, 1), (2, 1, 3), (-1, 3, 2), (3, -2, 5)]),
            Grade("test_dJ_db_two_paths_numeric", points=random_inputs, count=10, seed=8,
                  expected=Numerical(J_two_paths, wrt=1), told="a numerical derivative gives",
                  tolerance=NUDGED_TWO_PATHS),
            Grade("test_dJ_db_two_paths_hidden", hidden=True, marks=2, points=random_inputs, count=20, seed=48),
        ),
        mistakes=(Mistake("only the local derivatives ∂u/∂b + ∂v/∂b = a + 1: the ∂J/∂u = v and ∂J/∂v = u to their "
                          "right are not multiplied in", lambda e, a, b, c: a + 1),
                  Mistake("∂J/∂u taken as u and ∂J/∂v as v: for J = u·v, the derivative with respect to one factor is "
                          "the other", lambda e, a, b, c: a * b * a + (b + c))),
    ),
]
