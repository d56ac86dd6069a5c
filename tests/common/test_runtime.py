import random
import sys

import numpy as np
import pytest

import synthlib
from synthlib.common.runtime import DEVICE_ENV


def test_seed_everything_reproduces_python_and_numpy():
    rng_a = synthlib.seed_everything(7)
    first = (random.random(), np.random.rand(), rng_a.random())
    rng_b = synthlib.seed_everything(7)
    assert (random.random(), np.random.rand(), rng_b.random()) == first


def test_seed_everything_seeds_torch_and_sets_deterministic_flags():
    torch = pytest.importorskip("torch")
    synthlib.seed_everything(3, torch=True)
    first = torch.rand(3)
    synthlib.seed_everything(3, torch=True)
    assert torch.equal(first, torch.rand(3))
    assert torch.are_deterministic_algorithms_enabled()
    assert torch.backends.cudnn.deterministic and not torch.backends.cudnn.benchmark


@pytest.mark.parametrize("bad", [-1, 1.5, "0", True])
def test_seed_everything_rejects_bad_seeds(bad):
    with pytest.raises((TypeError, ValueError), match="seed"):
        synthlib.seed_everything(bad)


def test_select_device_cpu_and_auto(monkeypatch):
    monkeypatch.delenv(DEVICE_ENV, raising=False)
    assert synthlib.select_device("cpu") == "cpu"
    assert synthlib.select_device("auto") in {"cpu", "cuda"}


def test_select_device_environment_override(monkeypatch):
    monkeypatch.setenv(DEVICE_ENV, "cpu")
    assert synthlib.select_device("auto") == "cpu"
    monkeypatch.setenv(DEVICE_ENV, "tpu")
    with pytest.raises(ValueError, match=DEVICE_ENV):
        synthlib.select_device("auto")


def test_select_device_rejects_unknown_and_missing_cuda(monkeypatch):
    monkeypatch.delenv(DEVICE_ENV, raising=False)
    with pytest.raises(ValueError, match="device must be one of"):
        synthlib.select_device("gpu")
    monkeypatch.setattr("synthlib.common.runtime._cuda_available", lambda: False)
    with pytest.raises(RuntimeError, match="no CUDA GPU"):
        synthlib.select_device("cuda")
    assert synthlib.select_device("auto") == "cpu"


def test_import_is_light():
    import subprocess

    code = "import sys, synthlib; print(sorted(m for m in ('torch', 'sdv', 'sklearn', 'faker') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_timer_measures_elapsed_time():
    with synthlib.Timer() as timer:
        sum(range(1000))
    assert 0 <= timer.seconds < 5


def test_measure_resources_sees_a_large_allocation_and_the_time():
    import time as _time

    import numpy as _np

    from synthlib.common.runtime import measure_resources

    with measure_resources() as usage:
        block = _np.ones(200 * 2**20 // 8)  # 200 MB, touched
        _time.sleep(0.05)
        del block
    assert 150 < usage.peak_mb < 400 and usage.seconds >= 0.05
    with measure_resources() as idle:
        _time.sleep(0.02)
    assert idle.peak_mb < 50
    with pytest.raises(ValueError, match="interval_s"):
        measure_resources(0)
