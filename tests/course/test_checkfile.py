"""Check files: values as JSON, the file's layout, and where a notebook finds its checks."""

import json

import numpy as np
import pytest
import sympy
from numpy.polynomial import Polynomial

from course import checkfile
from course.checkfile import CheckFileError, decode, encode
from course.checks import HIDDEN_LATER, Check, CheckFailed, Variant, call_all, check, each_part
from course.derivatives import central_difference

MODULE = "01-slope"


def through_json(value):
    return decode(json.loads(json.dumps(encode(value))))


# --- values --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [3, -2.5, 0.1 + 0.2, True, "text", [1, 2.5, [3]], (1, 2.0), (), float("inf")])
def test_plain_values_come_back_as_they_were(value):
    back = through_json(value)
    assert back == value and type(back) is type(value)


def test_numpy_numbers_come_back_as_python_numbers():
    assert through_json(np.float32(1.5)) == 1.5 and type(through_json(np.float32(1.5))) is float
    assert through_json(np.int64(7)) == 7 and type(through_json(np.int64(7))) is int
    assert through_json(np.bool_(True)) is True


@pytest.mark.parametrize(("array", "kind"), [(np.array([1, -2, 3]), "i"), (np.array([[0.5], [1.25]]), "f"),
                                             (np.array([True, False]), "b"), (np.array(2.5), "f"),
                                             (np.array([1, 2], dtype=np.uint8), "i")])
def test_arrays_keep_their_values_shape_and_kind_of_number(array, kind):
    back = through_json(array)
    assert isinstance(back, np.ndarray) and back.shape == array.shape and back.dtype.kind == kind
    np.testing.assert_array_equal(back, array)


def test_an_empty_array_keeps_its_shape():
    # A matrix of no rows (an empty data set) is (0, 3): a flat [] would be another argument, and the right
    # answer of that shape would fail on its shape.
    back = through_json(np.zeros((0, 3)))
    assert back.shape == (0, 3) and back.dtype.kind == "f"


def test_nested_tuples_of_arrays_come_back():
    value = (np.array([1.0, 2.0]), 0.5, (np.array([[1]]), "x"))
    back = through_json(value)
    assert isinstance(back, tuple) and isinstance(back[2], tuple)
    np.testing.assert_array_equal(back[0], value[0])
    assert back[1] == 0.5 and back[2][1] == "x" and back[2][0].dtype.kind == "i"


def test_exception_classes_numpy_functions_and_polynomials_come_back():
    assert through_json(ValueError) is ValueError and through_json(ZeroDivisionError) is ZeroDivisionError
    assert encode(np.square) == {"numpy": "square"}
    assert through_json(np.square) is np.square and through_json(np.exp) is np.exp
    polynomial = through_json(Polynomial([1, -2, 0, 3]))
    assert isinstance(polynomial, Polynomial) and polynomial == Polynomial([1, -2, 0, 3])
    assert polynomial(2.0) == 1 - 4 + 24


def test_sympy_expressions_come_back_equal():
    x, y = sympy.symbols("x y")
    for expression in (x**2 + 3 * x, sympy.sin(x) * sympy.exp(-y), sympy.Rational(1, 3), sympy.Integer(4)):
        assert sympy.simplify(through_json(expression) - expression) == 0
        assert through_json(expression) == expression


def test_functions_of_the_course_are_held_by_name():
    assert encode(central_difference) == {"function": "course.derivatives.central_difference"}
    assert through_json(central_difference) is central_difference


def test_a_lambda_is_refused_with_a_clear_type_error():
    with pytest.raises(TypeError) as refused:
        encode(lambda x: x + 1)
    message = str(refused.value)
    assert "a check file cannot hold a function" in message
    assert "use numbers, arrays, tuples, NumPy functions, polynomials, SymPy expressions or functions of course/" \
        in message


def test_a_function_of_the_course_that_is_not_at_the_top_of_its_module_is_refused():
    # A closure (or a lambda) made in course/ has a name no module holds: written, it could never be read back.
    closure = each_part(np.negative)
    assert closure.__module__ == "course.checks" and "<locals>" in closure.__qualname__
    with pytest.raises(TypeError, match="a check file cannot hold"):
        encode(closure)


@pytest.mark.parametrize("value", [{"a": 1}, object(), np.mean, 1 + 2j])
def test_other_values_are_refused(value):
    with pytest.raises(TypeError, match="a check file cannot hold"):
        encode(value)


def test_an_unknown_tag_is_refused():
    with pytest.raises(CheckFileError, match="unknown value 'pickle' in a check file"):
        decode({"pickle": "gASV..."})
    with pytest.raises(CheckFileError, match="unknown value 'pickle'"):
        decode([1, {"tuple": [{"pickle": ""}]}])


@pytest.mark.parametrize("name", ["LinAlgError", "CheckFailed", "print", "object", "int", "__import__"])
def test_only_builtin_exceptions_can_be_named(name):
    with pytest.raises(CheckFileError, match=f"names the exception '{name}', which is not a built-in one"):
        decode({"raises": name})


