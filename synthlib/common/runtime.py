"""Seeds, devices and timing: what every chapter does before its first idea.

Taught in the preface ("How each chapter runs"); used by every section.
"""
from __future__ import annotations

import os
import random
import sys
import time
from dataclasses import dataclass, field

import numpy as np

#: Environment variable that overrides a chapter's ``device`` parameter (e.g. CI on a GPU runner).
DEVICE_ENV = "SYNTHLIB_DEVICE"
_DEVICES = ("auto", "cpu", "cuda")


def seed_everything(seed: int, *, deterministic: bool = True, torch: bool | None = None) -> np.random.Generator:
    """Seed Python, NumPy and PyTorch, and return a fresh NumPy generator.

    PyTorch is seeded when ``torch=True``, or (the default, ``None``) when the chapter has already
    imported it, so that seeding never makes a torch-free chapter pay for importing torch.
    With ``deterministic=True`` PyTorch is also asked for deterministic kernels, so that
    re-executing a chapter reproduces its outputs. Taught in the preface; every chapter calls it
    through :func:`synthlib.start_chapter`.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an integer, got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be non-negative, got {seed}")
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    os.environ["PYTHONHASHSEED"] = str(seed)
    if torch is None:
        torch = "torch" in sys.modules
    if torch:
        import torch as _torch

        _torch.manual_seed(seed)  # seeds CUDA too
        if deterministic:
            # cuBLAS needs this workspace setting before deterministic matmuls are possible on GPU.
            os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
            _torch.use_deterministic_algorithms(True, warn_only=True)
            _torch.backends.cudnn.deterministic = True
            _torch.backends.cudnn.benchmark = False
    return np.random.default_rng(seed)


def _cuda_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


def select_device(device: str = "auto") -> str:
    """Resolve a chapter's ``device`` parameter to ``"cpu"`` or ``"cuda"``.

    ``SYNTHLIB_DEVICE`` in the environment overrides the parameter. ``"auto"`` picks CUDA when a
    GPU is present. Asking for ``"cuda"`` where there is none is an error, not a silent fallback.
    Taught in the preface; used by chapters 4 and 7.
    """
    requested = os.environ.get(DEVICE_ENV) or device
    if requested not in _DEVICES:
        source = f"${DEVICE_ENV}" if os.environ.get(DEVICE_ENV) else "device"
        raise ValueError(f"{source} must be one of {', '.join(_DEVICES)}; got {requested!r}")
    if requested == "cpu":
        return "cpu"
    has_gpu = _cuda_available()
    if requested == "cuda" and not has_gpu:
        raise RuntimeError("device='cuda' was requested but no CUDA GPU is available (is torch installed with CUDA?)")
    return "cuda" if has_gpu else "cpu"


@dataclass
class Timer:
    """A wall-clock stopwatch: ``with Timer() as t: ...`` then ``t.seconds``."""

    start: float = field(default_factory=time.perf_counter)
    stop: float | None = None

    def __enter__(self) -> "Timer":
        self.start = time.perf_counter()
        self.stop = None
        return self

    def __exit__(self, *exc) -> None:
        self.stop = time.perf_counter()

    @property
    def seconds(self) -> float:
        end = self.stop if self.stop is not None else time.perf_counter()
        return end - self.start


def _resident_bytes() -> float:
    """The process's resident memory now (Linux: /proc/self/statm; elsewhere psutil when installed; else NaN)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        try:
            import psutil

            return float(psutil.Process().memory_info().rss)
        except ImportError:
            return float("nan")


@dataclass
class ResourceUsage:
    """What :func:`measure_resources` measured: wall-clock ``seconds`` and ``peak_mb``, the peak resident memory of
    the process during the block minus its resident memory when the block began (sampled every ``interval_s``)."""

    seconds: float = float("nan")
    peak_mb: float = float("nan")


class measure_resources:
    """``with measure_resources() as usage: ...`` then ``usage.seconds``, ``usage.peak_mb``. A background thread
    samples the process's resident memory (after a garbage collection and, with glibc, ``malloc_trim``, which hand
    freed memory back to the system); memory the block reuses from allocations that stayed resident is not counted,
    and allocations shorter than the interval may be missed, so ``peak_mb`` is a lower bound."""

    def __init__(self, interval_s: float = 0.01):
        from .arguments import check_positive

        self.interval_s = check_positive(interval_s, "interval_s")
        self.usage = ResourceUsage()

    def __enter__(self) -> ResourceUsage:
        import ctypes
        import gc
        import threading

        gc.collect()
        try:  # glibc: hand freed heap pages back to the system, so that the block's allocations show in RSS
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):
            pass
        self._start_bytes = self._peak_bytes = _resident_bytes()
        self._stop = threading.Event()

        def sample():
            while not self._stop.wait(self.interval_s):
                self._peak_bytes = max(self._peak_bytes, _resident_bytes())

        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()
        self._start = time.perf_counter()
        return self.usage

    def __exit__(self, *exc) -> None:
        self.usage.seconds = time.perf_counter() - self._start
        self._stop.set()
        self._thread.join()
        self._peak_bytes = max(self._peak_bytes, _resident_bytes())
        self.usage.peak_mb = (self._peak_bytes - self._start_bytes) / 2**20
