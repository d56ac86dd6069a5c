"""The pipeline's execution path: a quiet kernel start, real warnings kept, the kernel's CPU time measured."""
from __future__ import annotations

import nbformat
import pytest

TCP_WARNING = "Kernel is running over TCP without encryption"


def _notebook(path, *sources):
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(notebook, path)
    return path


def _stderr_outputs(path) -> str:
    return "".join(output.get("text", "") for cell in nbformat.read(path, as_version=4).cells
                   for output in cell.get("outputs", []) if output.get("name") == "stderr")


def test_kernel_starts_without_the_tcp_warning_and_real_warnings_still_surface(tmp_path, capfd):
    """The kernel inherits this process's stderr (file descriptor 2), so capfd sees what it prints there."""
    import pipeline

    source = _notebook(
        tmp_path / "tiny.ipynb",
        "import warnings\nwarnings.warn('a real warning from a cell')",
        # The channel the TCP warning came through: the kernel application's own log, on the kernel's stderr.
        "from ipykernel.kernelapp import IPKernelApp\nIPKernelApp.instance().log.warning('a real kernel warning')",
    )
    output = tmp_path / "tiny-executed.ipynb"
    pipeline.run_notebook(source, output, parameters={}, cwd=tmp_path)
    err = capfd.readouterr().err
    assert TCP_WARNING not in err
    assert "[IPKernelApp] WARNING | a real kernel warning" in err
    assert "UserWarning: a real warning from a cell" in _stderr_outputs(output)
    assert not list(tmp_path.glob("kernel*-[0-9]*")), "no IPC socket files are left in the kernel's folder"


def test_run_notebook_measures_the_kernels_cpu_time_across_threads(tmp_path):
    """CPU time is the kernel's, all threads: two threads that each spin for a CPU second give two."""
    import pipeline

    source = _notebook(
        tmp_path / "spin.ipynb",
        "import threading, time\n"
        "def spin():\n"
        "    end = time.thread_time() + 1.0\n"
        "    while time.thread_time() < end:\n"
        "        pass\n"
        "threads = [threading.Thread(target=spin) for _ in range(2)]\n"
        "for t in threads: t.start()\n"
        "for t in threads: t.join()",
    )
    timing = pipeline.run_notebook(source, tmp_path / "spin-executed.ipynb", parameters={}, cwd=tmp_path)
    if timing["cpu_seconds"] is None:
        pytest.skip("no RUSAGE_CHILDREN on this platform")
    assert timing["cpu_seconds"] >= 2.0, timing  # both threads' CPU seconds, whatever the wall clock
    assert timing["seconds"] > 0 and timing["threads"] == pipeline.kernel_threads()
