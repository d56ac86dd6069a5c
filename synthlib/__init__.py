"""synthlib: the helpers shared by the chapters of "Synthetic Data, Executed".

Small, flat and verb-first. One module per part of the book, re-exported here. ``import synthlib`` is
light: torch, sdv and other heavy libraries are imported inside the functions that need them.
"""
from .basics import *  # noqa: F401,F403 (part 2; basics.__all__ lists what it exports)
from .intro import *  # noqa: F401,F403 (part 1; intro.__all__ lists what it exports)
from .augment_image import *  # noqa: F401,F403 (section 3.1)
from .augment_text import *  # noqa: F401,F403 (section 3.2)
from .deep import *  # noqa: F401,F403 (part 4)
from .tabular import *  # noqa: F401,F403 (section 5.1)
from .copula import *  # noqa: F401,F403 (section 5.2)
from .validate import *  # noqa: F401,F403 (section 5.3)
from .applications import *  # noqa: F401,F403 (part 6)
from .privacy import *  # noqa: F401,F403 (section 7.1)
from .selfsupervised import *  # noqa: F401,F403 (section 7.2)
from .chapters import (
    ChapterRun,
    artifacts_dir,
    chapter_info,
    glue,
    list_chapters,
    save_samples,
    save_table,
    show_source,
    start_chapter,
)
from .data import (
    DataUnavailable,
    LoadedData,
    data_dir,
    list_datasets,
    load_adult,
    load_dataset,
    load_digits,
    load_mnist,
    load_penguins,
    load_photo,
    load_rotten_tomatoes,
    load_wordnet,
)
from .exercises import check, list_exercises
from .plotting import plot_real_vs_synthetic, show_image_grid, use_style
from .runtime import Timer, seed_everything, select_device

__version__ = "0.1.0"
