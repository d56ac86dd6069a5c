"""Part 5, tabular synthesis: ``synthesizers`` (5.1 CTGAN, TVAE and SDV; machine-learning efficacy),
``gaussian_copula`` (5.2 copulas), ``validation`` (5.3 fidelity, utility and privacy),
``related_tables`` and ``sequences`` (5.4 keys, cardinality, integrity; sequence lengths and autocorrelation).
Self-checks: ``synthlib.exercises.part5``."""
