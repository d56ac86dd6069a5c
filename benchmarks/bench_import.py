"""Benchmark: how long `import synthlib` takes in a fresh interpreter, and which heavy libraries it pulls in.

Each repeat starts a new `python -c "import synthlib"` (nothing cached in the process, the files in the OS cache
after the first run). Prints the best and the median over the repeats of the whole subprocess, of a bare
`python -c pass` for comparison, and of the import alone as measured inside the child; then which of the heavy
libraries (torch, sdv, opacus, nltk, transformers, sklearn) and of the scientific stack the import left in
`sys.modules`. The times are reported, not asserted; the one assertion is synthlib's promise that torch, sdv, opacus
and nltk are imported only by the functions that need them. Run it with `make benchmarks` or
`python benchmarks/bench_import.py`.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 7
HEAVY = ["torch", "sdv", "opacus", "nltk", "transformers", "sklearn"]
NEVER_AT_IMPORT = ["torch", "sdv", "opacus", "nltk"]  # synthlib/__init__.py: imported inside the functions
STACK = ["numpy", "scipy", "pandas", "matplotlib", "PIL", "faker", "tqdm"]  # lighter, shown for the record

CHILD = (
    "import json, sys, time\n"
    "started = time.perf_counter()\n"
    "import synthlib\n"
    "seconds = time.perf_counter() - started\n"
    f"heavy = [name for name in {HEAVY!r} if name in sys.modules]\n"
    f"stack = [name for name in {STACK!r} if name in sys.modules]\n"
    "print(json.dumps({'seconds': seconds, 'heavy': heavy, 'stack': stack, 'file': synthlib.__file__,\n"
    "                  'modules': len(sys.modules)}))\n"
)


def _environment() -> dict:
    """This checkout's synthlib first on the path (not another editable install), and no user site packages."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env["PYTHONNOUSERSITE"] = "1"
    return env


def run_child(code: str) -> tuple[float, str]:
    """Wall seconds of one fresh `python -c code` and what it printed."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_environment(), capture_output=True,
                            text=True, check=True)
    return time.perf_counter() - started, result.stdout


def main() -> None:
    run_child(CHILD)  # warm the OS's file cache: the first import after an install reads every file from disk
    bare, whole, inside, heavy, report = [], [], [], set(), {}
    for _ in range(REPEATS):
        bare.append(run_child("pass")[0])
        seconds, output = run_child(CHILD)
        report = json.loads(output.strip().splitlines()[-1])
        whole.append(seconds)
        inside.append(report["seconds"])
        heavy.update(report["heavy"])
    print(f"import synthlib in a fresh interpreter: {REPEATS} repeats, {os.cpu_count()} CPU cores, "
          f"Python {sys.version.split()[0]}")
    print(f"  synthlib from {Path(report['file']).parent}, {report['modules']} modules in sys.modules afterwards")
    for name, times in (("python -c 'import synthlib' (whole process)", whole),
                        ("python -c pass (interpreter start alone)", bare),
                        ("import synthlib alone (timed in the child)", inside)):
        print(f"  {name:<46} best {min(times) * 1000:7.1f} ms   median {statistics.median(times) * 1000:7.1f} ms")
    print("  heavy libraries imported: " + (", ".join(sorted(heavy)) or "none")
          + f"  (of {', '.join(HEAVY)})")
    print("  other libraries imported: " + (", ".join(report["stack"]) or "none") + f"  (of {', '.join(STACK)})")
    eager = sorted(heavy & set(NEVER_AT_IMPORT))
    assert not eager, f"import synthlib imported {', '.join(eager)}: they belong inside the functions that use them"


if __name__ == "__main__":
    main()
