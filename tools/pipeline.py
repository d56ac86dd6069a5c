"""The book's one execution and its products: executed notebooks, the staged book source, the HTML.

    python tools/pipeline.py execute --mode default --out _build/executed   # papermill, once per section
    python tools/pipeline.py site --executed _build/executed --html _build/html   # stage + jupyter-book -W

The executed notebooks feed the book (which never re-executes), nbval and the Colab notebooks.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from importlib import metadata as importlib_metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from npm_vendor import vendor_npm  # noqa: E402
from synthlib.book.assign import replace_solutions  # noqa: E402
from synthlib.book.chapters import chapter_info, list_chapters  # noqa: E402

MATHJAX = ("mathjax", "3.2.2", "1b9c0a1c44df864e915690558e72adb9cc5203360daefd385084ced3b6c64c09")
VENDOR = ROOT / "_build" / "vendor"
REPORTED_LIBRARIES = ["numpy", "scipy", "pandas", "matplotlib", "scikit-learn", "Faker", "torch", "torchvision",
                      "sdv", "sdmetrics", "copulas", "opacus", "nltk", "papermill", "jupyter-book"]


def notebook_path(section: str) -> Path:
    return ROOT / "notebooks" / f"{chapter_info(section).notebook}.md"


def kernel_threads() -> int:
    """How many threads the kernel can run at once: the CPUs this process, and so the kernel it starts, may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def _children_cpu_seconds() -> float | None:
    """User + system CPU seconds of this process's finished, waited-for children (the kernels), all threads."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_notebook(input_path: Path, output_path: Path, *, parameters: dict, cwd: Path) -> dict:
    """Execute one notebook with papermill in a fresh kernel; returns its wall and kernel CPU seconds.

    The kernel talks to papermill over IPC (Unix sockets in a private temporary folder) rather than TCP on
    localhost: nothing listens on a port, and ipykernel has no reason to warn that the kernel "is running over TCP
    without encryption" (it did so once per section). Its other warnings still reach stderr.

    The kernel is a child process that papermill waits for when it shuts it down, so the growth of
    RUSAGE_CHILDREN around the call is the kernel's CPU time, all its threads included (torch, BLAS).
    """
    import papermill
    from traitlets.config import Config

    with tempfile.TemporaryDirectory(prefix="kernel-") as sockets:
        config = Config()
        if os.name == "posix":  # ZeroMQ's ipc:// transport needs Unix sockets
            config.KernelManager.transport = "ipc"
            config.KernelManager.ip = str(Path(sockets) / "kernel")  # absolute: the kernel runs in cwd
        cpu_before = _children_cpu_seconds()
        started = time.perf_counter()
        papermill.execute_notebook(
            str(input_path), str(output_path), parameters=parameters, kernel_name="python3", cwd=str(cwd),
            progress_bar=False, log_output=False, config=config,
        )
        seconds = time.perf_counter() - started
        cpu_after = _children_cpu_seconds()
    cpu_seconds = None if cpu_before is None else cpu_after - cpu_before
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None  # how busy the machine was, for the reports
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "threads": kernel_threads(), "load": load}


def execute_section(section: str, out_dir: Path, *, fast: bool, device: str = "auto", seed: int = 0,
                    artifacts: Path | None = None) -> dict:
    """Execute one section's jupytext source with papermill; returns its timing record."""
    import jupytext

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
    # No progress bars in the stored outputs (the book, nbval's reference, the Colab notebooks): a reader running
    # the notebook sees them live, a page would show their frozen text. tqdm reads TQDM_* as its defaults.
    os.environ["TQDM_DISABLE"] = "1"
    with tempfile.TemporaryDirectory() as tmp:
        staged_input = Path(tmp) / f"{info.notebook}.ipynb"
        jupytext.write(source, staged_input)
        try:
            timing = run_notebook(staged_input, output, parameters={"fast": fast, "device": device, "seed": seed},
                                  cwd=ROOT / "notebooks")
        finally:
            os.environ.clear()
            os.environ.update(env_backup)
    _tidy_executed(output, fast=fast, timing=timing, device=device)
    return {"section": section, "fast": fast, **timing}


