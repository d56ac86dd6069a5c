"""The pages' code cells teach: glue() and asserts live in hidden cells, and a visible cell holds one idea.

Read from the jupytext sources (nothing is executed). A cell is hidden when tagged ``remove-cell`` or
``remove-input``; a ``hide-input`` cell's code is one click away, so it may be longer but may not hold plumbing.
Exercise solutions are exempt: their ``synthlib.check(...)`` must stay their last line, and the student edition
replaces them (synthlib/book/assign.py).
"""
from __future__ import annotations

import ast

import jupytext
import pytest
from pipeline import notebook_path

import synthlib

SECTIONS = [info.id for info in synthlib.list_chapters()]
HIDDEN = {"remove-cell", "remove-input"}
MAX_LINES = 15  # non-blank lines of a visible teaching cell
# Cells allowed to be longer, by (section, first line), each with its reason. An entry that no longer matches a
# long cell fails the test, so that the list only shrinks.
LONG_CELLS = {
    ("2.3", "def inject_fraud(home, n_legit, n_days, fraud_rate, r, rng):"):
        "the fraud injection the issue asks to show in full, checked value for value against synthlib's",
    ("4.2", 'def train_gan(generator, discriminator, optimisers, real_images, steps, after_step=None, desc="GAN"):'):
        "the GAN's training loop: one function, one idea",
    ("7.3", "def sample(model, label, n, temperature=1.0, top_p=1.0, max_new_tokens=40, seed=0):"):
        "the sampling loop the issue asks to show (key-value cache, temperature, top-p): one function, one idea",
}


def page_cells(section: str):
    """``(index, cell, tags, in_solution)`` for every code cell of the section's notebook."""
    in_solution = False
    for index, cell in enumerate(jupytext.read(notebook_path(section)).cells):
        if cell.cell_type == "markdown":
            start, end = cell.source.rfind("{solution-start}"), cell.source.rfind("{solution-end}")
            if start != -1 or end != -1:
                in_solution = start > end
        elif cell.cell_type == "code":
            yield index, cell, set(cell.metadata.get("tags", [])), in_solution


def plumbing(source: str) -> list[str]:
    """The glue() calls and assert statements in a cell's code, as source lines (IPython magics are skipped)."""
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    found = []
    for node in ast.walk(ast.parse(code)):
        call = isinstance(node, ast.Call) and (
            (isinstance(node.func, ast.Name) and node.func.id == "glue")
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "glue"))
        if call or isinstance(node, ast.Assert):
            found.append((node.lineno, code.splitlines()[node.lineno - 1].strip()))
    return [line for _, line in sorted(found)]


def test_plumbing_finds_glue_and_asserts_at_any_depth():
    source = "x = 1\nfor k in 'ab':\n    glue(k, x)\nif x:\n    assert x > 0\nsynthlib.glue('y', 2)\nprint(x)"
    assert plumbing(source) == ["glue(k, x)", "assert x > 0", "synthlib.glue('y', 2)"]
    assert plumbing("%matplotlib inline\nglued = 3\nprint('glue(')") == []


@pytest.mark.parametrize("section", SECTIONS)
def test_visible_cells_hold_no_glue_or_asserts(section):
    offending = []
    for index, cell, tags, in_solution in page_cells(section):
        if tags & HIDDEN or in_solution:
            continue
        if found := plumbing(cell.source):
            offending.append(f"cell {index}: {found}")
    assert not offending, (f"section {section}: move glue() and asserts into a hidden cell (tag remove-cell) right "
                           "after the visible one:\n" + "\n".join(offending))


@pytest.mark.parametrize("section", SECTIONS)
def test_visible_cells_are_short(section):
    long_cells, allowed_seen = [], set()
    for index, cell, tags, in_solution in page_cells(section):
        if tags & (HIDDEN | {"hide-input"}) or in_solution:
            continue
        lines = [line for line in cell.source.splitlines() if line.strip()]
        if len(lines) <= MAX_LINES:
            continue
        key = (section, lines[0])
        if key in LONG_CELLS:
            allowed_seen.add(key)
        else:
            long_cells.append(f"cell {index} ({len(lines)} lines): {lines[0][:80]}")
    assert not long_cells, (f"section {section}: split these cells into cells of one idea (at most {MAX_LINES} "
                            "non-blank lines), or move plumbing into synthlib:\n" + "\n".join(long_cells))
    stale = {key for key in LONG_CELLS if key[0] == section} - allowed_seen
    assert not stale, f"LONG_CELLS entries that no longer match a long cell (remove them): {sorted(stale)}"
