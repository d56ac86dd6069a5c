"""Self-checking exercises: ``check("2.2.1", my_answer)`` says whether an answer is right, or gives a hint.

Every exercise of the book is registered here by its id (section.number) with three things: a checker,
the reference solution and a typical mistake. The tests make sure each checker accepts the solution and
rejects the mistake, so that no check can pass everything. Taught in the preface ("Exercises").
"""
from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: The exercises of part P are registered by ``synthlib.exercises.partP`` (imported on first use, keeping imports
#: light).
PARTS = ("1", "2", "3", "4", "5", "6", "7", "8")


@dataclass(frozen=True)
class Exercise:
    id: str
    checker: Callable[[Any], str | None]  # None when the answer is right, else a hint
    solution: Callable[[], Any]  # computes the reference answer
    mistake: Callable[[], Any]  # computes a typical wrong answer (the checker must reject it)
    summary: str


_EXERCISES: dict[str, Exercise] = {}


def exercise(id: str, *, solution: Callable[[], Any], mistake: Callable[[], Any], summary: str,
             function: str | None = None):
    """Register a checker for exercise ``id`` (a decorator used by the part modules).

    ``function``: for an exercise whose answer is a function, the name the exercise gives it; an answer that is not
    callable then gets the hint to pass the function itself, before the checker runs.
    """

    def register(checker: Callable[[Any], str | None]):
        if id in _EXERCISES:
            raise ValueError(f"exercise {id!r} is registered twice")
        run = checker
        if function is not None:
            def run(answer):
                if not callable(answer):
                    return f"pass your function itself: synthlib.check('{id}', {function})"
                return checker(answer)
        _EXERCISES[id] = Exercise(id, run, solution, mistake, summary)
        return checker

    return register


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one answer; truthy when correct, and shown as a one-line message in a notebook."""

    id: str
    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return f"✓ Exercise {self.id}: correct. {self.message}".rstrip() if self.passed else \
            f"✗ Exercise {self.id}: not yet. Hint: {self.message}"

    def _repr_html_(self) -> str:
        colour = "#1b7f3b" if self.passed else "#b2443a"
        from html import escape

        return f'<p style="color:{colour};font-weight:600">{escape(repr(self))}</p>'


def get_exercise(id: str) -> Exercise:
    if not isinstance(id, str):
        raise TypeError(f"exercise id must be a string such as '2.2.1', got {id!r}")
    part = id.split(".")[0]
    if part.isdigit() and importlib.util.find_spec(f"synthlib.exercises.part{part}") is not None:
        importlib.import_module(f"synthlib.exercises.part{part}")  # also parts still being written
    if id not in _EXERCISES:
        known = ", ".join(sorted(_EXERCISES)) or "none"
        raise KeyError(f"unknown exercise {id!r}; exercises of this part: {known} (the id must be one of them)")
    return _EXERCISES[id]


class AnswerRaised(Exception):
    """The reader's function raised an exception while a checker called it (see :func:`call_answer`)."""


def call_answer(answer: Callable, *args, **kwargs) -> Any:
    """Call the reader's function for a checker; if it raises, :func:`check` says so as the hint ("your function
    raised ValueError: …") instead of blaming the answer's form."""
    try:
        return answer(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - shown to the reader as the hint
        raise AnswerRaised(f"your function raised {type(error).__name__}: {error}") from error


def check(id: str, answer: Any) -> CheckResult:
    """Check an answer to exercise ``id``: a clear pass, or a hint towards the right answer."""
    exercise_ = get_exercise(id)
    try:
        hint = exercise_.checker(answer)
    except AnswerRaised as error:
        hint = str(error)
    except Exception as error:  # any failure on a wrong answer is a hint; KeyboardInterrupt and SystemExit are not
        hint = f"the answer has the wrong form ({type(error).__name__}: {error})"
    return CheckResult(id, hint is None, "" if hint is None else hint)


def list_exercises() -> list[str]:
    """The ids of every registered exercise, in book order."""
    for part in PARTS:
        importlib.import_module(f"synthlib.exercises.part{part}")
    return sorted(_EXERCISES, key=lambda i: [int(p) for p in i.split(".")])