def _tidy_executed(path: Path, *, fast: bool, timing: dict, device: str) -> None:
    """Hide papermill's injected-parameters cell in the book and record the mode and machine."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            cell.metadata["tags"] = tags + ["remove-cell"]
    notebook.metadata["synthlib"] = {
        "mode": "fast" if fast else "default",
        "device": device,
        "seconds": round(timing["seconds"], 2),  # wall clock, kernel start included
        "cpu_seconds": None if timing["cpu_seconds"] is None else round(timing["cpu_seconds"], 2),  # the kernel's
        "threads": timing["threads"],  # how many CPUs the kernel could use at once
        "load": None if timing["load"] is None else round(timing["load"], 2),  # 1-minute load average at the end
        "executed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine_description(),
    }
    nbformat.write(notebook, path)


def machine_description() -> str:
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU cores, Python {platform.python_version()}"


# Budgets (synthlib/book/chapters.toml) are wall-clock seconds on an idle 2-core machine. Other jobs on a shared machine
# stretch a section's wall clock (about 2x is usual on these machines; far more was measured at a load average of 12)
# without changing its work, so a real regression is what load cannot explain: more kernel CPU time than the budget
# allows even with every CPU working for the section, or a wall clock beyond WALL_CEILING times the budget, the
# ceiling itself stretched by the load average where more tasks wanted to run than there are CPUs (a section that
# waits, a download that times out, shows there). A wall clock merely over the budget is reported, not failed.
WALL_CEILING = 3


def budget_check(budget: float, seconds: float, cpu_seconds: float | None, threads: int,
                 load: float | None = None) -> dict:
    """A run against its budget: status "within", "wall over" (reported only) or "OVER" (a regression: fails)."""
    cpu_limit = budget * threads
    if cpu_seconds is not None and cpu_seconds > cpu_limit:
        return {"status": "OVER", "fails": True,
                "reason": f"{cpu_seconds:.1f} s of kernel CPU time exceed the budget {budget:g} s × {threads} CPUs "
                          f"= {cpu_limit:g} s: too slow even on an idle machine"}
    contention = max(1.0, (load or 0.0) / threads)
    wall_limit = WALL_CEILING * budget * contention
    if seconds > wall_limit:
        stretch = f" × {contention:.1f} (load average {load:.1f} on {threads} CPUs)" if contention > 1 else ""
        return {"status": "OVER", "fails": True,
                "reason": f"{seconds:.1f} s of wall clock exceed {WALL_CEILING} × the budget {budget:g} s{stretch} "
                          f"= {wall_limit:.0f} s, more than a busy machine explains"}
    if seconds > budget:
        return {"status": "wall over", "fails": False,
                "reason": f"only the wall clock is over the budget {budget:g} s (kernel CPU time "
                          f"{'unknown' if cpu_seconds is None else f'{cpu_seconds:.1f} s'}, within {cpu_limit:g} s"
                          + (f"; load average {load:.1f} on {threads} CPUs" if load is not None else "")
                          + "): a busy machine, reported, not a failure"}
    return {"status": "within", "fails": False, "reason": f"within the budget {budget:g} s"}


def timing_text(seconds: float, cpu_seconds: float | None) -> str:
    return f"{seconds:.1f} s wall, " + ("CPU not measured" if cpu_seconds is None else f"{cpu_seconds:.1f} s CPU")


def execute(out_dir: Path, *, fast: bool, sections: list[str] | None = None, device: str = "auto") -> list[dict]:
    records = []
    for info in list_chapters():
        if sections and info.id not in sections:
            continue
        record = execute_section(info.id, out_dir, fast=fast, device=device)
        check = budget_check(info.budget(fast), record["seconds"], record["cpu_seconds"], record["threads"],
                             record["load"])
        print(f"  {info.id:>4} {info.title:<34} {timing_text(record['seconds'], record['cpu_seconds']):<26} "
              f"({check['status'] + ': ' if check['status'] != 'within' else ''}{check['reason']})", flush=True)
        records.append(record)
    return records


# ---------------------------------------------------------------------------------------------------------------
# The site: stage the book's source from the executed notebooks, then build it with execution off and -W.


def vendor_mathjax() -> Path:
    """MathJax from the npm registry, so that formulas render without a CDN (offline classrooms, tests)."""
    target = VENDOR / "mathjax"
    if (target / "tex-mml-chtml.js").exists():
        return target
    return vendor_npm(*MATHJAX, target, folder="package/es5")


def _library_versions() -> list[tuple[str, str]]:
    versions = []
    for name in REPORTED_LIBRARIES:
        try:
            versions.append((name, importlib_metadata.version(name)))
        except importlib_metadata.PackageNotFoundError:
            continue
    return versions


def run_records(executed: Path) -> list[dict]:
    """What the executed notebooks recorded, section by section, beside each section's metadata."""
    import nbformat

    gpu_runs_file = ROOT / "book" / "gpu-runs.json"
    gpu_runs = json.loads(gpu_runs_file.read_text()) if gpu_runs_file.exists() else {}
    records = []
    for info in list_chapters():
        path = executed / f"{info.notebook}.ipynb"
        if not path.exists():
            continue
        meta = nbformat.read(path, as_version=4).metadata.get("synthlib", {})
        gpu = gpu_runs.get(info.id)
        records.append({
            "info": info, "meta": meta, "mode": meta.get("mode", "?"),
            "seconds": meta.get("seconds", float("nan")), "cpu_seconds": meta.get("cpu_seconds"),
            "budget": info.budget(meta.get("mode") == "fast"),
            "check": budget_check(info.budget(meta.get("mode") == "fast"), meta.get("seconds", float("nan")),
                                  meta.get("cpu_seconds"), meta.get("threads", 1), meta.get("load")),
            "gpu": (f"{gpu['seconds']:.1f} s ({gpu['device']}, {gpu['date']})" if gpu else
                    "not needed" if info.gpu == "no" else "not measured yet"),
            "data": ", ".join(_data_variant(path, name) for name in info.datasets) or "generated in the chapter",
            "gpu_runs": bool(gpu_runs),
        })
    return records


