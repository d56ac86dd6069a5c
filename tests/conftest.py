"""Shared fixtures: the chapters executed once in fast mode, and the book built from them."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

TEST_BUILD = ROOT / "_build" / "test"


@pytest.fixture(scope="session")
def executed_fast() -> dict:
    """Execute every section in fast mode, as papermill does for the book: {section: record or exception}."""
    import pipeline

    from synthlib import list_chapters

    results = {}
    for info in list_chapters():
        try:
            results[info.id] = pipeline.execute_section(info.id, TEST_BUILD / "executed", fast=True,
                                                        artifacts=TEST_BUILD / "artifacts")
        except Exception as error:  # reported by the test of that section, not as a fixture error for all
            results[info.id] = error
    return results


@pytest.fixture(scope="session")
def built_site(executed_fast) -> Path:
    """The HTML book built (with -W) from the fast-mode notebooks."""
    import pipeline

    return pipeline.build_site(TEST_BUILD / "executed", TEST_BUILD / "html")


def pytest_terminal_summary(terminalreporter):
    """The bad-input sweep's counts (tests/test_bad_input.py) at the end of the run, when it ran."""
    for name, module in list(sys.modules.items()):
        if name.endswith("test_bad_input") and getattr(module, "OUTCOMES", None):
            terminalreporter.write_sep("-", "bad-input sweep (issue 17)")
            for line in module.write_report().splitlines()[:6]:
                terminalreporter.write_line(line)
            terminalreporter.write_line(f"details: {module.REPORT}")
