#!/usr/bin/env python3
"""Times PyTorch's optimizer.step() for every PyTorch 1.13 member of this library's optimizer family, one parameter of N
elements, float32 and float64, one thread: the peer of bench/Regularization.Bench FamilyStepBenchmarks.

Same optimizers and arguments as FamilyStepBenchmarks.Create: PyTorch's defaults, SGD(lr=0.01, momentum=0.9) (SGD has no
default rate), AdamW's default weight_decay=1e-2; foreach=True (every one of them has a foreach implementation in
1.13), the gradient fixed from step to step. Each dtype's triad (a = b + 0.5*c) is timed in the same run, the
memory-bandwidth baseline.

Usage (the main measurement; about 1 minute):
    MKL_THREADING_LAYER=GNU /usr/bin/python3 bench/peer/torch_family_step.py --out bench/peer/results/family-step-t1.json
A quick check of one optimizer:
    MKL_THREADING_LAYER=GNU /usr/bin/python3 bench/peer/torch_family_step.py --optimizers adam --dtypes float32 --n 1000000 --out /tmp/f.json
"""
import argparse

import torch

from common import environment, timeit, write

# name -> (class, keyword arguments), as FamilyStepBenchmarks.Create builds them.
OPTIMIZERS = {
    "sgd-momentum": (torch.optim.SGD, dict(lr=0.01, momentum=0.9)),
    "adam": (torch.optim.Adam, {}),
    "adamw": (torch.optim.AdamW, {}),
    "rmsprop": (torch.optim.RMSprop, {}),
    "adagrad": (torch.optim.Adagrad, {}),
    "adadelta": (torch.optim.Adadelta, {}),
    "adamax": (torch.optim.Adamax, {}),
    "nadam": (torch.optim.NAdam, {}),
    "radam": (torch.optim.RAdam, {}),
    "asgd": (torch.optim.ASGD, {}),
    "rprop": (torch.optim.Rprop, {}),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--dtypes", nargs="*", choices=["float32", "float64"], default=["float32", "float64"])
    ap.add_argument("--optimizers", nargs="*", choices=list(OPTIMIZERS), default=list(OPTIMIZERS))
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    results = []
    for dtype_name in args.dtypes:
        dtype = getattr(torch, dtype_name)
        n = args.n
        a = torch.empty(n, dtype=dtype)
        b = torch.randn(n, dtype=dtype)
        c = torch.randn(n, dtype=dtype)
        med, best, reps = timeit(lambda: torch.add(b, c, alpha=0.5, out=a))
        results.append({"name": "triad", "dtype": dtype_name, "n": n, "median_ms": med, "min_ms": best, "repeats": reps})
        print(f"{'triad':14s} {dtype_name} n={n} median {med:9.3f} ms  min {best:9.3f} ms")
        del a, b, c
        for name in args.optimizers:
            cls, kwargs = OPTIMIZERS[name]
            p = torch.empty(n, dtype=dtype).uniform_(-1, 1).requires_grad_(True)
            p.grad = torch.empty(n, dtype=dtype).uniform_(-1e-3, 1e-3)
            opt = cls([p], foreach=True, **kwargs)
            with torch.no_grad():
                med, best, reps = timeit(opt.step)
            results.append({"name": name, "dtype": dtype_name, "n": n, "foreach": True, "kwargs": kwargs,
                            "median_ms": med, "min_ms": best, "repeats": reps})
            print(f"{name:14s} {dtype_name} n={n} median {med:9.3f} ms  min {best:9.3f} ms")
            del opt, p
    write(args.out, {"environment": environment(args.threads), "results": results})


if __name__ == "__main__":
    main()
