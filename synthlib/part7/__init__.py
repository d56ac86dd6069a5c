"""Part 7, latest developments: ``differential_privacy`` (7.1 mechanisms, DP-SGD helpers, PATE-GAN),
``marginals`` (7.1 MST), ``attacks`` (7.1, also used by 5.3 and 6: membership and attribute inference, empirical ε
lower bounds), ``self_supervised`` (7.2 rotation prediction),
``language_models`` (7.3 a small GPT as a generator of labelled reviews). Self-checks: ``synthlib.exercises.part7``."""
