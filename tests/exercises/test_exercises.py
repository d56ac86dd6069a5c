"""Every exercise's self-check accepts its reference solution and rejects a typical mistake."""
import pytest

import synthlib
from synthlib.exercises import get_exercise

EXERCISES = synthlib.list_exercises()


def test_every_section_with_metadata_has_at_least_two_exercises():
    for chapter in synthlib.list_chapters():
        own = [e for e in EXERCISES if e.rsplit(".", 1)[0] == chapter.id]
        assert len(own) >= 2, f"section {chapter.id} has {len(own)} registered exercises"


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_check_accepts_the_reference_solution(exercise_id):
    result = synthlib.check(exercise_id, get_exercise(exercise_id).solution())
    assert result, repr(result)
    assert "correct" in repr(result)


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_check_rejects_a_typical_mistake(exercise_id):
    result = synthlib.check(exercise_id, get_exercise(exercise_id).mistake())
    assert not result
    assert "Hint:" in repr(result) and len(result.message) > 10


def test_unknown_exercise_is_a_clear_error():
    with pytest.raises(KeyError, match="unknown exercise '2.9.9'"):
        synthlib.check("2.9.9", 1)
    with pytest.raises(TypeError, match="exercise id must be a string"):
        synthlib.check(2.1, 1)


def test_malformed_answers_get_a_hint_not_a_crash():
    result = synthlib.check("2.1.2", "many")
    assert not result and "Hint" in repr(result)


@pytest.mark.parametrize("exercise_id", ["2.1.2", "2.4.2", "3.1.1", "6.3"])
def test_an_answer_that_overflows_gets_a_hint_not_a_crash(exercise_id):
    result = synthlib.check(exercise_id, 10**400)
    assert not result and "OverflowError" in repr(result)


@pytest.mark.parametrize("raised", [ZeroDivisionError("x"), RuntimeError("x"), ArithmeticError("x")])
def test_any_error_from_a_wrong_answer_is_a_hint(monkeypatch, raised):
    from synthlib import exercises

    def checker(answer):
        raise raised

    monkeypatch.setitem(exercises._EXERCISES, "9.9.9", exercises.Exercise("9.9.9", checker, int, int, "test"))
    result = synthlib.check("9.9.9", 1)
    assert not result and type(raised).__name__ in result.message


@pytest.mark.parametrize("raised", [KeyboardInterrupt, SystemExit])
def test_an_interrupt_is_never_swallowed(monkeypatch, raised):
    from synthlib import exercises

    def checker(answer):
        raise raised()

    monkeypatch.setitem(exercises._EXERCISES, "9.9.9", exercises.Exercise("9.9.9", checker, int, int, "test"))
    with pytest.raises(raised):
        synthlib.check("9.9.9", 1)


def test_a_function_that_raises_gets_a_hint_that_says_so():
    def broken(*args):
        raise ZeroDivisionError("division by zero in the reader's code")

    result = synthlib.check("3.3.1", broken)  # a checker that calls the reader's function through call_answer
    assert not result and "your function raised ZeroDivisionError: division by zero" in result.message
    assert "wrong form" in synthlib.check("3.3.1", lambda image: "not a shift").message  # the form, not the function


@pytest.mark.parametrize("exercise_id, name", [("2.2.1", "bootstrap_se"), ("4.1.2", "active_units"),
                                               ("7.5.2", "pareto_front")])
def test_a_value_where_a_function_is_asked_gets_the_hint_to_pass_the_function(exercise_id, name):
    result = synthlib.check(exercise_id, 0.5)  # a number: the reader called the function and passed its result
    assert not result and result.message == f"pass your function itself: synthlib.check('{exercise_id}', {name})"
