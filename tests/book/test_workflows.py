"""The GitHub workflows pass actionlint, and actionlint does catch a broken workflow."""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import actionlint  # noqa: E402

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def test_the_expected_workflows_exist():
    assert {p.stem for p in WORKFLOWS} >= {"tests", "book", "publish", "drift", "links"}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_passes_actionlint(workflow):
    problems = actionlint.lint([workflow])
    assert not problems, "\n".join(f"{p['line']}:{p['column']} {p['message']}" for p in problems)


def test_actionlint_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.evnt.name }}\n      - uses: actions/checkout@v4\n        with: 3\n")
    assert actionlint.lint([broken])
