"""synthlib's layout: the README's tables match the tree, names do not collide, and ``import synthlib`` stays light."""
import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

import synthlib

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "synthlib"
README = (ROOT / "README.md").read_text()
HEAVY = ("torch", "torchvision", "sdv", "ctgan", "rdt", "copulas", "sdmetrics", "opacus", "nltk", "transformers")


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name not in ("__init__.py", "__main__.py"))


def _dotted(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _section_rows() -> dict[str, list[str]]:
    """The README's per-section table: {section id: [the paths in its row]}."""
    table = README.split("Each section's code, self-checks and tests:")[1].split("\n\n")[1]
    rows = {}
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0].split()[0]] = re.findall(r"`([^`]+)`", line)
    return rows


def test_every_section_of_the_book_has_a_row_and_every_path_exists():
    rows = _section_rows()
    assert list(rows) == [info.id for info in synthlib.list_chapters()]
    for section, paths in rows.items():
        assert paths, f"section {section} names no file"
        for path in paths:
            assert (ROOT / path).exists(), f"README names {path} for section {section}, which is not in the tree"


def test_every_teaching_module_and_exercise_file_is_in_the_readme():
    named = {path for paths in _section_rows().values() for path in paths}
    for module in _modules():
        relative = module.relative_to(ROOT).as_posix()
        if module.parent.name.startswith("part") or module.parent.name == "exercises":
            assert relative in named, f"{relative} is missing from README's section table"


def test_the_readme_layout_table_names_only_folders_that_exist():
    table = README.split("## What is where")[1].split("Each section's code")[0]
    for path in re.findall(r"^\| `([^`]+)`", table, flags=re.M):
        if not path.startswith("_build") and "N" not in path:
            assert (ROOT / path.rstrip("/")).exists(), path
    for part in sorted(p.name for p in PACKAGE.glob("part*")):
        assert (PACKAGE / "exercises" / f"{part}.py").exists() or part == "part8", f"no exercises/{part}.py"


def test_exercise_files_register_only_their_own_part():
    for path in sorted((PACKAGE / "exercises").glob("part*.py")):
        part = path.stem.removeprefix("part")
        ids = re.findall(r'@exercise\("([\d.]+)"', path.read_text())
        assert ids, f"{path.name} registers no exercise"
        assert all(i.split(".")[0] == part for i in ids), f"{path.name} registers another part's exercise: {ids}"


def test_module_names_do_not_look_alike_or_shadow_the_flat_api():
    normalised = {}
    for module in _modules():
        key = module.stem.replace("_", "").lower()
        assert key not in normalised, f"{module} and {normalised[key]} have look-alike names"
        normalised[key] = module
        assert not hasattr(synthlib, module.stem) or module.stem.startswith("part"), (
            f"module {module.stem} has the name of a public synthlib function")


@pytest.mark.parametrize("module", [m for m in _modules() if m.parent.name.startswith("part")], ids=_dotted)
def test_teaching_modules_name_their_section_and_mirror_a_test(module):
    docstring = ast.get_docstring(ast.parse(module.read_text())) or ""
    part = module.parent.name.removeprefix("part")
    assert re.search(rf"\b(Sections?|Part|chapter) {part}\b|\bSections? {part}\.\d", docstring, flags=re.I), (
        f"{_dotted(module)}'s docstring does not name the section that teaches it")
    if module.stem != "networks":  # torch modules, tested through vae.py and gan.py
        assert (ROOT / "tests" / module.parent.name / f"test_{module.stem}.py").exists(), f"no test mirrors {module}"


def test_import_synthlib_and_every_light_module_loads_no_heavy_library():
    light = [_dotted(m) for m in _modules() if m.stem != "networks"]
    code = (f"import sys, importlib; [importlib.import_module(m) for m in {light!r}]; import synthlib; "
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == "[]", f"importing synthlib loads {result.stdout.strip()}"


def test_the_command_line_lists_its_commands_and_refuses_unknown_ones():
    ok = subprocess.run([sys.executable, "-m", "synthlib", "--help"], capture_output=True, text=True)
    assert ok.returncode == 0 and "assign" in ok.stdout and "offline" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "synthlib", "asign"], capture_output=True, text=True)
    assert bad.returncode == 2 and "unknown command 'asign'" in bad.stderr
