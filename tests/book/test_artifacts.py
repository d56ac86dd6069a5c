"""The artifacts folder: sections save tables and samples inside it, and nothing a caller passes escapes it."""
import numpy as np
import pandas as pd
import pytest

from synthlib.book.chapters import ARTIFACTS_ENV, artifacts_dir, load_tables, save_samples, save_table


@pytest.fixture
def artifacts(tmp_path, monkeypatch):
    root = tmp_path / "artifacts"
    monkeypatch.setenv(ARTIFACTS_ENV, str(root))
    return root


def test_a_section_folder_is_inside_the_artifacts_folder(artifacts):
    assert artifacts_dir("2.4") == artifacts / "2.4"
    assert (artifacts / "2.4").is_dir()
    assert save_table(pd.DataFrame({"a": [1]}), "6", "results") == artifacts / "6" / "results.csv"


def test_load_tables_reads_back_what_a_section_saved(artifacts):
    assert load_tables("5.3") == {}  # a section that has not run saved nothing
    metrics = pd.DataFrame({"metric": ["F1", "AUC"], "value": [0.61, 0.5]})
    save_table(metrics, "5.3", "metrics")
    save_table(pd.DataFrame({"n": [3]}), "5.3", "counts")
    tables = load_tables("5.3")
    assert list(tables) == ["counts", "metrics"]
    pd.testing.assert_frame_equal(tables["metrics"], metrics)
    with pytest.raises(ValueError, match="section"):
        load_tables("../5.3")


@pytest.mark.parametrize("section", ["../x", "..", ".", "", "/tmp/escape", "a/b", "a\\b", "2.4/../../x", ".hidden"])
def test_a_section_that_would_leave_the_artifacts_folder_is_refused(artifacts, tmp_path, section):
    with pytest.raises(ValueError, match="section"):
        artifacts_dir(section)
    with pytest.raises(ValueError, match="section"):
        save_table(pd.DataFrame({"a": [1]}), section, "t")
    with pytest.raises(ValueError, match="section"):
        save_samples(np.zeros((3, 2, 2)), section, minimum=1)
    assert not (tmp_path / "x").exists() and not (tmp_path / "escape").exists()


@pytest.mark.parametrize("section", [2.4, None, b"2.4"])
def test_a_section_that_is_not_a_string_is_refused(artifacts, section):
    with pytest.raises(TypeError, match="section"):
        artifacts_dir(section)


@pytest.mark.parametrize("name", ["../x", "/tmp/x", "a/b", "", "a.b", 3, None])
def test_a_table_name_that_would_escape_is_refused(artifacts, name):
    with pytest.raises(ValueError, match="artifact name"):
        save_table(pd.DataFrame({"a": [1]}), "2.4", name)


def test_samples_labels_are_saved_beside_the_samples_and_checked(artifacts):
    images, labels = np.zeros((6, 2, 2)), np.repeat(np.arange(3), 2)
    path = save_samples(images, "4.9", minimum=1, labels=labels)
    assert np.load(path.parent / "samples_labels.npy").tolist() == labels.tolist()
    with pytest.raises(ValueError, match="same number of samples per class"):
        save_samples(images, "4.9", minimum=1, labels=np.array([0, 0, 0, 1, 1, 2]))
    with pytest.raises(ValueError, match="6 integers"):
        save_samples(images, "4.9", minimum=1, labels=labels[:5])
    with pytest.raises(ValueError, match="6 integers"):
        save_samples(images, "4.9", minimum=1, labels=labels + 0.5)
    save_samples(images, "4.9", minimum=1)  # unconditional samples: no stale labels beside them
    assert not (path.parent / "samples_labels.npy").exists()
