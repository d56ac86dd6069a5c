"""Chapter plumbing: the metadata block of every section, its start and finish, glue and artifacts.

``chapters.toml`` beside this file is the single source of truth for each section's budgets, GPU use,
datasets and licences: the chapter shows it, the tests enforce it, and the execution-statistics page
reports the measured times against it. Taught in the preface ("How each chapter runs").
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from ..common.runtime import Timer, seed_everything, select_device
from ..common.arguments import check_count, check_seed

METADATA = Path(__file__).with_name("chapters.toml")
ARTIFACTS_ENV = "SYNTHLIB_ARTIFACTS"
GLUE_PREFIX = "application/papermill.record/"  # the MIME prefix myst-nb's `glue` reads


@dataclass(frozen=True)
class ChapterInfo:
    """One section's metadata block (see ``chapters.toml``)."""

    id: str
    title: str
    notebook: str
    budget_fast_s: float
    budget_default_s: float
    gpu: str  # "no": CPU only; "helps": faster or better on a GPU; "device" picks
    datasets: tuple[str, ...] = ()
    libraries: tuple[str, ...] = ()
    packages: tuple[str, ...] = ()  # what a fresh environment (Colab) must install beyond its own

    def budget(self, fast: bool) -> float:
        return self.budget_fast_s if fast else self.budget_default_s

    def licences(self) -> dict[str, str]:
        """Licence of every dataset and library the section uses, by name."""
        from .datasets import get_dataset

        known = _metadata()["licences"]
        result = {}
        for name in self.datasets:
            dataset = get_dataset(name)
            result[f"{dataset.title} (data)"] = dataset.licence
        for name in self.libraries:
            if name not in known:
                raise KeyError(f"chapters.toml has no licence for library {name!r}; add it under [licences]")
            result[name] = known[name]
        return result


@cache
def _metadata() -> dict:
    with open(METADATA, "rb") as handle:
        return tomllib.load(handle)


def list_chapters() -> list[ChapterInfo]:
    """Every section of the course with its metadata, in book order."""
    return [chapter_info(section) for section in _metadata()["chapters"]]


def chapter_info(section: str) -> ChapterInfo:
    """The metadata block of ``section`` (e.g. ``"2.2"``)."""
    chapters = _metadata()["chapters"]
    if section not in chapters:
        raise KeyError(f"unknown section {section!r}; sections with metadata: {', '.join(chapters)}")
    entry = chapters[section]
    return ChapterInfo(id=section, **{k: tuple(v) if isinstance(v, list) else v for k, v in entry.items()})


def glue(name: str, value: Any, display: bool = False) -> None:
    """Store ``value`` under ``name`` for the page's prose (MyST ``{glue:text}`name```).

    The same format as myst-nb's ``glue``, so the book reads it, without needing myst-nb in Colab.
    NumPy scalars are stored as plain Python numbers, so that the prose shows ``0.95``, not ``np.float64(0.95)``.
    A string is stored as its repr for ``{glue:text}`` (myst-nb reads text/plain back with ``ast.literal_eval``, so
    unquoted text such as ``"1,133"`` or ``"0.49, 0.51"`` would come back as a tuple, "(1, 133)") and as itself for
    ``{glue:md}``.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty string, got {name!r}")
    from IPython import get_ipython
    from IPython.display import display as ipy_display

    if get_ipython() is None:  # a plain Python script: there is no notebook to store the value in
        return
    bundle, metadata = _glue_bundle(value)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    ipy_display({prefix + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)


def _glue_bundle(value: Any) -> tuple[dict, dict]:
    """The MIME bundle :func:`glue` stores: a string's repr as text/plain (what ``{glue:text}`` evaluates back)
    and the string itself as text/markdown; NumPy scalars as Python numbers; anything else as IPython shows it."""
    from IPython.core.formatters import format_display_data

    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str):
        return {"text/plain": repr(value), "text/markdown": value}, {}
    return format_display_data(value)


def show_source(*objects) -> None:
    """Show the source code of synthlib functions or classes in the page, so that library code stays readable.

    A chapter that needs a model in synthlib (where the tests can reach it) still shows it to the reader.
    """
    import inspect

    from IPython.display import Markdown, display

    blocks = []
    for obj in objects:
        try:
            blocks.append(inspect.getsource(obj).rstrip())
        except (TypeError, OSError) as error:
            raise TypeError(f"cannot show the source of {obj!r}: {error}") from None
    display(Markdown("```python\n" + "\n\n\n".join(blocks) + "\n```"))


def artifacts_dir(section: str) -> Path:
    """Where a section saves what it generates: ``$SYNTHLIB_ARTIFACTS/<section>`` (default ``artifacts/``).

    ``section`` is one folder name such as ``"2.4"``: a path that would leave the artifacts folder (``"../x"``,
    ``"/tmp/x"``, ``"a/b"``) is refused.
    """
    folder = Path(os.environ.get(ARTIFACTS_ENV, "artifacts")) / _artifact_name(section, "section")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


_ARTIFACT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _artifact_name(value, name: str) -> str:
    """``value`` as one file or folder name inside the artifacts folder; anything that could escape it is refused."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string such as '2.4', got {value!r}")
    if not _ARTIFACT_NAME.fullmatch(value) or ".." in value:
        raise ValueError(f"{name} {value!r} must be one name inside the artifacts folder (letters, digits, '.', '_' "
                         "and '-', not starting with '.', no '..', '/' or absolute path)")
    return value


