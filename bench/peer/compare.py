#!/usr/bin/env python3
"""Prints side-by-side ratios of this library's BenchmarkDotNet results and PyTorch's peer timings.

Reads BenchmarkDotNet's JSON exports (run the benchmarks with `--exporters json`) from
BenchmarkDotNet.Artifacts/results and the peer JSON files from bench/peer/results, and prints Markdown tables:
  optimizer steps: ours (fused facade, guarded and unguarded) against torch for-loop and foreach, with each side's
                   triad from the same run and the bandwidth efficiency (ideal bytes / time, as a share of the triad's)
  matrix products: ours (per provider) against torch at the same shape, dtype and thread count
Usage: python3 bench/peer/compare.py [--artifacts DIR] [--peer DIR]
"""
import argparse
import glob
import json
import os
import re

import gemm_floor_report


def load_bdn(artifacts):
    rows = []
    for path in glob.glob(os.path.join(artifacts, "results", "*-report-full*.json")):
        data = json.load(open(path))
        host = data.get("HostEnvironmentInfo", {})
        for b in data.get("Benchmarks", []):
            stats = b.get("Statistics") or {}
            if not stats:
                continue
            params = dict(kv.split("=", 1) for kv in b.get("Parameters", "").split("&") if "=" in kv)
            rows.append({
                "type": b.get("Type", ""),
                "method": b.get("Method"),
                "title": (b.get("MethodTitle") or b.get("Method")).strip("'"),
                "params": params,
                "median_ms": stats["Median"] / 1e6,
                "min_ms": stats["Min"] / 1e6,
                "cpu": host.get("ProcessorName", ""),
            })
    return rows


def load_peer(peer):
    out = {}
    for path in glob.glob(os.path.join(peer, "results", "*.json")):
        out[os.path.basename(path)] = json.load(open(path))
    return out


def ideal_bytes(name):
    if name.startswith("adamw") or name.startswith("AdamW"):
        return 56
    if name.startswith("sgd") or name.startswith("SGD"):
        return 24
    return None


def optimizer_table(bdn, peer):
    ours = [r for r in bdn if r["method"] in ("SgdFused", "SgdFusedUnguarded", "AdamWFused", "AdamWFusedUnguarded", "TriadBaseline")]
    if not ours:
        return
    for key in sorted(k for k in peer if k.startswith("optimizer-step")):
        torch_rows = peer[key]["results"]
        env = peer[key]["environment"]
        print(f"\n### Optimizer step, float64, one parameter of N elements (PyTorch {env['torch']}, {env['threads']} thread(s); ours single-threaded)\n")
        print("| N | step | ours ms | torch for-loop ms | torch foreach ms | torch / ours (best torch) | ours: % of the triad-implied limit |")
        print("|---|---|---|---|---|---|---|")
        for n in sorted({int(r["params"]["N"]) for r in ours}):
            triad = next((r for r in ours if r["method"] == "TriadBaseline" and int(r["params"]["N"]) == n), None)
            for kind, methods, torch_name in [("SGD weight decay", ("SgdFused", "SgdFusedUnguarded"), "sgd-weight-decay"),
                                              ("AdamW", ("AdamWFused", "AdamWFusedUnguarded"), "adamw")]:
                for method in methods:
                    r = next((x for x in ours if x["method"] == method and int(x["params"]["N"]) == n), None)
                    if r is None:
                        continue
                    loop = next((t for t in torch_rows if t["name"] == f"{torch_name} (for-loop)" and t["n"] == n), None)
                    each = next((t for t in torch_rows if t["name"] == f"{torch_name} (foreach)" and t["n"] == n), None)
                    best_torch = min(x["median_ms"] for x in (loop, each) if x) if (loop or each) else None
                    eff = ""
                    if triad and n >= 1_000_000:
                        eff = f"{100 * (ideal_bytes(torch_name) / 24) * triad['median_ms'] / r['median_ms']:.0f}%"
                    label = kind + (" (no guard)" if "Unguarded" in method else "")
                    ratio = f"{best_torch / r['median_ms']:.2f}x" if best_torch else "n/a"
                    print(f"| {n:,} | {label} | {r['median_ms']:.4f} | {loop['median_ms'] if loop else float('nan'):.4f} | "
                          f"{each['median_ms'] if each else float('nan'):.4f} | {ratio} | {eff} |")


