"""The book's one execution and its products: executed notebooks, the staged book source, the HTML.

    python tools/pipeline.py execute --mode default --out _build/executed   # papermill, once per section
    python tools/pipeline.py site --executed _build/executed --html _build/html   # stage + jupyter-book -W

The executed notebooks feed the book (which never re-executes), nbval and the Colab notebooks.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from datetime import datetime, timezone
from importlib import metadata as importlib_metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from synthlib.chapters import chapter_info, list_chapters  # noqa: E402

MATHJAX = ("mathjax", "3.2.2", "1b9c0a1c44df864e915690558e72adb9cc5203360daefd385084ced3b6c64c09")
VENDOR = ROOT / "_build" / "vendor"
REPORTED_LIBRARIES = ["numpy", "scipy", "pandas", "matplotlib", "scikit-learn", "Faker", "torch", "torchvision",
                      "sdv", "sdmetrics", "copulas", "opacus", "nltk", "papermill", "jupyter-book"]


def notebook_path(section: str) -> Path:
    return ROOT / "notebooks" / f"{chapter_info(section).notebook}.md"


def execute_section(section: str, out_dir: Path, *, fast: bool, device: str = "auto", seed: int = 0,
                    artifacts: Path | None = None) -> dict:
    """Execute one section's jupytext source with papermill; returns its timing record."""
    import jupytext
    import papermill

    out_dir.mkdir(parents=True, exist_ok=True)
    info = chapter_info(section)
    source = jupytext.read(notebook_path(section))
    source.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"})
    output = out_dir / f"{info.notebook}.ipynb"
    env_backup = dict(os.environ)
    os.environ["SYNTHLIB_ARTIFACTS"] = str((artifacts or out_dir.parent / "artifacts").resolve())
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    # Fixed string hashing: some libraries (Faker's locales) iterate over sets, whose order follows the hash seed.
    os.environ["PYTHONHASHSEED"] = "0"
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    with tempfile.TemporaryDirectory() as tmp:
        staged_input = Path(tmp) / f"{info.notebook}.ipynb"
        jupytext.write(source, staged_input)
        started = time.perf_counter()
        try:
            papermill.execute_notebook(
                str(staged_input), str(output),
                parameters={"fast": fast, "device": device, "seed": seed},
                kernel_name="python3", cwd=str(ROOT / "notebooks"), progress_bar=False, log_output=False,
            )
        finally:
            os.environ.clear()
            os.environ.update(env_backup)
        seconds = time.perf_counter() - started
    _tidy_executed(output, fast=fast, seconds=seconds)
    return {"section": section, "seconds": seconds, "fast": fast}