def save_table(frame, section: str, name: str) -> Path:
    """Save a table as ``<artifacts>/<section>/<name>.csv`` for readers to download; returns the path."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame) or frame.empty:
        raise ValueError(f"save_table needs a non-empty DataFrame for {name!r}")
    if not isinstance(name, str) or not name.replace("_", "").replace("-", "").isalnum():
        raise ValueError(f"artifact name {name!r} may use letters, digits, '_' and '-' only")
    path = artifacts_dir(section) / f"{name}.csv"
    frame.to_csv(path, index=False)
    return path


def load_tables(section: str) -> dict:
    """The tables a section saved with ``save_table`` in this run, ``{name: DataFrame}`` by name; ``{}`` if none."""
    import pandas as pd

    paths = sorted(artifacts_dir(section).glob("*.csv"))
    if not paths and section not in _metadata()["chapters"]:  # a typo would otherwise read as "nothing saved"
        raise KeyError(f"unknown section {section!r}, and no tables were saved under it; sections: "
                       f"{', '.join(_metadata()['chapters'])}")
    return {path.stem: pd.read_csv(path) for path in paths}


def save_samples(images, section: str, minimum: int = 2_000, *, labels=None) -> Path:
    """Save generated images as ``<artifacts>/<section>/samples.npy``: float32, N×H×W, values in [0, 1].

    A conditional generator also passes ``labels``, the class asked for of each image (N integers, the same number
    of each class); they go to ``samples_labels.npy`` beside it. Without labels, a stale labels file is removed.
    """
    minimum = check_count(minimum, "minimum", minimum=1)
    try:
        array = np.asarray(images, dtype=np.float32)
    except (TypeError, ValueError) as error:
        raise TypeError(f"images must be numbers in [0, 1]; {error}") from None
    if array.ndim != 3:
        raise ValueError(f"images must have shape N×H×W; got {array.shape}")
    if len(array) < minimum:
        raise ValueError(f"need at least minimum = {minimum} images, got {len(array)}")
    if np.isnan(array).any() or array.min() < 0 or array.max() > 1:
        raise ValueError("images must lie in [0, 1] (and not be NaN)")
    labels_path = artifacts_dir(section) / "samples_labels.npy"
    if labels is not None:
        classes = np.asarray(labels)
        if classes.shape != (len(array),) or not np.issubdtype(classes.dtype, np.integer):
            raise ValueError(f"labels must be {len(array)} integers, one per sample; got shape {classes.shape}, "
                             f"dtype {classes.dtype}")
        counts = np.unique(classes, return_counts=True)[1]
        if counts.min() != counts.max():
            raise ValueError(f"labels must ask for the same number of samples per class; got counts {counts.tolist()}")
    path = artifacts_dir(section) / "samples.npy"
    np.save(path, array)
    if labels is not None:
        np.save(labels_path, classes.astype(np.int64))
    elif labels_path.exists():
        labels_path.unlink()
    return path


@dataclass
class ChapterRun:
    """What ``start_chapter`` hands a chapter: its metadata, mode, device, seeded generator and stopwatch."""

    info: ChapterInfo
    fast: bool
    device: str
    seed: int
    rng: np.random.Generator
    timer: Timer = field(default_factory=Timer)
    data_sources: dict[str, str] = field(default_factory=dict)  # dataset name -> which data this run uses

    def pick(self, fast_value, default_value):
        """``fast_value`` in fast mode (tests), ``default_value`` otherwise: one place for every size."""
        return fast_value if self.fast else default_value

    def card(self) -> str:
        """The chapter's metadata as Markdown (plain CommonMark, so it renders in the book and in Colab alike)."""
        info = self.info
        gpu = {"no": "not needed (runs on any CPU)",
               "helps": "helps: set `device` to `\"cuda\"` (or keep `\"auto\"`) in Colab's GPU runtime"}[info.gpu]
        licences = "; ".join(f"{name}: {licence}" for name, licence in info.licences().items()) or "none"
        return "\n".join([
            "> **About this section**",
            ">",
            f"> - **Runtime budget:** {info.budget_default_s:g} s on a 2-core laptop CPU "
            f"(fast mode, used by the tests: {info.budget_fast_s:g} s). The measured time is at the end of the page "
            "and on the execution-statistics page.",
            f"> - **GPU:** {gpu}.",
            f"> - **Data:** {self._data_line()}.",
            f"> - **Licences:** {licences}.",
            f"> - **This run:** {'fast' if self.fast else 'default'} mode, device `{self.device}`, seed {self.seed}.",
        ])

    def _data_line(self) -> str:
        from .datasets import get_dataset

        titles = [f"{get_dataset(name).title} (`{name}` in the dataset registry)"
                  + (f" — this run: {self.data_sources[name]}" if name in self.data_sources else "")
                  for name in self.info.datasets]
        return "; ".join(titles) or "generated in the section itself; no external data"

    def finish(self) -> float:
        """Stop the stopwatch, check the budget and glue ``runtime_s`` and ``runtime_device``; returns seconds."""
        seconds = self.timer.seconds
        from IPython.display import Markdown

        device = f"{self.device}, {os.cpu_count()} cores" if self.device == "cpu" else self.device
        glue("runtime_s", round(seconds, 1))
        glue("runtime_device", Markdown(device))
        glue("runtime_mode", Markdown("fast" if self.fast else "default"))
        return seconds