def matmul_table(bdn, peer):
    ours = [r for r in bdn if "MatrixProduct" in r["type"]]
    if not ours:
        return
    for key in sorted(k for k in peer if k.startswith("matmul")):
        env = peer[key]["environment"]
        threads = env["threads"]
        print(f"\n### Matrix products (PyTorch {env['torch']} with {os.path.basename(env['blas_library'])}, {threads} thread(s); ours with the same thread count)\n")
        print("| product (MxKxN) | dtype | ours managed ms | ours MKL ms | MKL / managed speed-up | torch ms | torch / ours MKL |")
        print("|---|---|---|---|---|---|---|")
        for t in peer[key]["results"]:
            def find(method):
                return next((r for r in ours if r["method"] == method and r["params"].get("Shape") == t["key"]
                             and r["params"].get("Threads") == str(threads) and r["params"].get("Precision") == t["dtype"]), None)
            managed, mkl = find("Managed"), find("Mkl")
            if managed and mkl:
                print(f"| {t['name']} {t['key']} | {t['dtype']} | {managed['median_ms']:.4f} | {mkl['median_ms']:.4f} | "
                      f"{managed['median_ms'] / mkl['median_ms']:.1f}x | {t['median_ms']:.4f} | {t['median_ms'] / mkl['median_ms']:.2f}x |")


def epoch_table(bdn, peer):
    ours = [r for r in bdn if "TrainingEpoch" in r["type"]]
    if not ours:
        return
    print("\n### One training epoch, first seed's configuration, full MNIST (training time only)\n")
    print("| threads | ours managed s | ours MKL s | torch float64 s | torch float32 s | torch float64 / ours MKL |")
    print("|---|---|---|---|---|---|")
    for t in (1, 2):
        managed = next((r for r in ours if r["method"] == "Managed" and r["params"].get("Threads") == str(t)), None)
        mkl = next((r for r in ours if r["method"] == "Mkl" and r["params"].get("Threads") == str(t)), None)
        torch = peer.get(f"epoch-t{t}.json", {}).get("results", [])
        f64 = next((x["median_s"] for x in torch if x["dtype"] == "float64"), float("nan"))
        f32 = next((x["median_s"] for x in torch if x["dtype"] == "float32"), float("nan"))
        m = managed["median_ms"] / 1e3 if managed else float("nan")
        k = mkl["median_ms"] / 1e3 if mkl else float("nan")
        print(f"| {t} | {m:.3f} | {k:.3f} | {f64:.3f} | {f32:.3f} | {f64 / k:.2f}x |")


def dgemm_table(bdn, peer):
    ours = [r for r in bdn if "MatrixProduct" in r["type"] and r["method"] == "Mkl" and r["params"].get("Precision") == "float64"]
    if not ours:
        return
    print("\n### The provider's dgemm against MKL called directly from C (float64)\n")
    print("| size | threads | provider ms | C ms | provider / C |")
    print("|---|---|---|---|---|")
    for t in (1, 2):
        native = peer.get(f"mkl-dgemm-t{t}.json", {}).get("results", [])
        for n in native:
            size = n["name"].split()[-1]
            r = next((x for x in ours if x["params"].get("Shape") == f"{size}x{size}x{size}" and x["params"].get("Threads") == str(t)), None)
            if r:
                print(f"| {n['name']} | {t} | {r['median_ms']:.3f} | {n['median_ms']:.3f} | {r['median_ms'] / n['median_ms']:.3f} |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--artifacts", default="BenchmarkDotNet.Artifacts")
    ap.add_argument("--peer", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()
    bdn = load_bdn(args.artifacts)
    peer = load_peer(args.peer)
    if bdn:
        print(f"CPU: {bdn[0]['cpu']}")
    optimizer_table(bdn, peer)
    matmul_table(bdn, peer)
    dgemm_table(bdn, peer)
    epoch_table(bdn, peer)
    gemm_floor_report.render(args.peer)


if __name__ == "__main__":
    main()