def _tidy_executed(path: Path, *, fast: bool, seconds: float) -> None:
    """Hide papermill's injected-parameters cell in the book and record the mode and machine."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            cell.metadata["tags"] = tags + ["remove-cell"]
    notebook.metadata["synthlib"] = {
        "mode": "fast" if fast else "default",
        "seconds": round(seconds, 2),
        "executed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine_description(),
    }
    nbformat.write(notebook, path)


def machine_description() -> str:
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU cores, Python {platform.python_version()}"


def execute(out_dir: Path, *, fast: bool, sections: list[str] | None = None, device: str = "auto") -> list[dict]:
    records = []
    for info in list_chapters():
        if sections and info.id not in sections:
            continue
        record = execute_section(info.id, out_dir, fast=fast, device=device)
        budget = info.budget(fast)
        status = "within" if record["seconds"] <= budget else "OVER"
        print(f"  {info.id:>4} {info.title:<34} {record['seconds']:6.1f} s  ({status} budget {budget:g} s)", flush=True)
        records.append(record)
    return records


# ---------------------------------------------------------------------------------------------------------------
# The site: stage the book's source from the executed notebooks, then build it with execution off and -W.


def vendor_mathjax() -> Path:
    """MathJax from the npm registry, so that formulas render without a CDN (offline classrooms, tests)."""
    name, version, sha256 = MATHJAX
    target = VENDOR / "mathjax"
    if (target / "tex-mml-chtml.js").exists():
        return target
    registry = os.environ.get("npm_config_registry", "https://registry.npmjs.org").rstrip("/")
    with urllib.request.urlopen(f"{registry}/{name}/-/{name}-{version}.tgz", timeout=120) as response:
        payload = response.read()
    if hashlib.sha256(payload).hexdigest() != sha256:
        raise RuntimeError(f"{name}-{version}.tgz does not match its pinned sha256")
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "mathjax.tgz"
        archive.write_bytes(payload)
        with tarfile.open(archive) as tarred:
            members = [m for m in tarred.getmembers() if m.name.startswith("package/es5/")]
            tarred.extractall(tmp, members=members, filter="data")
        shutil.rmtree(target, ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(Path(tmp) / "package" / "es5"), target)
    return target


def _library_versions() -> list[tuple[str, str]]:
    versions = []
    for name in REPORTED_LIBRARIES:
        try:
            versions.append((name, importlib_metadata.version(name)))
        except importlib_metadata.PackageNotFoundError:
            continue
    return versions


def statistics_page(executed: Path) -> str:
    """The execution-statistics page: measured runtimes against the budgets of chapters.toml."""
    import nbformat

    gpu_runs_file = ROOT / "book" / "gpu-runs.json"
    gpu_runs = json.loads(gpu_runs_file.read_text()) if gpu_runs_file.exists() else {}
    rows, machine, modes = [], "", set()
    for info in list_chapters():
        path = executed / f"{info.notebook}.ipynb"
        if not path.exists():
            continue
        meta = nbformat.read(path, as_version=4).metadata.get("synthlib", {})
        modes.add(meta.get("mode", "?"))
        machine = meta.get("machine", machine)
        budget = info.budget(meta.get("mode") == "fast")
        seconds = meta.get("seconds", float("nan"))
        verdict = "within" if seconds <= budget else "**over**"
        gpu = gpu_runs.get(info.id)
        gpu_cell = f"{gpu['seconds']:.1f} s ({gpu['device']}, {gpu['date']})" if gpu else (
            "not needed" if info.gpu == "no" else "not measured yet")
        data = ", ".join(_data_variant(path, name) for name in info.datasets) or "generated in the chapter"
        executed_at = meta.get("executed_at", "?").replace("T", " ")[:16]
        rows.append(f"| [{info.id} {info.title}](../notebooks/{info.notebook}.ipynb) | {seconds:.1f} s | "
                    f"{budget:g} s ({verdict}) | {gpu_cell} | {data} | {executed_at} |")
    mode = ", ".join(sorted(modes)) or "none"
    versions = ", ".join(f"{name} {version}" for name, version in _library_versions())
    return "\n".join([
        "(execution-statistics)=",
        "# Execution statistics",
        "",
        "Every page of this book was executed once, by papermill, before the site was built; the figures in the",
        "text are the outputs of that run. This page lists what that run measured, against each section's budget",
        "from its metadata block (`synthlib/chapters.toml`).",
        "",
        f"- **Mode of this build:** {mode} (`fast` is the reduced mode the tests use).",
        f"- **Machine:** {machine or 'unknown'}.",
        f"- **Libraries:** {versions}.",
        "- **GPU runs:** " + ("recorded in `book/gpu-runs.json`." if gpu_runs else
                              "no GPU run has been made yet; the GPU column says so."),
        "",
        "| Section | CPU runtime | Budget | GPU runtime | Data | Executed (UTC) |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
    ])


def _data_variant(executed_notebook: Path, dataset: str) -> str:
    """Which variant of a dataset a run used, read from the line `load_dataset` printed in the notebook."""
    import nbformat

    from synthlib.data import get_dataset

    title = get_dataset(dataset).title
    for cell in nbformat.read(executed_notebook, as_version=4).cells:
        for output in cell.get("outputs", []):
            for line in output.get("text", "").splitlines():
                if line.startswith(title + ":"):
                    return f"{dataset} ({line[len(title) + 1:].split(',')[0].strip()})"
    return f"{dataset} (not loaded in this run)"


SOLUTION_START = re.compile(r"```\{solution-start\}.*?\n```[ \t]*(\n|$)", re.S)
SOLUTION_END = re.compile(r"```\{solution-end\}[^\n]*\n```[ \t]*(\n|$)")


def strip_solutions(notebook) -> int:
    """Remove every gated solution (``solution-start`` … ``solution-end``, code cells included); returns how many.

    The student edition is built this way because sphinx-exercise's ``hide_solutions`` cannot handle gated
    solutions (it raises on the ``solution_end_node``).
    """
    kept, inside, removed = [], False, 0
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            if not inside:
                kept.append(cell)
            continue
        text, pieces = cell.source, []
        while text:
            if inside:
                end = SOLUTION_END.search(text)
                if not end:
                    text = ""
                    break
                text, inside = text[end.end():], False
            else:
                start = SOLUTION_START.search(text)
                if not start:
                    pieces.append(text)
                    break
                pieces.append(text[:start.start()])
                text, inside, removed = text[start.end():], True, removed + 1
        if "".join(pieces).strip():
            cell.source = "".join(pieces)
            kept.append(cell)
    if inside:
        raise ValueError("a solution-start has no matching solution-end")
    notebook.cells = kept
    return removed


def stage(executed: Path, source: Path, artifacts: Path | None = None, *, student: bool = False) -> Path:
    """Assemble the book's source: config, toc, front and back matter, executed notebooks, artifacts, MathJax."""
    shutil.rmtree(source, ignore_errors=True)
    source.mkdir(parents=True)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "book", source / "book")
    (source / "notebooks").mkdir()
    for info in list_chapters():
        executed_notebook = executed / f"{info.notebook}.ipynb"
        if not executed_notebook.exists():
            raise FileNotFoundError(f"{executed_notebook} is missing: execute the chapters first")
        target = source / "notebooks" / executed_notebook.name
        if student:
            import nbformat

            notebook = nbformat.read(executed_notebook, as_version=4)
            strip_solutions(notebook)
            nbformat.write(notebook, target)
        else:
            shutil.copy(executed_notebook, target)
    artifacts = artifacts or executed.parent / "artifacts"
    if artifacts.exists():
        shutil.copytree(artifacts, source / "artifacts")
    shutil.copytree(vendor_mathjax(), source / "book" / "_static" / "mathjax")
    (source / "book" / "execution-statistics.md").write_text(statistics_page(executed))
    return source