# --- files ---------------------------------------------------------------------------------------------------------


def record(grade_id="test_slope_values", function="slope", told="the right value is"):
    """A small record, as `nudge release` writes one (its points differ by grade id, to tell records apart)."""
    points = [(1.0, 2.0, 3.0, 10.0 + len(grade_id))]

    def slope(x1, y1, x2, y2):
        return (y2 - y1) / (x2 - x1)

    def upside_down(x1, y1, x2, y2):
        return (x2 - x1) / (y2 - y1)

    variants = (Variant("run over rise", tuple(call_all(upside_down, points)), 1),)
    return Check(points, slope, variants=variants, told=told).record(function)


def test_write_then_read_gives_the_records_back(tmp_path):
    path = tmp_path / checkfile.VISIBLE
    records = {"test_slope_values": record(), "test_slope_vertical": record("test_slope_vertical")}
    checkfile.write(path, MODULE, records)
    assert checkfile.read(path) == json.loads(json.dumps(records))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == checkfile.FORMAT and data["assignment"] == MODULE
    # One line per check, so that a change to one check is a one-line diff.
    assert sum('"test_slope_' in line for line in path.read_text(encoding="utf-8").splitlines()) == 2


def test_a_written_record_makes_the_same_check(tmp_path):
    path = tmp_path / checkfile.VISIBLE
    checkfile.write(path, MODULE, {"test_slope_values": record()})
    back = Check.from_record(checkfile.read(path)["test_slope_values"])
    assert back.points == [(1.0, 2.0, 3.0, 27.0)] and back.expected == [12.5]
    assert back.variants[0].name == "run over rise"


def test_a_file_of_another_format_is_refused_naming_the_release(tmp_path):
    path = tmp_path / checkfile.VISIBLE
    path.write_text(json.dumps({"format": checkfile.FORMAT + 1, "assignment": MODULE, "checks": {}}))
    with pytest.raises(CheckFileError, match="written by another version of Nudge; `nudge release` writes it again"):
        checkfile.read(path)
    path.write_text(json.dumps([1, 2]))
    with pytest.raises(CheckFileError, match="`nudge release`"):
        checkfile.read(path)


def test_a_file_that_is_not_json_is_refused_naming_the_release(tmp_path):
    path = tmp_path / checkfile.VISIBLE
    path.write_text("{not json")
    with pytest.raises(CheckFileError, match="could not be read .*`nudge release` writes it again"):
        checkfile.read(path)
    with pytest.raises(CheckFileError, match="could not be read"):
        checkfile.read(tmp_path / "missing.json")


# --- where a notebook finds its checks -----------------------------------------------------------------------------


VISIBLE_ID, HIDDEN_ID = "test_slope_values", "test_slope_hidden"


def released_course(tmp_path):
    """A course with the module released: visible checks in release/, hidden ones in source/."""
    course = tmp_path / "course"
    for folder in ("release", "source"):
        (course / folder / MODULE).mkdir(parents=True)
    checkfile.write(course / "release" / MODULE / checkfile.VISIBLE, MODULE, {VISIBLE_ID: record()})
    checkfile.write(course / "source" / MODULE / checkfile.HIDDEN, MODULE,
                    {HIDDEN_ID: record(HIDDEN_ID, told="")})
    return course


def test_a_learner_copy_finds_its_visible_checks_beside_the_notebook(tmp_path):
    folder = tmp_path / "work" / MODULE
    folder.mkdir(parents=True)
    checkfile.write(folder / checkfile.VISIBLE, MODULE, {VISIBLE_ID: record()})
    assert checkfile.find(VISIBLE_ID, folder) == json.loads(json.dumps(record()))
    assert checkfile.find(HIDDEN_ID, folder) is None
    assert checkfile.find("test_no_such_check", folder) is None


def test_a_learner_copy_beside_a_source_folder_never_sees_hidden_checks(tmp_path):
    course = released_course(tmp_path)
    folder = course / "work" / MODULE
    folder.mkdir(parents=True)
    checkfile.write(folder / checkfile.VISIBLE, MODULE, {VISIBLE_ID: record()})
    assert checkfile.find(VISIBLE_ID, folder) is not None
    assert checkfile.find(HIDDEN_ID, folder) is None
    # The same in a copy of the module made right next to the course's folders.
    beside = course / MODULE
    beside.mkdir()
    checkfile.write(beside / checkfile.VISIBLE, MODULE, {VISIBLE_ID: record()})
    assert checkfile.find(HIDDEN_ID, beside) is None


def test_the_source_notebook_finds_the_release_and_its_hidden_checks(tmp_path):
    course = released_course(tmp_path)
    folder = course / "source" / MODULE
    assert checkfile.find(VISIBLE_ID, folder) == json.loads(json.dumps(record()))
    assert checkfile.find(HIDDEN_ID, folder) == json.loads(json.dumps(record(HIDDEN_ID, told="")))
    assert checkfile.find("test_no_such_check", folder) is None


