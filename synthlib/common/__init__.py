"""What every part of the course uses: argument checks with clear errors (``arguments``), seeds, devices and
timing (``runtime``, taught in the preface), and the book's one figure style (``plotting``)."""