def start_chapter(section: str, *, fast: bool = False, device: str = "auto", seed: int = 0) -> ChapterRun:
    """Begin a section: seed everything, pick the device, apply the book's style, show the metadata card.

    Call it right after the parameters cell: ``run = synthlib.start_chapter("2.2", fast=fast, device=device,
    seed=seed)``. Taught in the preface.
    """
    seed = check_seed(seed)
    from ..common.plotting import use_style

    info = chapter_info(section)
    if not isinstance(fast, bool):
        raise TypeError(f"fast must be True or False, got {fast!r}")
    rng = seed_everything(seed)
    run = ChapterRun(info=info, fast=fast, device=select_device(device), seed=seed, rng=rng)
    use_style()
    _silence_progress_warning()
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:
        return run
    if get_ipython() is not None:
        _find_data(run)
        display(Markdown(run.card()))
    return run


def _find_data(run: ChapterRun) -> None:
    """Find the section's datasets before the card is shown, so that the card, once, says which data this run uses
    (and why the offline copy, where it is used); ``load_dataset`` then loads them without repeating it."""
    from . import datasets

    for name in run.info.datasets:
        try:
            source = datasets.find_source(name)
        except datasets.DataUnavailable as error:  # load_dataset raises it again where the data are needed
            run.data_sources[name] = f"not available ({error})"
            continue
        datasets.CHAPTER_SOURCES[name] = source
        run.data_sources[name] = source.statement(datasets.get_dataset(name))
        glue(f"dataset_variant_{name}", "full dataset" if source.is_full else "offline subset")


def _silence_progress_warning() -> None:
    """tqdm.auto warns when ipywidgets is absent (papermill, CI) before falling back to text bars; that is fine."""
    import warnings

    warnings.filterwarnings("ignore", message="IProgress not found")
