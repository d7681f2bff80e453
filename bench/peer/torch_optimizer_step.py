#!/usr/bin/env python3
"""Times PyTorch's optimizer.step() for one float64 (or, with --dtype float32, float32) parameter of N elements, next to a triad in the same run.

Same work as bench/Regularization.Bench OptimizerStepBenchmarks: SGD(lr=0.01, weight_decay=1e-4) and
AdamW(lr=1e-3, weight_decay=1e-2), foreach and for-loop implementations, N = 1e3, 1e5, 1e6, 1e7.
Usage: /usr/bin/python3 bench/peer/torch_optimizer_step.py --threads 1 --out bench/peer/results/optimizer-step-t1.json
"""
import argparse

import torch

from common import environment, timeit, write


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--sizes", type=int, nargs="*", default=[1_000, 100_000, 1_000_000, 10_000_000])
    ap.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    dtype = getattr(torch, args.dtype)
    results = []
    for n in args.sizes:
        a = torch.empty(n, dtype=dtype)
        b = torch.randn(n, dtype=dtype)
        c = torch.randn(n, dtype=dtype)
        med, best, reps = timeit(lambda: torch.add(b, c, alpha=0.5, out=a))
        results.append({"name": "triad", "n": n, "median_ms": med, "min_ms": best, "repeats": reps})
        for name, make in [
            ("sgd-weight-decay (for-loop)", lambda ps: torch.optim.SGD(ps, lr=0.01, weight_decay=1e-4, foreach=False)),
            ("sgd-weight-decay (foreach)", lambda ps: torch.optim.SGD(ps, lr=0.01, weight_decay=1e-4, foreach=True)),
            ("adamw (for-loop)", lambda ps: torch.optim.AdamW(ps, lr=1e-3, weight_decay=1e-2, foreach=False)),
            ("adamw (foreach)", lambda ps: torch.optim.AdamW(ps, lr=1e-3, weight_decay=1e-2, foreach=True)),
        ]:
            p = torch.randn(n, dtype=dtype, requires_grad=True)
            p.grad = torch.randn(n, dtype=dtype) * 1e-3
            opt = make([p])
            with torch.no_grad():
                med, best, reps = timeit(opt.step)
            results.append({"name": name, "n": n, "median_ms": med, "min_ms": best, "repeats": reps})
            print(f"{name:30s} n={n:>10d} median {med:9.3f} ms  min {best:9.3f} ms")
    write(args.out, {"environment": {**environment(args.threads), "dtype": args.dtype}, "results": results})


if __name__ == "__main__":
    main()
