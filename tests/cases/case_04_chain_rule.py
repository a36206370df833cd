"""Module 4: submissions that hard-code the visible examples, and the typical mistakes of each exercise.

The first six students answer all six exercises, so that no reference solution reuses a wrong `dJ_du`. The
learner's own `dJ_du` and `dJ_da` call the learner's `dJ_dv`, as they do in a notebook: a wrong `dJ_dv` spoils
them too. The last ones answer only Exercise 6, ∂J/∂b on the graph where b feeds two steps, each following one path.
"""

from submissions import Case

ASSIGNMENT = "04-chain-rule"

KNOWN = "This is the known mistake: "
# The names the grader derives from one-edit variants of the reference solutions:
FACTOR = "a factor of a product is missing"  # 2z for 2x·2z
DV_FACTOR = "the factor dJ_dv(a, b, c) is missing"  # 1 where dJ_dv(a, b, c) * 1 belongs
DU_FACTOR = "the factor dJ_du(a, b, c) is missing"  # c where dJ_du(a, b, c) * c belongs
B_AND_C = "b and c are exchanged"  # 3b where 3c belongs, and the reverse
OUTER_AT_Z = "the power 2 is missing, or the factor z is missing"  # 4z²: 2x taken at z, x = z where z² belongs
# b feeds u = a·b and v = b + c: each path alone misses a term of the sum v·a + u·1.
ONLY_THROUGH_U = "the term b of the sum is missing, or a term of the sum is missing"  # v·a = (b + c)·a
ONLY_THROUGH_V = "a term of the sum is missing"  # u·1 = a·b

FULL_MARKS = {
    "test_forward_values": 1, "test_forward_hidden": 2,
    "test_dJ_dv_values": 1, "test_dJ_dv_hidden": 1,
    "test_dJ_du_values": 1, "test_dJ_du_hidden": 1,
    "test_dJ_da_values": 1, "test_dJ_da_hidden": 1,
    "test_dJ_db_values": 1, "test_dJ_db_numeric": 1, "test_dJ_db_hidden": 2,
    "test_dJ_dc_values": 1, "test_dJ_dc_numeric": 1, "test_dJ_dc_hidden": 2,
    "test_dy_dz_values": 1, "test_dy_dz_numeric": 1, "test_dy_dz_hidden": 2,
    "test_dJ_db_two_paths_values": 1, "test_dJ_db_two_paths_numeric": 1, "test_dJ_db_two_paths_hidden": 2,
}
ALL_WRONG = dict.fromkeys(FULL_MARKS, 0)


def right(*functions):
    """Full marks in the grade cells of these functions."""
    # Whole grade ids, not prefixes: test_dJ_db_two_paths_values is not one of dJ_db's.
    return {grade_id: marks for grade_id, marks in FULL_MARKS.items()
            if any(grade_id == f"test_{name}_{kind}" for name in functions for kind in ("values", "numeric", "hidden"))}


def backward_to_v_u_a(dv, du, da):
    """The solution cell of Exercise 2 with the given bodies."""
    return f'''
def dJ_dv(a, b, c):
    """∂J/∂v."""
    return {dv}


def dJ_du(a, b, c):
    """∂J/∂u."""
    return {du}


def dJ_da(a, b, c):
    """∂J/∂a."""
    return {da}
'''


def one_line(name, parameters, body):
    return f'''
def {name}({parameters}):
    """A submitted answer."""
    return {body}
'''


