#!/usr/bin/env python3
"""Times PyTorch matrix products at the seed network's shapes (batch 64) and at 512 and 1024, float64 and float32.

Same products as bench/Regularization.Bench MatrixProductBenchmarks (MxK times KxN, keys MxKxN): SimpleNet's
forward and backward products at batch 64, then 512 and 1024 squares.
Usage: /usr/bin/python3 bench/peer/torch_matmul.py --threads 1 --out bench/peer/results/matmul-t1.json
"""
import argparse

import torch

from common import environment, timeit, write

# (key, description, m, k, n): key = MxKxN as in MatrixProductBenchmarks; the products of SimpleNet at batch 64 with
# one sample per column (Regularization.Training's layout), then 512 and 1024 squares.
SHAPES = [
    ("128x784x64", "forward W1 X", 128, 784, 64),
    ("10x128x64", "forward W2 H", 10, 128, 64),
    ("10x64x128", "backward dO H'", 10, 64, 128),
    ("128x10x64", "backward W2' dO", 128, 10, 64),
    ("128x64x784", "backward dH X'", 128, 64, 784),
    ("512x512x512", "square 512", 512, 512, 512),
    ("1024x1024x1024", "square 1024", 1024, 1024, 1024),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    results = []
    for dtype in (torch.float64, torch.float32):
        for key, name, m, k, n in SHAPES:
            a = torch.randn(m, k, dtype=dtype)
            b = torch.randn(k, n, dtype=dtype)
            out = torch.empty(m, n, dtype=dtype)
            med, best, reps = timeit(lambda: torch.mm(a, b, out=out))
            gflops = 2.0 * m * n * k / (best * 1e-3) / 1e9
            results.append({"key": key, "name": name, "dtype": str(dtype).replace("torch.", ""), "m": m, "k": k, "n": n,
                            "median_ms": med, "min_ms": best, "gflops_best": gflops, "repeats": reps})
            print(f"{str(dtype):14s} {name:28s} median {med:9.4f} ms  best {gflops:7.1f} GFLOP/s")
    write(args.out, {"environment": environment(args.threads), "results": results})


if __name__ == "__main__":
    main()