def test_the_release_folder_itself_has_no_hidden_checks(tmp_path):
    course = released_course(tmp_path)
    folder = course / "release" / MODULE
    assert checkfile.find(VISIBLE_ID, folder) is not None
    assert checkfile.find(HIDDEN_ID, folder) is None


def test_an_autograded_copy_finds_both_in_the_course_two_levels_up(tmp_path):
    course = released_course(tmp_path)
    folder = course / "autograded" / "ana" / MODULE
    folder.mkdir(parents=True)
    assert checkfile.find(VISIBLE_ID, folder) == json.loads(json.dumps(record()))
    assert checkfile.find(HIDDEN_ID, folder) == json.loads(json.dumps(record(HIDDEN_ID, told="")))


def test_an_autograded_copy_is_graded_by_the_course_checks_not_by_a_submitted_copy(tmp_path):
    # nbgrader autograde copies every submitted file beside the notebook (hidden-checks.json is on its ignore
    # list, checks.json is not): a stale or edited checks.json of the student's must not decide the grade.
    course = released_course(tmp_path)
    folder = course / "autograded" / "ana" / MODULE
    folder.mkdir(parents=True)
    edited = record()
    edited["expected"] = [0.0]
    checkfile.write(folder / checkfile.VISIBLE, MODULE, {VISIBLE_ID: edited})
    checkfile.write(folder / checkfile.HIDDEN, MODULE, {HIDDEN_ID: edited})
    assert checkfile.find(VISIBLE_ID, folder) == json.loads(json.dumps(record()))
    assert checkfile.find(HIDDEN_ID, folder) == json.loads(json.dumps(record(HIDDEN_ID, told="")))


def test_a_notebook_without_its_check_file_is_told_what_is_missing(tmp_path):
    folder = tmp_path / "work" / MODULE
    folder.mkdir(parents=True)
    with pytest.raises(CheckFileError, match="checks are missing: checks.json belongs beside it"):
        checkfile.find(VISIBLE_ID, folder)


def test_find_looks_in_the_current_folder_by_default(tmp_path, monkeypatch):
    folder = tmp_path / "work" / MODULE
    folder.mkdir(parents=True)
    checkfile.write(folder / checkfile.VISIBLE, MODULE, {VISIBLE_ID: record()})
    monkeypatch.chdir(folder)
    assert checkfile.find(VISIBLE_ID) is not None


# --- check(function, grade_id) -------------------------------------------------------------------------------------


def slope(x1, y1, x2, y2):
    return (y2 - y1) / (x2 - x1)


def cube(x):
    return x**3


@pytest.fixture
def learner_copy(tmp_path, monkeypatch):
    folder = tmp_path / "work" / MODULE
    folder.mkdir(parents=True)
    checkfile.write(folder / checkfile.VISIBLE, MODULE, {VISIBLE_ID: record()})
    monkeypatch.chdir(folder)
    return folder


def test_check_passes_a_right_function_and_says_so(learner_copy, capsys):
    check(slope, VISIBLE_ID)
    assert "✓ slope: right at the 1 point checked." in capsys.readouterr().out


def test_check_fails_a_wrong_function_with_the_message_and_the_mistake(learner_copy):
    def slope(x1, y1, x2, y2):
        return (x2 - x1) / (y2 - y1)

    with pytest.raises(CheckFailed) as failure:
        check(slope, VISIBLE_ID)
    message = str(failure.value)
    assert "✗ slope: wrong at 1 of 1 point checked." in message and "the right value is 12.5" in message
    assert "This is the known mistake: run over rise." in message


def test_check_says_a_check_it_does_not_find_runs_at_grading(learner_copy, capsys):
    check(slope, HIDDEN_ID)
    assert capsys.readouterr().out.strip() == HIDDEN_LATER


def test_check_given_another_function_names_the_one_it_checks(learner_copy):
    with pytest.raises(CheckFailed) as failure:
        check(cube, VISIBLE_ID)
    message = str(failure.value)
    assert "test_slope_values checks slope, but was given cube" in message
    assert "keep the name slope for your function" in message


def test_check_without_a_check_file_fails_with_what_is_missing(tmp_path, monkeypatch):
    folder = tmp_path / "work" / MODULE
    folder.mkdir(parents=True)
    monkeypatch.chdir(folder)
    with pytest.raises(CheckFailed, match="checks are missing"):
        check(slope, VISIBLE_ID)


def test_check_reads_a_by_hand_function_before_calling_it(tmp_path, monkeypatch):
    calls = []

    def d_cube(x):
        calls.append(x)
        return central_difference(cube, x)

    folder = tmp_path / "work" / MODULE
    folder.mkdir(parents=True)
    by_hand = Check([(2.0,)], [12.0], by_hand=True).record("d_cube")
    checkfile.write(folder / checkfile.VISIBLE, MODULE, {"test_d_cube_values": by_hand})
    monkeypatch.chdir(folder)
    with pytest.raises(CheckFailed, match="asks for the derivative worked out by hand"):
        check(d_cube, "test_d_cube_values")
    assert calls == []
