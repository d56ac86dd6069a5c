"""Student notebooks: stubs replace solutions, stay in step with them, and the export works offline."""
import sys

import jupytext
import nbformat
import pytest

import synthlib
from synthlib.book import assign


def _notebook(*cells):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(c[1]) if c[0] == "md" else nbformat.v4.new_code_cell(c[1])
                      for c in cells]
    return notebook


EXAMPLE = (
    ("md", "Intro\n\n```{exercise}\n:label: ex-1.1\nDo it.\n```\n\n```{solution-start} ex-1.1\n:class: dropdown\n```\n\nHow."),
    ("code", "answer = 42\nsynthlib.check(\"1.1\", answer)"),
    ("md", "More of the solution."),
    ("code", "print('still solution')"),
    ("md", "```{solution-end}\n```\n\n## Summary"),
    ("code", "run.finish()"),
)


def test_solutions_are_removed_for_the_book_and_exercises_kept():
    notebook = _notebook(*EXAMPLE)
    solutions = assign.replace_solutions(notebook, stubs=False)
    assert [s.exercise_id for s in solutions] == ["1.1"]
    text = "\n".join(cell.source for cell in notebook.cells)
    assert "```{exercise}" in text and "## Summary" in text and "run.finish()" in text
    assert "answer = 42" not in text and "How." not in text and "still solution" not in text


def test_stubs_replace_solutions_and_keep_the_check():
    notebook = _notebook(*EXAMPLE)
    assign.replace_solutions(notebook, stubs=True)
    stubs = [c for c in notebook.cells if assign.STUB_TAG in c.metadata.get("tags", [])]
    assert len(stubs) == 1
    assert "raise NotImplementedError" in stubs[0].source and 'synthlib.check("1.1", answer)' in stubs[0].source
    assert "raises-exception" in stubs[0].metadata["tags"]
    order = [c.source.strip().split("\n")[0][:12] for c in notebook.cells]
    assert order.index("# Exercise 1") < order.index("## Summary")


def test_unclosed_solution_and_solution_without_check_are_errors():
    with pytest.raises(ValueError, match="no matching solution-end"):
        assign.replace_solutions(_notebook(("md", "```{solution-start} ex-1.1\n```\n"), ("code", "x = 1")), stubs=False)
    with pytest.raises(ValueError, match="no synthlib.check"):
        assign.replace_solutions(_notebook(("md", "```{solution-start} ex-1.1\n```\n"), ("code", "x = 1"),
                                           ("md", "```{solution-end}\n```\n")), stubs=True)


@pytest.mark.parametrize("section", [info.id for info in synthlib.list_chapters()])
def test_every_stub_is_in_step_with_its_solution(section):
    """Each exercise of the chapter has one solution, whose check names the exercise, and one matching stub."""
    source = jupytext.read(assign.chapter_source(section))
    labels = [line.split(":label:")[1].strip() for cell in source.cells if cell.cell_type == "markdown"
              for line in cell.source.splitlines() if line.startswith(":label: ex-")]
    notebook, solutions = assign.student_notebook(section)
    assert [f"ex-{s.exercise_id}" for s in solutions] == labels, "every exercise has exactly one solution, in order"
    registered = {e for e in synthlib.list_exercises() if e.rsplit(".", 1)[0] == section}
    assert {s.exercise_id for s in solutions} == registered
    stubs = [c for c in notebook.cells if assign.STUB_TAG in c.metadata.get("tags", [])]
    for solution, stub in zip(solutions, stubs, strict=True):
        assert stub.metadata["exercise"] == solution.exercise_id
        assert all(f'synthlib.check("{solution.exercise_id}"' in line for line in solution.check_lines())
        assert solution.check_lines() == [line for line in stub.source.splitlines() if "synthlib.check(" in line]


def test_assign_command_writes_a_student_notebook_that_runs_offline(tmp_path, monkeypatch):
    """`python -m synthlib assign` output executes: stubs raise (tolerated); filled with the solutions, checks pass."""
    import subprocess

    import papermill

    monkeypatch.setenv("SYNTHLIB_OFFLINE", "1")
    result = subprocess.run([sys.executable, "-m", "synthlib", "assign", "2.2", "--out", str(tmp_path)],
                            capture_output=True, text=True, check=True)
    path = tmp_path / "2.2-bootstrapping.ipynb"
    assert str(path) in result.stdout
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    monkeypatch.setenv("SYNTHLIB_ARTIFACTS", str(run_dir))
    # Jupyter runs on past a failing cell tagged `raises-exception`; papermill still reports the errors at the end.
    with pytest.raises(papermill.PapermillExecutionError, match="NotImplementedError"):
        papermill.execute_notebook(str(path), str(run_dir / "unfinished.ipynb"), parameters={"fast": True},
                                   kernel_name="python3", cwd=str(run_dir), progress_bar=False)
    unfinished = nbformat.read(run_dir / "unfinished.ipynb", as_version=4)
    errors = [(c, o) for c in unfinished.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert len(errors) == 2 and all(o.ename == "NotImplementedError" for _, o in errors)
    assert all(assign.STUB_TAG in c.metadata["tags"] for c, _ in errors)
    last_code = [c for c in unfinished.cells if c.cell_type == "code"][-1]
    assert "run.finish()" in last_code.source and last_code.execution_count, "it ran to the end despite the stubs"
    notebook = nbformat.read(path, as_version=4)
    _, solutions = assign.student_notebook("2.2")
    assert assign.fill_stubs(notebook, solutions) == len(solutions) == 2
    nbformat.write(notebook, tmp_path / "filled.ipynb")
    filled = papermill.execute_notebook(str(tmp_path / "filled.ipynb"), str(run_dir / "filled.ipynb"),
                                        parameters={"fast": True}, kernel_name="python3", cwd=str(run_dir),
                                        progress_bar=False)
    outputs = "\n".join(str(o.get("data", {}).get("text/plain", "")) for c in filled.cells for o in c.get("outputs", []))
    assert outputs.count("✓ Exercise 2.2.") == 2 and "✗" not in outputs


def _command(*args, env=None):
    import os
    import subprocess

    return subprocess.run([sys.executable, "-m", "synthlib", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


def _one_line_error(result, *words):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert all(word in result.stderr for word in words), result.stderr


def test_assign_never_overwrites_a_student_notebook_unless_forced(tmp_path):
    path = tmp_path / "2.2-bootstrapping.ipynb"
    path.write_text("a student's work")
    with pytest.raises(FileExistsError, match="--force"):
        assign.write_assignment("2.2", tmp_path)
    assert path.read_text() == "a student's work"
    _one_line_error(_command("assign", "2.2", "--out", str(tmp_path)), str(path), "--force")
    assert path.read_text() == "a student's work"
    assert assign.write_assignment("2.2", tmp_path, force=True) == path
    assert nbformat.read(path, as_version=4).metadata["synthlib"]["edition"] == "student"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name], "no partial file is left behind"


def test_command_line_user_errors_are_one_line_and_exit_non_zero(tmp_path):
    _one_line_error(_command("assign", "9.9", "--out", str(tmp_path)), "unknown section '9.9'")
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    _one_line_error(_command("assign", "2.2", "--out", str(blocker)), str(blocker))
    _one_line_error(_command("assign", "2.2", "--out", str(blocker / "sub")), str(blocker / "sub"))
    _one_line_error(_command("offline", "prepare", "nosuch"), "unknown dataset 'nosuch'")
    _one_line_error(_command("offline", "prepare", "penguins", env={"SYNTHLIB_DATA": str(blocker / "data")}),
                    "offline")
    assert list(tmp_path.iterdir()) == [blocker]
