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
