"""The book's machinery, never taught: section metadata and runs (``chapters``, ``chapters.toml``), the dataset
registry with its offline copies (``datasets``), and student notebooks for instructors (``assign``)."""
