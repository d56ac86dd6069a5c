"""Part 4, deep generative models: ``digits`` (the digit classifier and sample-quality measures of 4.1 and 4.2),
``vae`` (4.1), ``gan`` (4.2), ``gan_toys`` (4.2: the 2-D toy, the ring of Gaussians, WGAN-GP's penalty),
``diffusion`` (4.3), and ``networks`` (their torch modules; imports torch, so it is loaded on demand).
Self-checks: ``synthlib.exercises.part4``."""
