"""Part 7, latest developments: ``differential_privacy`` (7.1 mechanisms, DP-SGD helpers, PATE-GAN), ``attacks``
(7.1, also used by 5.3 and 6: membership and attribute inference, empirical ε lower bounds),
``marginals`` (7.1 MST), ``self_supervised`` (7.2 rotation prediction). Self-checks: ``synthlib.exercises.part7``."""