def build_site(executed: Path, html: Path, *, student: bool = False) -> Path:
    """Stage and build with jupyter-book (execution off, warnings are errors); returns the HTML folder."""
    work = html.parent / (html.name + "-src")
    source = stage(executed, work, executed.parent / "artifacts", student=student)
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(source), "--path-output", str(work),
               "-W", "--keep-going", "--builder", "html"]
    result = subprocess.run(command, cwd=ROOT, text=True, capture_output=True)
    log = (result.stdout or "") + (result.stderr or "")
    (work / "build.log").write_text(log)
    if result.returncode != 0:
        sys.stderr.write(log[-6000:])
        raise RuntimeError(f"jupyter-book build failed (exit {result.returncode}); full log in {work / 'build.log'}")
    shutil.rmtree(html, ignore_errors=True)
    shutil.copytree(work / "_build" / "html", html)
    return html


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("execute", help="execute the sections with papermill")
    ex.add_argument("--mode", choices=["default", "fast"], default="default")
    ex.add_argument("--out", type=Path, default=ROOT / "_build" / "executed")
    ex.add_argument("--device", default="auto")
    ex.add_argument("sections", nargs="*", help="section ids (default: all)")
    site = sub.add_parser("site", help="stage the executed notebooks and build the HTML")
    site.add_argument("--executed", type=Path, default=ROOT / "_build" / "executed")
    site.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    site.add_argument("--student", action="store_true", help="build without solutions")
    sub.add_parser("mathjax", help="vendor MathJax for offline pages")
    args = parser.parse_args(argv)
    if args.command == "execute":
        started = time.perf_counter()
        print(f"Executing the sections in {args.mode} mode into {args.out}:", flush=True)
        execute(args.out, fast=args.mode == "fast", sections=args.sections or None, device=args.device)
        print(f"All sections executed in {time.perf_counter() - started:.1f} s.")
    elif args.command == "site":
        html = build_site(args.executed, args.html, student=args.student)
        print(f"The book is built. Open {html / 'index.html'}")
    elif args.command == "mathjax":
        print(f"MathJax ready in {vendor_mathjax()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
