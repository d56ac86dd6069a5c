"""The pipeline's own logic: the student edition's solution stripping and the statistics page."""
import nbformat
import pytest

import pipeline


def _notebook(*cells):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(c[1]) if c[0] == "md" else nbformat.v4.new_code_cell(c[1])
                      for c in cells]
    return notebook


def test_strip_solutions_removes_gated_solutions_and_keeps_exercises():
    notebook = _notebook(
        ("md", "Intro\n\n```{exercise}\n:label: ex-1\nDo it.\n```\n\n```{solution-start} ex-1\n:class: dropdown\n```\n\nHow."),
        ("code", "answer = 42\nsynthlib.check('1.1', answer)"),
        ("md", "More of the solution."),
        ("code", "print('still solution')"),
        ("md", "```{solution-end}\n```\n\n## Summary"),
        ("code", "run.finish()"),
    )
    assert pipeline.strip_solutions(notebook) == 1
    text = "\n".join(cell.source for cell in notebook.cells)
    assert "```{exercise}" in text and "## Summary" in text and "run.finish()" in text
    assert "solution" not in text.replace("```{exercise}", "") and "answer = 42" not in text and "How." not in text


def test_strip_solutions_rejects_an_unclosed_solution():
    notebook = _notebook(("md", "```{solution-start} ex-1\n```\n"), ("code", "x = 1"))
    with pytest.raises(ValueError, match="no matching solution-end"):
        pipeline.strip_solutions(notebook)
