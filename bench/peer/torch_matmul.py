#!/usr/bin/env python3
"""Times PyTorch matrix products at the seed network's shapes (batch 64) and at 512 and 1024, float64 and float32.

Same products as bench/Regularization.Bench MatrixProductBenchmarks:
  forward  X(64x784) @ W1t(784x128), H(64x128) @ W2t(128x10)
  backward dOt(10x64) @ H(64x128), dO(64x10) @ W2(10x128), dH1t(128x64) @ X(64x784)
  square   512 and 1024
Usage: /usr/bin/python3 bench/peer/torch_matmul.py --threads 1 --out bench/peer/results/matmul-t1.json
"""
import argparse

import torch

from common import environment, timeit, write

SHAPES = [
    ("forward 64x784 * 784x128", 64, 784, 128),
    ("forward 64x128 * 128x10", 64, 128, 10),
    ("backward 10x64 * 64x128", 10, 64, 128),
    ("backward 64x10 * 10x128", 64, 10, 128),
    ("backward 128x64 * 64x784", 128, 64, 784),
    ("square 512", 512, 512, 512),
    ("square 1024", 1024, 1024, 1024),
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
        for name, m, k, n in SHAPES:
            a = torch.randn(m, k, dtype=dtype)
            b = torch.randn(k, n, dtype=dtype)
            out = torch.empty(m, n, dtype=dtype)
            med, best, reps = timeit(lambda: torch.mm(a, b, out=out))
            gflops = 2.0 * m * n * k / (best * 1e-3) / 1e9
            results.append({"name": name, "dtype": str(dtype).replace("torch.", ""), "m": m, "k": k, "n": n,
                            "median_ms": med, "min_ms": best, "gflops_best": gflops, "repeats": reps})
            print(f"{str(dtype):14s} {name:28s} median {med:9.4f} ms  best {gflops:7.1f} GFLOP/s")
    write(args.out, {"environment": environment(args.threads), "results": results})


if __name__ == "__main__":
    main()
