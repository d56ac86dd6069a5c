"""synthlib: the helpers shared by the chapters of "Synthetic Data, Executed".

The public API is flat (``synthlib.bootstrap``, ``synthlib.check``, ...); the code is grouped by where the book
teaches it:

- ``synthlib.part1`` ... ``synthlib.part7``: the teaching code, one module per topic, each named by its section;
- ``synthlib.exercises``: every exercise's self-check, one module per part (``exercises/part2.py``, ...);
- ``synthlib.common``: what every part uses (argument checks, seeds and devices, the figure style);
- ``synthlib.book``: the book's machinery (chapter metadata and runs, glue, artifacts, datasets and their offline
  copies, student notebooks), never taught.

``import synthlib`` is light: torch, sdv, opacus and nltk are imported inside the functions that need them.
"""
from .part1.why_synthetic_data import *  # noqa: F401,F403 (chapter 1)
from .part2.sampling import *  # noqa: F401,F403 (section 2.1)
from .part2.resampling import *  # noqa: F401,F403 (section 2.2)
from .part2.simulation import *  # noqa: F401,F403 (section 2.3)
from .part2.fake_records import *  # noqa: F401,F403 (section 2.4)
from .part3.image_augmentation import *  # noqa: F401,F403 (section 3.1)
from .part3.text_augmentation import *  # noqa: F401,F403 (section 3.2)
from .part3.rendering import *  # noqa: F401,F403 (section 3.3)
from .part4.digits import *  # noqa: F401,F403 (sections 4.1 and 4.2: measuring generated digits)
from .part4.vae import *  # noqa: F401,F403 (section 4.1)
from .part4.gan import *  # noqa: F401,F403 (section 4.2)
from .part4.gan_toys import *  # noqa: F401,F403 (section 4.2: 2-d toys, WGAN-GP)
from .part4.diffusion import *  # noqa: F401,F403 (section 4.3)
from .part5.synthesizers import *  # noqa: F401,F403 (section 5.1)
from .part5.gaussian_copula import *  # noqa: F401,F403 (section 5.2)
from .part5.validation import *  # noqa: F401,F403 (section 5.3)
from .part5.related_tables import *  # noqa: F401,F403 (section 5.4)
from .part5.sequences import *  # noqa: F401,F403 (section 5.4)
from .part6.applications import *  # noqa: F401,F403 (chapter 6)
from .part7.differential_privacy import *  # noqa: F401,F403 (section 7.1)
from .part7.attacks import *  # noqa: F401,F403 (sections 5.3, 6, 7.1: attacks and audits)
from .part7.marginals import *  # noqa: F401,F403 (section 7.1, MST)
from .part7.self_supervised import *  # noqa: F401,F403 (section 7.2)
from .part7.language_models import *  # noqa: F401,F403 (section 7.3)
from .part7.model_collapse import *  # noqa: F401,F403 (section 7.4)
from .book.chapters import (
    ChapterRun,
    artifacts_dir,
    chapter_info,
    glue,
    list_chapters,
    load_tables,
    save_samples,
    save_table,
    show_source,
    start_chapter,
)
from .book.datasets import (
    DataUnavailable,
    LoadedData,
    data_dir,
    list_datasets,
    load_adult,
    load_dataset,
    load_digits,
    load_mnist,
    load_nycflights13,
    load_penguins,
    load_photo,
    load_rotten_tomatoes,
    load_wordnet,
)
from .exercises import check, list_exercises
from .common.plotting import REAL_COLOUR, SYNTHETIC_COLOUR, plot_real_vs_synthetic, show_image_grid, use_style
from .common.runtime import Timer, measure_resources, seed_everything, select_device

__version__ = "0.1.0"
