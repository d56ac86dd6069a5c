"""Part 1, why synthetic data: ``why_synthetic_data`` (chapter 1). Self-checks: ``synthlib.exercises.part1``."""
