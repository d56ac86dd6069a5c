"""Colab: every page's launch button opens a notebook the build produced, and the install cell works in a
fresh environment that, like Colab, has the scientific stack but not synthlib."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, TEST_BUILD

import synthlib

pytestmark = pytest.mark.chapters


@pytest.fixture(scope="module")
def colab_dir(executed_fast) -> Path:
    import pipeline

    out = TEST_BUILD / "colab"
    pipeline.build_colab(TEST_BUILD / "executed", out)
    return out


def test_every_launch_button_opens_a_built_notebook(built_site, colab_dir):
    import pipeline

    url, branch = pipeline.repository()
    for info in synthlib.list_chapters():
        html = (built_site / "notebooks" / f"{info.notebook}.html").read_text()
        links = set(re.findall(r'href="(https://colab\.research\.google\.com/github/[^"]+)"', html))
        assert len(links) == 1, f"{info.id}: expected one Colab button, found {links}"
        prefix = f"https://colab.research.google.com/github/{url.split('github.com/')[1]}/blob/{branch}/"
        link = links.pop()
        assert link.startswith(prefix), link
        assert (colab_dir / link[len(prefix):]).exists(), f"the button of {info.id} opens {link}, which was not built"


def test_colab_notebooks_have_the_setup_cell_and_gpu_metadata(colab_dir):
    for info in synthlib.list_chapters():
        notebook = nbformat.read(colab_dir / "notebooks" / f"{info.notebook}.ipynb", as_version=4)
        setup = notebook.cells[0]
        assert "colab-setup" in setup.metadata["tags"] and setup.metadata["cellView"] == "form"
        assert '"google.colab" in sys.modules' in setup.source and "--no-deps" in setup.source
        assert "==" not in setup.source, "the setup cell must not pin packages that Colab already has"
        for package in info.packages:
            assert f'"{package}"' in setup.source
        assert (notebook.metadata.get("accelerator") == "GPU") == (info.gpu == "helps")
        student = nbformat.read(colab_dir / "student" / "notebooks" / f"{info.notebook}.ipynb", as_version=4)
        stubs = [c for c in student.cells if "exercise-stub" in c.metadata.get("tags", [])]
        assert len(stubs) >= 2 and not any("✓ Exercise" in str(c.get("outputs", "")) for c in student.cells)


def test_setup_cell_installs_synthlib_in_a_fresh_colab_like_environment(tmp_path, executed_fast):
    """A fresh venv sees the scientific stack but not synthlib; a stand-in `google.colab` module makes the setup
    cell act; synthlib comes from this repository through a local URL; then the chapter runs in fast mode."""
    import pipeline

    section = "2.4"  # it needs a package beyond synthlib (faker), so both install steps are exercised
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    if head.returncode != 0:
        pytest.skip("needs the course as a git checkout")
    venv = tmp_path / "colab-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    fake = tmp_path / "fake-colab"
    (fake / "google" / "colab").mkdir(parents=True)
    (fake / "google" / "__init__.py").write_text("")
    (fake / "google" / "colab" / "__init__.py").write_text('"""Stand-in for Colab\'s module in this test."""\n')
    # Colab already has the scientific stack: borrow ours. `.pth` paths are not site dirs, so the editable
    # synthlib of the course's venv stays invisible there.
    # Colab's kernel has google.colab imported at start-up; the stand-in is imported the same way.
    (site / "colab_stack.pth").write_text(f"{sysconfig.get_paths()['purelib']}\n"
                                          f"import sys; sys.path.insert(0, {str(fake)!r}); import google.colab\n")
    # Run from tmp_path: in the repository's root, the current directory alone would make `import synthlib` work.
    assert subprocess.run([str(python), "-c", "import synthlib"], capture_output=True, cwd=tmp_path).returncode != 0

    info = synthlib.chapter_info(section)
    notebook = pipeline.colab_notebook(TEST_BUILD / "executed" / f"{info.notebook}.ipynb", section,
                                       f"file://{ROOT}", head.stdout.strip(), student=False)
    path = tmp_path / f"{info.notebook}.ipynb"
    nbformat.write(notebook, path)
    env = {**os.environ, "SYNTHLIB_OFFLINE": "1", "SYNTHLIB_ARTIFACTS": str(tmp_path / "artifacts"),
           "PYTHONHASHSEED": "0"}
    run = subprocess.run([str(python), "-m", "papermill", str(path), str(tmp_path / "out.ipynb"), "-p", "fast", "True",
                          "-k", "python3", "--cwd", str(tmp_path)], capture_output=True, text=True, env=env,
                         cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    installed = subprocess.run([str(python), "-c", "import synthlib; print(synthlib.__file__)"],
                               capture_output=True, text=True, check=True, cwd=tmp_path).stdout
    assert str(venv) in installed, "synthlib was installed into the fresh environment by the setup cell"
    executed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    outputs = "\n".join(str(o.get("data", {}).get("text/plain", "")) for c in executed.cells for o in c.get("outputs", []))
    assert "✓ Exercise 2.4.1" in outputs and "✗" not in outputs
