"""Student notebooks for instructors: ``python -m synthlib assign 2.2 --out DIR``.

A student notebook is the chapter with every gated solution (``solution-start`` … ``solution-end``) replaced by
an exercise stub: a code cell that raises ``NotImplementedError`` until the student replaces it, followed by the
solution's own ``synthlib.check(...)`` line, so the student gets the same self-check as the book. Stub cells are
tagged ``raises-exception``, so a notebook with unfinished stubs still executes to the end (Jupyter tolerates an
error in a cell with that tag). Works offline: it needs only the chapter's source in ``notebooks/``.
Taught in the instructor guide.
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

SOLUTION_START = re.compile(r"```\{solution-start\}[ \t]*(?P<label>\S+).*?\n```[ \t]*(\n|$)", re.S)
SOLUTION_END = re.compile(r"```\{solution-end\}[^\n]*\n```[ \t]*(\n|$)")
CHECK_CALL = re.compile(r"^\s*(?:assert\s+)?synthlib\.check\(\s*[\"'](?P<id>[\d.]+)[\"']\s*,.*\)\s*$", re.M)
STUB_TAG = "exercise-stub"


@dataclass
class Solution:
    """One gated solution found in a notebook: its exercise label and its code cells."""

    label: str
    code: list[str] = field(default_factory=list)

    @property
    def exercise_id(self) -> str:
        return self.label.removeprefix("ex-")

    def check_lines(self) -> list[str]:
        return [m.group(0).strip() for source in self.code for m in CHECK_CALL.finditer(source)]


def stub_source(solution: Solution) -> str:
    """The stub that replaces a solution: a reminder, a NotImplementedError, and the solution's check call(s)."""
    checks = solution.check_lines()
    if not checks:
        raise ValueError(f"the solution of {solution.label} has no synthlib.check(...) line to keep in its stub")
    return "\n".join([
        f"# Exercise {solution.exercise_id}: replace the next line with your code, then run this cell to check it.",
        f'raise NotImplementedError("Exercise {solution.exercise_id} is not done yet")',
        *checks,
    ])


def replace_solutions(notebook, *, stubs: bool):
    """Remove every gated solution from ``notebook`` (in place); with ``stubs``, put an exercise stub in its place.

    Returns the list of :class:`Solution` found, in order.
    """
    import nbformat

    kept, solutions, current = [], [], None
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            if current is None:
                kept.append(cell)
            else:
                current.code.append(cell.source)
            continue
        text, pieces = cell.source, []
        while text:
            if current is not None:
                end = SOLUTION_END.search(text)
                if not end:
                    break
                text = text[end.end():]
                if stubs:
                    if "".join(pieces).strip():
                        kept.append(nbformat.v4.new_markdown_cell("".join(pieces)))
                        pieces = []
                    stub = nbformat.v4.new_code_cell(stub_source(current))
                    stub.metadata["tags"] = [STUB_TAG, "raises-exception"]
                    stub.metadata["exercise"] = current.exercise_id
                    kept.append(stub)
                current = None
            else:
                start = SOLUTION_START.search(text)
                if not start:
                    pieces.append(text)
                    break
                pieces.append(text[:start.start()])
                text = text[start.end():]
                current = Solution(start.group("label"))
                solutions.append(current)
        if "".join(pieces).strip():
            kept.append(nbformat.v4.new_markdown_cell("".join(pieces)) if stubs else _with_source(cell, pieces))
    if current is not None:
        raise ValueError(f"solution-start {current.label} has no matching solution-end")
    notebook.cells = kept
    return solutions


def _with_source(cell, pieces):
    cell.source = "".join(pieces)
    return cell


def fill_stubs(notebook, solutions: list[Solution]) -> int:
    """Put each solution's code back in place of its stub (the test that stubs and solutions agree)."""
    import nbformat

    by_id = {solution.exercise_id: solution for solution in solutions}
    cells, filled = [], 0
    for cell in notebook.cells:
        if cell.cell_type == "code" and STUB_TAG in cell.metadata.get("tags", []):
            solution = by_id[cell.metadata["exercise"]]
            cells.extend(nbformat.v4.new_code_cell(code) for code in solution.code)
            filled += 1
        else:
            cells.append(cell)
    notebook.cells = cells
    return filled


def chapter_source(section: str, notebooks: Path | None = None) -> Path:
    from .chapters import chapter_info

    folder = notebooks or Path(__file__).resolve().parents[2] / "notebooks"
    path = folder / f"{chapter_info(section).notebook}.md"
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: run this from a clone of the course, or pass --notebooks")
    return path


def student_notebook(section: str, notebooks: Path | None = None):
    """The student notebook of ``section``, built from its source: (notebook, solutions that were replaced)."""
    try:
        import jupytext
    except ImportError as error:
        raise ImportError("python -m synthlib assign needs jupytext: pip install jupytext") from error
    notebook = jupytext.read(chapter_source(section, notebooks))
    solutions = replace_solutions(notebook, stubs=True)
    notebook.metadata["synthlib"] = {"section": section, "edition": "student"}
    return notebook, solutions


def write_assignment(section: str, out: Path, notebooks: Path | None = None, *, force: bool = False) -> Path:
    """Write ``<out>/<notebook>.ipynb``, the student notebook of ``section``; returns its path.

    An existing notebook there may hold a student's work: it is replaced only with ``force=True``. The new notebook
    is written beside it first and then moved into place, so that a failed write never leaves half a notebook.
    """
    import nbformat

    from .chapters import chapter_info

    out = Path(out)
    path = out / f"{chapter_info(section).notebook}.ipynb"
    if path.exists() and not force:
        raise FileExistsError(f"{path} already exists (it may hold a student's work); "
                              "choose another --out folder, or pass --force to replace it")
    notebook, solutions = student_notebook(section, notebooks)
    if not solutions:
        raise ValueError(f"section {section} has no gated solutions to turn into exercises")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise NotADirectoryError(f"--out {out} exists and is not a folder") from None
    except OSError as error:
        raise OSError(f"cannot create the folder --out {out}: {error.strerror or error}") from None
    partial = path.with_name(f".{path.name}.partial")
    try:
        nbformat.write(notebook, partial)
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise OSError(f"cannot write {path}: {error.strerror or error}") from None
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m synthlib assign", description=__doc__.splitlines()[0])
    parser.add_argument("section", help="the section id, e.g. 2.2")
    parser.add_argument("--out", type=Path, required=True, help="folder for the student notebook")
    parser.add_argument("--notebooks", type=Path, help="the course's notebooks/ folder (default: beside synthlib)")
    parser.add_argument("--force", action="store_true", help="replace a student notebook already in --out")
    args = parser.parse_args(argv)
    path = write_assignment(args.section, args.out, args.notebooks, force=args.force)
    print(f"Student notebook for section {args.section}: {path}")
    return 0


if __name__ == "__main__":
    from synthlib.__main__ import main as command_line

    sys.exit(command_line(["assign", *sys.argv[1:]]))
