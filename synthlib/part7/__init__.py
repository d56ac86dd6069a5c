"""Part 7, latest developments: ``differential_privacy`` (7.1 mechanisms, DP-SGD helpers, PATE-GAN),
``self_supervised`` (7.2 rotation prediction),
``language_models`` (7.3 a small GPT as a generator of labelled reviews). Self-checks: ``synthlib.exercises.part7``."""