CASES = {
    "hardcoder": Case(
        answers={
            "forward": one_line("forward", "a, b, c", "{(5, 3, 2): (6, 11, 33), (1, 4, 5): (20, 21, 63), "
                                "(2, -2, 4): (-8, -6, -18), (2, 0.5, 6): (3, 5, 15)}.get((a, b, c), (0, 0, 0))"),
            "dJ_dv_du_da": backward_to_v_u_a(*["{(5, 3, 2): 3, (1, 4, 5): 3, (2, -2, 4): 3}.get((a, b, c), 0)"] * 3),
            "dJ_db": one_line("dJ_db", "a, b, c",
                              "{(5, 3, 2): 6, (1, 4, 5): 15, (0, -2, 4): 12, (2, 5, -3): -9}.get((a, b, c), 0)"),
            "dJ_dc": one_line("dJ_dc", "a, b, c",
                              "{(1, 4, 5): 12, (0, -2, 4): -6, (2, 5, -3): 15, (-1, -3, -2): -9}.get((a, b, c), 0)"),
            "dy_dz": one_line("dy_dz", "z", "{1.5: 13.5, 2.5: 62.5, 3: 108, -2: -32}.get(z, 0)"),
            "dJ_db_two_paths": one_line("dJ_db_two_paths", "a, b, c", "{(4, 2, 1): 20, (2, 1, 3): 10, (-1, 3, 2): -8, "
                                        "(3, -2, 5): 3}.get((a, b, c), 0)"),
        },
        scores={**ALL_WRONG, **{f"test_{name}_values": 1 for name in ("forward", "dJ_dv", "dJ_du", "dJ_da", "dJ_db",
                                                                      "dJ_dc", "dy_dz", "dJ_db_two_paths")}},
        messages={
            "test_forward_hidden": ["✗ forward: wrong at 20 of 20 points checked", "you returned 0"],
            "test_dJ_dv_hidden": ["✗ dJ_dv: wrong at 20 of 20", "you returned 0"],
            "test_dJ_du_hidden": ["✗ dJ_du: wrong at 20 of 20"],
            "test_dJ_da_hidden": ["✗ dJ_da: wrong at 20 of 20"],
            "test_dJ_db_numeric": ["✗ dJ_db: wrong at 10 of 10", "you returned 0"],
            "test_dJ_db_hidden": ["✗ dJ_db: wrong at 20 of 20"],
            "test_dJ_dc_numeric": ["✗ dJ_dc: wrong at 10 of 10"],
            "test_dJ_dc_hidden": ["✗ dJ_dc: wrong at 20 of 20"],
            "test_dy_dz_numeric": ["✗ dy_dz: wrong at 10 of 10"],
            "test_dy_dz_hidden": ["✗ dy_dz: wrong at 20 of 20"],
            "test_dJ_db_two_paths_numeric": ["✗ dJ_db_two_paths: wrong at 10 of 10", "you returned 0"],
            "test_dJ_db_two_paths_hidden": ["✗ dJ_db_two_paths: wrong at 20 of 20"],
        },
    ),
    "constant": Case(
        answers={
            "forward": one_line("forward", "a, b, c", "6, 11, 33"),
            "dJ_dv_du_da": backward_to_v_u_a(3, 3, 3),  # constant, and right: J is linear in v, u and a
            "dJ_db": one_line("dJ_db", "a, b, c", "6"),
            "dJ_dc": one_line("dJ_dc", "a, b, c", "9"),
            "dy_dz": one_line("dy_dz", "z", "13.5"),
            "dJ_db_two_paths": one_line("dJ_db_two_paths", "a, b, c", "20"),
        },
        scores={**ALL_WRONG, **right("dJ_dv", "dJ_du", "dJ_da")},
        messages={
            "test_forward_values": ["✗ forward: wrong at 3 of 4 points checked"],
            "test_dJ_db_values": ["✗ dJ_db: wrong at 3 of 4 points checked", "you returned 6"],
            "test_dJ_db_hidden": ["you returned 6"],
            "test_dJ_dc_values": ["you returned 9"],
            "test_dy_dz_values": ["you returned 13.5"],
            "test_dJ_db_two_paths_values": ["✗ dJ_db_two_paths: wrong at 3 of 4 points checked", "you returned 20"],
        },
    ),
    "b-for-c": Case(
        answers={
            "forward": '''
def forward(a, b, c):
    """u as a sum."""
    u = b + c
    v = a + u
    return u, v, 3 * v
''',
            "dJ_dv_du_da": backward_to_v_u_a(3, 1, "dJ_dv(a, b, c) * 1"),
            "dJ_db": one_line("dJ_db", "a, b, c", "3 * b"),
            "dJ_dc": one_line("dJ_dc", "a, b, c", "3 * c"),
            "dy_dz": one_line("dy_dz", "z", "2 * z**2"),
            "dJ_db_two_paths": one_line("dJ_db_two_paths", "a, b, c", "(c + b) * a + a * c"),
        },
        scores={**ALL_WRONG, **right("dJ_dv", "dJ_da")},
        messages={
            "test_forward_values": [KNOWN + "an addition where a multiplication belongs (b + c where b·c belongs)"],
            "test_forward_hidden": [KNOWN + "an addition where a multiplication belongs (b + c where b·c belongs)"],
            # only the local derivative 1: the ∂J/∂v to its right is not multiplied in
            "test_dJ_du_values": ["you returned 1; a numerical derivative gives 3", KNOWN + DV_FACTOR],
            "test_dJ_du_hidden": [KNOWN + DV_FACTOR],
            "test_dJ_db_values": [KNOWN + B_AND_C],
            "test_dJ_db_numeric": [KNOWN + B_AND_C],
            "test_dJ_db_hidden": [KNOWN + B_AND_C],
            "test_dJ_dc_values": [KNOWN + B_AND_C],
            "test_dJ_dc_numeric": [KNOWN + B_AND_C],
            "test_dJ_dc_hidden": [KNOWN + B_AND_C],
            "test_dy_dz_values": [KNOWN + "only the outer derivative"],
            "test_dy_dz_numeric": [KNOWN + "only the outer derivative"],
            "test_dy_dz_hidden": [KNOWN + "only the outer derivative"],
            "test_dJ_db_two_paths_values": [KNOWN + B_AND_C],
            "test_dJ_db_two_paths_numeric": [KNOWN + B_AND_C],
            "test_dJ_db_two_paths_hidden": [KNOWN + B_AND_C],
        },
    ),
    "no-outer-3": Case(
        answers={
            "forward": one_line("forward", "a, b, c", "b * c, a + b * c, 3 * a + b * c"),
            "dJ_dv_du_da": backward_to_v_u_a("3 * (a + b * c)", "dJ_dv(a, b, c) * 1", "dJ_dv(a, b, c) * 1"),
            "dJ_db": one_line("dJ_db", "a, b, c", "c"),
            "dJ_dc": one_line("dJ_dc", "a, b, c", "b"),
            "dy_dz": one_line("dy_dz", "z", "2 * z"),
            # only the local derivatives ∂u/∂b + ∂v/∂b, without the ∂J/∂u and ∂J/∂v to their right
            "dJ_db_two_paths": one_line("dJ_db_two_paths", "a, b, c", "a + 1"),
        },
        scores=ALL_WRONG,
        messages={
            "test_forward_values": [KNOWN + "the 3 multiplies only a"],
            "test_forward_hidden": [KNOWN + "the 3 multiplies only a"],
            "test_dJ_dv_values": ["you returned 33; a numerical derivative gives 3", KNOWN + "the value J where its "
                                  "derivative ∂J/∂v belongs"],
            "test_dJ_dv_hidden": [KNOWN + "the value J where its derivative ∂J/∂v belongs"],
            # dJ_du and dJ_da are right, but multiply in this dJ_dv
            **{f"test_dJ_d{node}_{kind}": [KNOWN + "the value J = 3(a + b·c) where the derivative ∂J/∂v = 3 belongs "
                                          "(does dJ_dv return J?)"] for node in "ua" for kind in ("values", "hidden")},
            # the outer 3 forgotten: c, b and 2z alone
            "test_dJ_db_values": ["you returned 2; the right value is 6", KNOWN + DU_FACTOR],
            "test_dJ_db_numeric": [KNOWN + DU_FACTOR],
            "test_dJ_db_hidden": [KNOWN + DU_FACTOR],
            "test_dJ_dc_values": [KNOWN + DU_FACTOR],
            "test_dJ_dc_numeric": [KNOWN + DU_FACTOR],
            "test_dJ_dc_hidden": [KNOWN + DU_FACTOR],
            "test_dy_dz_values": [KNOWN + FACTOR],
            "test_dy_dz_numeric": [KNOWN + FACTOR],
            "test_dy_dz_hidden": [KNOWN + FACTOR],
            "test_dJ_db_two_paths_values": [KNOWN + "only the local derivatives ∂u/∂b + ∂v/∂b = a + 1"],
            "test_dJ_db_two_paths_numeric": [KNOWN + "only the local derivatives ∂u/∂b + ∂v/∂b = a + 1"],
            "test_dJ_db_two_paths_hidden": [KNOWN + "only the local derivatives ∂u/∂b + ∂v/∂b = a + 1"],
        },
    ),
    "factor-missing": Case(
        answers={
            "forward": one_line("forward", "a, b, c", "b * c, a + b * c, a + b * c"),
            "dJ_dv_du_da": backward_to_v_u_a(3, "dJ_dv(a, b, c) * 1", 1),
            "dJ_db": one_line("dJ_db", "a, b, c", "3"),
            "dJ_dc": one_line("dJ_dc", "a, b, c", "3"),
            "dy_dz": one_line("dy_dz", "z", "4 * z**2"),
            "dJ_db_two_paths": one_line("dJ_db_two_paths", "a, b, c", "(b + c) + a * b"),
        },
        scores={**ALL_WRONG, **right("dJ_dv", "dJ_du")},
        messages={
            "test_forward_values": [KNOWN + "the factor 3 is missing"],
            "test_forward_hidden": [KNOWN + "the factor 3 is missing"],
            "test_dJ_da_values": [KNOWN + DV_FACTOR],
            "test_dJ_da_hidden": [KNOWN + DV_FACTOR],
            "test_dJ_db_values": [KNOWN + "the factor c is missing"],
            "test_dJ_db_numeric": [KNOWN + "the factor c is missing"],
            "test_dJ_db_hidden": [KNOWN + "the factor c is missing"],
            "test_dJ_dc_values": [KNOWN + "the factor b is missing"],
            "test_dJ_dc_numeric": [KNOWN + "the factor b is missing"],
            "test_dJ_dc_hidden": [KNOWN + "the factor b is missing"],
            # dy/dx = 2x taken at z instead of at x = z²
            "test_dy_dz_values": [KNOWN + OUTER_AT_Z],
            "test_dy_dz_numeric": [KNOWN + OUTER_AT_Z],
            "test_dy_dz_hidden": [KNOWN + OUTER_AT_Z],
            "test_dJ_db_two_paths_values": [KNOWN + "the factor a is missing"],
            "test_dJ_db_two_paths_numeric": [KNOWN + "the factor a is missing"],
            "test_dJ_db_two_paths_hidden": [KNOWN + "the factor a is missing"],
        },
    ),
    "flipper": Case(
        answers={
            "forward": one_line("forward", "a, b, c", "3 * (a + b * c), a + b * c, b * c"),
            "dJ_dv_du_da": backward_to_v_u_a(-3, "dJ_dv(a, b, c) * 1", "dJ_dv(a, b, c) * 1"),
            "dJ_db": one_line("dJ_db", "a, b, c", "-3 * c"),
            "dJ_dc": one_line("dJ_dc", "a, b, c", "-3 * b"),
            "dy_dz": one_line("dy_dz", "z", "-4 * z**3"),
            "dJ_db_two_paths": one_line("dJ_db_two_paths", "a, b, c", "-((b + c) * a + a * b)"),
        },
        scores=ALL_WRONG,
        messages={
            "test_forward_values": [KNOWN + "the values are in the wrong order"],
            "test_forward_hidden": [KNOWN + "the values are in the wrong order"],
            **{grade_id: [KNOWN + "the sign is flipped"] for grade_id in ALL_WRONG if not grade_id.startswith(
                "test_forward_")},
        },
    ),
    # Both paths are written, but the second replaces the first instead of adding to it: only the path through v
    # (u·1 = a·b) is left.
    "overwriter": Case(
        answers={"dJ_db_two_paths": '''
def dJ_db_two_paths(a, b, c):
    """∂J/∂b, one path after the other."""
    u, v = a * b, b + c
    db = v * a  # through u
    db = u * 1  # through v
    return db
'''},
        scores={**FULL_MARKS, "test_dJ_db_two_paths_values": 0, "test_dJ_db_two_paths_numeric": 0,
                "test_dJ_db_two_paths_hidden": 0},
        messages={
            "test_dJ_db_two_paths_values": ["you returned 8; the right value is 20", KNOWN + ONLY_THROUGH_V],
            "test_dJ_db_two_paths_numeric": [KNOWN + ONLY_THROUGH_V],
            "test_dJ_db_two_paths_hidden": [KNOWN + ONLY_THROUGH_V],
        },
    ),
    # The chain rule of one path, as in Exercises 3 and 4: b → u → J, and the path through v forgotten.
    "one-path": Case(
        answers={"dJ_db_two_paths": one_line("dJ_db_two_paths", "a, b, c", "(b + c) * a")},
        scores={**FULL_MARKS, "test_dJ_db_two_paths_values": 0, "test_dJ_db_two_paths_numeric": 0,
                "test_dJ_db_two_paths_hidden": 0},
        messages={
            "test_dJ_db_two_paths_values": ["you returned 12; the right value is 20", KNOWN + ONLY_THROUGH_U],
            "test_dJ_db_two_paths_numeric": [KNOWN + ONLY_THROUGH_U],
            "test_dJ_db_two_paths_hidden": [KNOWN + ONLY_THROUGH_U],
        },
    ),
    # ∂J/∂u = u and ∂J/∂v = v: the product rule read as "each factor times itself".
    "same-factor": Case(
        answers={"dJ_db_two_paths": one_line("dJ_db_two_paths", "a, b, c", "(a * b) * a + (b + c) * 1")},
        scores={**FULL_MARKS, "test_dJ_db_two_paths_values": 0, "test_dJ_db_two_paths_numeric": 0,
                "test_dJ_db_two_paths_hidden": 0},
        messages={
            "test_dJ_db_two_paths_values": [KNOWN + "∂J/∂u taken as u and ∂J/∂v as v"],
            "test_dJ_db_two_paths_hidden": [KNOWN + "∂J/∂u taken as u and ∂J/∂v as v"],
        },
    ),
}
