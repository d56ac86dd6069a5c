"""Part 2, statistical generators: ``sampling`` (2.1 random sampling), ``resampling`` (2.2 bootstrapping),
``simulation`` (2.3 rule-based simulation), ``fake_records`` (2.4 Faker). Self-checks: ``synthlib.exercises.part2``."""