def statistics_page(executed: Path) -> str:
    """The execution-statistics page: measured runtimes against the budgets of chapters.toml."""
    records = run_records(executed)
    rows = [
        f"| [{r['info'].id} {r['info'].title}](../notebooks/{r['info'].notebook}.ipynb) | {r['seconds']:.1f} s | "
        f"{_cpu_cell(r['cpu_seconds'])} | {r['budget']:g} s ({_STATUS_CELL[r['check']['status']]}) | {r['gpu']} | "
        f"{r['data']} |" for r in records]
    executed_at = sorted(r["meta"]["executed_at"].replace("T", " ")[:16] for r in records if "executed_at" in r["meta"])
    mode = ", ".join(sorted({r["mode"] for r in records})) or "none"
    machine = next((r["meta"]["machine"] for r in records if "machine" in r["meta"]), "unknown")
    versions = ", ".join(f"{name} {version}" for name, version in _library_versions())
    gpu_runs = any(r["gpu_runs"] for r in records)
    return "\n".join([
        "(execution-statistics)=",
        "# Execution statistics",
        "",
        "Every page of this book was executed once, by papermill, before the site was built; the figures in the",
        "text are the outputs of that run. This page lists what that run measured, against each section's budget",
        "from its metadata block (`synthlib/book/chapters.toml`). The budget is wall-clock time; the kernel's CPU time",
        "beside it is the work itself, which a busy machine does not inflate. A wall clock over the budget with the",
        "CPU time within it means the machine was busy; the tests fail a section only when its CPU time exceeds",
        f"the budget times the CPUs it could use, or its wall clock exceeds {WALL_CEILING} times the budget (more on",
        "a machine whose load average exceeded its CPUs).",
        "",
        f"- **Mode of this build:** {mode} (`fast` is the reduced mode the tests use).",
        f"- **Machine:** {machine}.",
        "- **Executed (UTC):** " + (f"{executed_at[0]} to {executed_at[-1]}." if executed_at else "unknown."),
        f"- **Libraries:** {versions}.",
        "- **GPU runs:** " + ("recorded in `book/gpu-runs.json`." if gpu_runs else
                              "no GPU run has been made yet; the GPU column says so."),
        "",
        "| Section | Wall clock | Kernel CPU time | Budget | GPU runtime | Data |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
    ])


