"""Part 3, data augmentation: ``image_augmentation`` (3.1), ``text_augmentation`` (3.2 EDA).
Self-checks: ``synthlib.exercises.part3``."""
