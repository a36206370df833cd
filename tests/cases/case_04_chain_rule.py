"""Module 4: submissions that hard-code the visible examples, and the typical mistakes of each exercise.

Every student answers all five exercises, so that no reference solution reuses a wrong `dJ_du`.
"""

from submissions import Case

ASSIGNMENT = "04-chain-rule"

KNOWN = "This is the known mistake: "

ALL_WRONG = {
    "test_forward_values": 0, "test_forward_hidden": 0,
    "test_dJ_dv_du_da_values": 0, "test_dJ_dv_du_da_numeric": 0, "test_dJ_dv_du_da_hidden": 0,
    "test_dJ_db_values": 0, "test_dJ_db_numeric": 0, "test_dJ_db_hidden": 0,
    "test_dJ_dc_values": 0, "test_dJ_dc_numeric": 0, "test_dJ_dc_hidden": 0,
    "test_dy_dz_values": 0, "test_dy_dz_numeric": 0, "test_dy_dz_hidden": 0,
}


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
        },
        scores={**ALL_WRONG, "test_forward_values": 1, "test_dJ_dv_du_da_values": 1, "test_dJ_db_values": 1,
                "test_dJ_dc_values": 1, "test_dy_dz_values": 1},
        messages={
            "test_forward_hidden": ["✗ forward: wrong at 20 of 20 points checked", "you returned 0"],
            "test_dJ_dv_du_da_numeric": ["✗ dJ_dv: wrong at 10 of 10", "you returned 0"],
            "test_dJ_dv_du_da_hidden": ["✗ dJ_dv: wrong at 20 of 20"],
            "test_dJ_db_numeric": ["✗ dJ_db: wrong at 10 of 10", "you returned 0"],
            "test_dJ_db_hidden": ["✗ dJ_db: wrong at 20 of 20"],
            "test_dJ_dc_numeric": ["✗ dJ_dc: wrong at 10 of 10"],
            "test_dJ_dc_hidden": ["✗ dJ_dc: wrong at 20 of 20"],
            "test_dy_dz_numeric": ["✗ dy_dz: wrong at 10 of 10"],
            "test_dy_dz_hidden": ["✗ dy_dz: wrong at 20 of 20"],
        },
    ),
    "constant": Case(
        answers={
            "forward": one_line("forward", "a, b, c", "6, 11, 33"),
            "dJ_dv_du_da": backward_to_v_u_a(3, 3, 3),  # constant, and right: J is linear in v, u and a
            "dJ_db": one_line("dJ_db", "a, b, c", "6"),
            "dJ_dc": one_line("dJ_dc", "a, b, c", "9"),
            "dy_dz": one_line("dy_dz", "z", "13.5"),
        },
        scores={**ALL_WRONG, "test_dJ_dv_du_da_values": 1, "test_dJ_dv_du_da_numeric": 1,
                "test_dJ_dv_du_da_hidden": 2},
        messages={
            "test_forward_values": ["✗ forward: wrong at 3 of 4 points checked"],
            "test_dJ_db_values": ["✗ dJ_db: wrong at 3 of 4 points checked", "you returned 6"],
            "test_dJ_db_hidden": ["you returned 6"],
            "test_dJ_dc_values": ["you returned 9"],
            "test_dy_dz_values": ["you returned 13.5"],
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
        },
        scores=ALL_WRONG,
        messages={
            "test_forward_values": [KNOWN + "u = b + c"],
            "test_forward_hidden": [KNOWN + "u = b + c"],
            "test_dJ_dv_du_da_values": ["✗ dJ_du", KNOWN + "only the local derivative"],
            "test_dJ_dv_du_da_numeric": ["✗ dJ_du", KNOWN + "only the local derivative"],
            "test_dJ_dv_du_da_hidden": ["✗ dJ_du", KNOWN + "only the local derivative"],
            "test_dJ_db_values": [KNOWN + "b used where c belongs"],
            "test_dJ_db_numeric": [KNOWN + "b used where c belongs"],
            "test_dJ_db_hidden": [KNOWN + "b used where c belongs"],
            "test_dJ_dc_values": [KNOWN + "c used where b belongs"],
            "test_dJ_dc_numeric": [KNOWN + "c used where b belongs"],
            "test_dJ_dc_hidden": [KNOWN + "c used where b belongs"],
            "test_dy_dz_values": [KNOWN + "only the outer derivative"],
            "test_dy_dz_numeric": [KNOWN + "only the outer derivative"],
            "test_dy_dz_hidden": [KNOWN + "only the outer derivative"],
        },
    ),
    "no-outer-3": Case(
        answers={
            "forward": one_line("forward", "a, b, c", "b * c, a + b * c, 3 * a + b * c"),
            "dJ_dv_du_da": backward_to_v_u_a("3 * (a + b * c)", "dJ_dv(a, b, c) * 1", "dJ_dv(a, b, c) * 1"),
            "dJ_db": one_line("dJ_db", "a, b, c", "c"),
            "dJ_dc": one_line("dJ_dc", "a, b, c", "b"),
            "dy_dz": one_line("dy_dz", "z", "2 * z"),
        },
        scores=ALL_WRONG,
        messages={
            "test_forward_values": [KNOWN + "the 3 multiplies only a"],
            "test_forward_hidden": [KNOWN + "the 3 multiplies only a"],
            "test_dJ_dv_du_da_values": ["✗ dJ_dv", KNOWN + "the value J where its derivative"],
            "test_dJ_dv_du_da_numeric": ["✗ dJ_dv", KNOWN + "the value J where its derivative"],
            "test_dJ_dv_du_da_hidden": ["✗ dJ_dv", KNOWN + "the value J where its derivative"],
            "test_dJ_db_values": [KNOWN + "the outer factor 3 of J = 3v is forgotten"],
            "test_dJ_db_numeric": [KNOWN + "the outer factor 3 of J = 3v is forgotten"],
            "test_dJ_db_hidden": [KNOWN + "the outer factor 3 of J = 3v is forgotten"],
            "test_dJ_dc_values": [KNOWN + "the outer factor 3 of J = 3v is forgotten"],
            "test_dJ_dc_numeric": [KNOWN + "the outer factor 3 of J = 3v is forgotten"],
            "test_dJ_dc_hidden": [KNOWN + "the outer factor 3 of J = 3v is forgotten"],
            "test_dy_dz_values": [KNOWN + "only the inner derivative"],
            "test_dy_dz_numeric": [KNOWN + "only the inner derivative"],
            "test_dy_dz_hidden": [KNOWN + "only the inner derivative"],
        },
    ),
    "factor-missing": Case(
        answers={
            "forward": one_line("forward", "a, b, c", "b * c, a + b * c, a + b * c"),
            "dJ_dv_du_da": backward_to_v_u_a(3, "dJ_dv(a, b, c) * 1", 1),
            "dJ_db": one_line("dJ_db", "a, b, c", "3"),
            "dJ_dc": one_line("dJ_dc", "a, b, c", "3"),
            "dy_dz": one_line("dy_dz", "z", "4 * z**2"),
        },
        scores=ALL_WRONG,
        messages={
            "test_forward_values": [KNOWN + "J = v: the factor 3 of the last step is forgotten"],
            "test_forward_hidden": [KNOWN + "J = v: the factor 3 of the last step is forgotten"],
            "test_dJ_dv_du_da_values": ["✗ dJ_da", KNOWN + "only the local derivative"],
            "test_dJ_dv_du_da_numeric": ["✗ dJ_da", KNOWN + "only the local derivative"],
            "test_dJ_dv_du_da_hidden": ["✗ dJ_da", KNOWN + "only the local derivative"],
            "test_dJ_db_values": [KNOWN + "∂u/∂b taken as 1: the factor c is missing"],
            "test_dJ_db_numeric": [KNOWN + "∂u/∂b taken as 1: the factor c is missing"],
            "test_dJ_db_hidden": [KNOWN + "∂u/∂b taken as 1: the factor c is missing"],
            "test_dJ_dc_values": [KNOWN + "∂u/∂c taken as 1: the factor b is missing"],
            "test_dJ_dc_numeric": [KNOWN + "∂u/∂c taken as 1: the factor b is missing"],
            "test_dJ_dc_hidden": [KNOWN + "∂u/∂c taken as 1: the factor b is missing"],
            "test_dy_dz_values": [KNOWN + "dy/dx = 2x taken at z instead of at x = z²"],
            "test_dy_dz_numeric": [KNOWN + "dy/dx = 2x taken at z instead of at x = z²"],
            "test_dy_dz_hidden": [KNOWN + "dy/dx = 2x taken at z instead of at x = z²"],
        },
    ),
    "flipper": Case(
        answers={
            "forward": one_line("forward", "a, b, c", "3 * (a + b * c), a + b * c, b * c"),
            "dJ_dv_du_da": backward_to_v_u_a(-3, "dJ_dv(a, b, c) * 1", "dJ_dv(a, b, c) * 1"),
            "dJ_db": one_line("dJ_db", "a, b, c", "-3 * c"),
            "dJ_dc": one_line("dJ_dc", "a, b, c", "-3 * b"),
            "dy_dz": one_line("dy_dz", "z", "-4 * z**3"),
        },
        scores=ALL_WRONG,
        messages={
            "test_forward_values": [KNOWN + "the values are in the wrong order"],
            "test_forward_hidden": [KNOWN + "the values are in the wrong order"],
            "test_dJ_dv_du_da_values": ["✗ dJ_dv", KNOWN + "the sign is flipped"],
            "test_dJ_dv_du_da_numeric": ["✗ dJ_dv", KNOWN + "the sign is flipped"],
            "test_dJ_dv_du_da_hidden": ["✗ dJ_dv", KNOWN + "the sign is flipped"],
            "test_dJ_db_values": [KNOWN + "the sign is flipped"],
            "test_dJ_db_numeric": [KNOWN + "the sign is flipped"],
            "test_dJ_db_hidden": [KNOWN + "the sign is flipped"],
            "test_dJ_dc_values": [KNOWN + "the sign is flipped"],
            "test_dJ_dc_numeric": [KNOWN + "the sign is flipped"],
            "test_dJ_dc_hidden": [KNOWN + "the sign is flipped"],
            "test_dy_dz_values": [KNOWN + "the sign is flipped"],
            "test_dy_dz_numeric": [KNOWN + "the sign is flipped"],
            "test_dy_dz_hidden": [KNOWN + "the sign is flipped"],
        },
    ),
}