_STATUS_CELL = {"within": "within", "wall over": "wall clock over, CPU within", "OVER": "**over**"}


def _cpu_cell(cpu_seconds: float | None) -> str:
    return "not measured" if cpu_seconds is None else f"{cpu_seconds:.1f} s"


def runtime_table(executed: Path) -> str:
    """The instructor guide's table: each section's budgets and the runtime measured when this book was built."""
    rows = [f"| {r['info'].id} {r['info'].title} | {r['info'].budget_fast_s:g} s | {r['info'].budget_default_s:g} s | "
            f"{timing_text(r['seconds'], r['cpu_seconds'])} ({r['mode']} mode) | {r['gpu']} |"
            for r in run_records(executed)]
    return "\n".join(["| Section | Budget, fast mode | Budget, default mode | Measured in this build | GPU |",
                      "|---|---|---|---|---|", *rows, ""])


def _data_variant(executed_notebook: Path, dataset: str) -> str:
    """Which variant of a dataset a run used, as the section's card found it (glued as `dataset_variant_<name>`)."""
    import nbformat

    for cell in nbformat.read(executed_notebook, as_version=4).cells:
        for output in cell.get("outputs", []):
            if output.get("metadata", {}).get("scrapbook", {}).get("name") == f"dataset_variant_{dataset}":
                return f"{dataset} ({next(v for k, v in output['data'].items() if k.endswith('text/markdown'))})"
    return f"{dataset} (not loaded in this run)"


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
            replace_solutions(notebook, stubs=False)
            nbformat.write(notebook, target)
        else:
            shutil.copy(executed_notebook, target)
    artifacts = artifacts or executed.parent / "artifacts"
    if artifacts.exists():
        shutil.copytree(artifacts, source / "artifacts")
    shutil.copytree(vendor_mathjax(), source / "book" / "_static" / "mathjax")
    (source / "book" / "execution-statistics.md").write_text(statistics_page(executed))
    (source / "book" / "runtime-table.md").write_text(runtime_table(executed))  # included by the instructor guide
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


# ---------------------------------------------------------------------------------------------------------------
# Colab notebooks: the executed notebooks with a first cell that installs synthlib in Colab, and student versions.

COLAB_TAG = "colab-setup"


def repository() -> tuple[str, str]:
    """The course's repository URL and the branch its Colab notebooks are published on (both from _config.yml)."""
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    return config["url"].rstrip("/"), config["branch"]


def source_ref() -> str:
    """The commit the book is built from (the synthlib version Colab installs); the package version without git."""
    result = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    if result.returncode == 0:
        return result.stdout.strip()
    from synthlib import __version__

    return f"v{__version__}"


def colab_setup_source(section: str, repo_url: str, ref: str) -> str:
    """The first cell of a Colab notebook, generated from the section's metadata.

    synthlib is installed with --no-deps: everything it needs is already in Colab, and pinning Colab's own
    packages (numpy, pandas, torch) would break its runtime. Only what Colab lacks (the `packages` of the
    metadata block) is added, unpinned.
    """
    info = chapter_info(section)
    lines = [
        "# @title Set up this notebook (runs only in Google Colab) { display-mode: \"form\" }",
        f"# Installs synthlib at the version of the book ({ref[:12]}) and what Colab lacks for section {section}.",
        "import subprocess, sys",
        "if \"google.colab\" in sys.modules:",
        "    pip = [sys.executable, \"-m\", \"pip\", \"install\", \"--quiet\"]",
        f"    subprocess.run(pip + [\"--no-deps\", \"git+{repo_url}@{ref}\"], check=True)",
    ]
    if info.packages:
        lines.append(f"    subprocess.run(pip + {json.dumps(list(info.packages))}, check=True)")
    return "\n".join(lines)


