"""Benchmark: fit times of SDV 2.0's GaussianCopula, CTGAN and TVAE synthesizers on Adult (section 5.1).

Workload: the Adult training table (32,561 rows, 15 columns, the literature's split), the synthesizers as the
chapter fits them (``synthlib.fit_synthesizer``: batch size 500, CTGAN with pac 10), CTGAN and TVAE for a few
epochs only (``--epochs``, default 5), so that the seconds per epoch can be read off and multiplied by the
epochs you plan. Each deep synthesizer is timed twice, with one thread (``threads=1``, the chapter's setting) and
with the libraries' default threads: on a small or shared CPU, BLAS/OpenMP/PyTorch threads that wait on each
other can make a fit many times slower. Times include SDV's preprocessing, for CTGAN and TVAE also the
mode-specific normalisation (a Bayesian Gaussian mixture per numeric column), a fixed cost per fit.

Run it with `make benchmarks` or `python benchmarks/bench_synthesizers.py [--rows N] [--epochs E] [--device cuda]`.
It measures in one run and prints the machine's load, since other programs on the machine change every figure.
"""
from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import synthlib  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=None, help="training rows (default: all 32,561)")
    parser.add_argument("--epochs", type=int, default=5, help="epochs for CTGAN and TVAE (default 5)")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")

    train = synthlib.load_adult(verbose=False).data["train"]
    if args.rows:
        train = train.sample(args.rows, random_state=0).reset_index(drop=True)
    metadata = synthlib.detect_metadata(train, "adult")
    runs = [("gaussian_copula", {}, 1)]
    for kind in ("tvae", "ctgan"):
        runs += [(kind, {"epochs": args.epochs, "device": args.device}, 1),
                 (kind, {"epochs": args.epochs, "device": args.device}, None)]
    print(f"Fit times on Adult: {len(train):,} rows, {os.cpu_count()} CPU cores, device {args.device}, "
          f"load average before: {os.getloadavg()[0]:.1f}")
    import sdv

    print(f"SDV {sdv.__version__}; CTGAN and TVAE for {args.epochs} epochs, batch size 500")
    for kind, options, threads in runs:
        fitted = synthlib.fit_synthesizer(kind, train, metadata, threads=threads, **options)
        thread_note = "1 thread" if threads == 1 else "default threads"
        line = f"  {fitted.label:<28} {thread_note:<16} {fitted.seconds:8.1f} s"
        if fitted.epochs:
            line += f"   ({fitted.seconds / fitted.epochs:.2f} s per epoch, preprocessing included)"
        print(line, flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
