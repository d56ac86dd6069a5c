"""Part 6, applications: ``applications`` (chapter 6). Self-checks: ``synthlib.exercises.part6``."""