def colab_notebook(executed_notebook: Path, section: str, repo_url: str, ref: str, *, student: bool):
    """A Colab notebook from an executed one: setup cell first, GPU runtime where the section benefits from it."""
    import nbformat

    from synthlib.book.assign import replace_solutions

    notebook = nbformat.read(executed_notebook, as_version=4)
    if student:
        replace_solutions(notebook, stubs=True)
    setup = nbformat.v4.new_code_cell(colab_setup_source(section, repo_url, ref))
    setup.metadata.update({"tags": [COLAB_TAG, "remove-cell"], "cellView": "form", "jupyter": {"source_hidden": True}})
    notebook.cells.insert(0, setup)
    notebook.metadata["colab"] = {"provenance": [], "name": executed_notebook.name}
    if chapter_info(section).gpu == "helps":
        notebook.metadata["accelerator"] = "GPU"
        notebook.metadata["colab"]["gpuType"] = "T4"
    return notebook


def build_colab(executed: Path, out: Path, repo_url: str | None = None, ref: str | None = None,
                sections: list[str] | None = None) -> list[Path]:
    """Write the Colab notebooks (``<out>/notebooks``) and their student versions (``<out>/student/notebooks``)."""
    import nbformat

    repo_url = repo_url or repository()[0]
    ref = ref or source_ref()
    written = []
    for info in list_chapters():
        if sections and info.id not in sections:
            continue
        for student, folder in ((False, out / "notebooks"), (True, out / "student" / "notebooks")):
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{info.notebook}.ipynb"
            nbformat.write(colab_notebook(executed / path.name, info.id, repo_url, ref, student=student), path)
            written.append(path)
    return written


def record_gpu_runs(executed: Path) -> Path:
    """Write book/gpu-runs.json from a GPU run: each GPU section's time, the GPU's name and the date."""
    import nbformat
    import torch

    if not torch.cuda.is_available():
        raise RuntimeError("gpu-record needs the GPU the book was just executed on")
    runs = {}
    for info in list_chapters():
        meta = nbformat.read(executed / f"{info.notebook}.ipynb", as_version=4).metadata.get("synthlib", {})
        if info.gpu == "helps" and meta.get("device") == "cuda" and meta.get("mode") == "default":
            runs[info.id] = {"seconds": meta["seconds"], "device": torch.cuda.get_device_name(),
                             "date": meta["executed_at"][:10]}
    path = ROOT / "book" / "gpu-runs.json"
    path.write_text(json.dumps(runs, indent=2) + "\n")
    return path


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
    gpu = sub.add_parser("gpu-record", help="record the GPU sections' timings into book/gpu-runs.json")
    gpu.add_argument("--executed", type=Path, default=ROOT / "_build" / "executed")
    linkcheck = sub.add_parser("linkcheck", help="check the external links of the staged book (Sphinx linkcheck)")
    linkcheck.add_argument("--executed", type=Path, default=ROOT / "_build" / "executed")
    colab = sub.add_parser("colab", help="write the Colab notebooks (and student versions) from the executed ones")
    colab.add_argument("--executed", type=Path, default=ROOT / "_build" / "executed")
    colab.add_argument("--out", type=Path, default=ROOT / "_build" / "colab")
    colab.add_argument("--repo-url", help="override the repository URL of _config.yml (tests use a local one)")
    colab.add_argument("--ref", help="the git ref to install synthlib from (default: the current commit)")
    colab.add_argument("sections", nargs="*", help="section ids (default: all)")
    args = parser.parse_args(argv)
    if args.command == "execute":
        started = time.perf_counter()
        print(f"Executing the sections in {args.mode} mode into {args.out}:", flush=True)
        execute(args.out, fast=args.mode == "fast", sections=args.sections or None, device=args.device)
        print(f"All sections executed in {time.perf_counter() - started:.1f} s.")
    elif args.command == "site":
        html = build_site(args.executed, args.html, student=args.student)
        print(f"The book is built. Open {html / 'index.html'}")
    elif args.command == "gpu-record":
        print(f"GPU timings written to {record_gpu_runs(args.executed)}")
    elif args.command == "linkcheck":
        work = ROOT / "_build" / "linkcheck-src"
        stage(args.executed, work)
        command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(work), "--path-output", str(work),
                   "--builder", "linkcheck"]
        return subprocess.run(command, cwd=ROOT).returncode
    elif args.command == "colab":
        written = build_colab(args.executed, args.out, args.repo_url, args.ref, args.sections or None)
        print(f"{len(written)} Colab notebooks in {args.out}")
    elif args.command == "mathjax":
        print(f"MathJax ready in {vendor_mathjax()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
