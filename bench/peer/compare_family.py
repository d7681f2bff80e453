#!/usr/bin/env python3
"""Prints this library's fused family steps against PyTorch's step(), per optimizer and dtype, against issue 12's target
(the fused step at least 3x faster than PyTorch's: ours / torch <= 1/3).

Reads the BenchmarkDotNet JSON export of FamilyStepBenchmarks (run with `--exporters json`) from
BenchmarkDotNet.Artifacts/results and the peer JSON written by torch_family_step.py. Medians on both sides.
Usage: python3 bench/peer/compare_family.py [--artifacts DIR] [--peer FILE] [--target 3] [--strict]
  --strict exits 1 when a pair misses the target or is missing.
"""
import argparse
import json
import os
import sys

from compare import load_bdn


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--artifacts", default=os.path.join(here, "..", "..", "BenchmarkDotNet.Artifacts"))
    ap.add_argument("--peer", default=os.path.join(here, "results", "family-step-t1.json"))
    ap.add_argument("--target", type=float, default=3.0)
    ap.add_argument("--strict", action="store_true")
    args = ap.parse_args()
    ours = {(r["params"].get("Optimizer"), r["params"].get("Dtype")): r
            for r in load_bdn(args.artifacts) if r["type"] == "FamilyStepBenchmarks"}
    peer = json.load(open(args.peer))
    torch = {(r["name"], r["dtype"]): r for r in peer["results"] if r["name"] != "triad"}
    env = peer["environment"]
    cpu = next(iter(ours.values()))["cpu"] if ours else "?"
    print(f"Fused step, N = {next(iter(torch.values()))['n'] if torch else '?'}, one thread. Ours: BenchmarkDotNet on {cpu}; "
          f"PyTorch {env['torch']} (foreach) on {env['cpu']}, {env['torch_num_threads']} thread(s), {env['date_utc']} UTC.")
    print()
    print(f"| optimizer | dtype | ours (ms) | PyTorch (ms) | ours / PyTorch | PyTorch / ours | target {args.target:g}x |")
    print("|---|---|---|---|---|---|---|")
    missed = 0
    for (name, dtype) in sorted(torch, key=lambda k: (k[1], k[0])):
        t = torch[(name, dtype)]["median_ms"]
        o = ours.get((name, dtype))
        if o is None:
            print(f"| {name} | {dtype} | (not measured) | {t:.1f} | | | |")
            missed += 1
            continue
        ratio = o["median_ms"] / t
        met = t / o["median_ms"] >= args.target
        missed += 0 if met else 1
        print(f"| {name} | {dtype} | {o['median_ms']:.1f} | {t:.1f} | {ratio:.3f} | {t / o['median_ms']:.2f}x | {'met' if met else 'missed'} |")
    print()
    print(f"{len(torch) - missed} of {len(torch)} pairs meet the target.")
    if args.strict and missed:
        sys.exit(1)


if __name__ == "__main__":
    main()
