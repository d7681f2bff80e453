"""Shared helpers for the PyTorch peer timings: environment description and a robust timer."""
import json
import os
import platform
import statistics
import time

import torch


def environment(threads):
    cpu = "unknown"
    if os.path.exists("/proc/cpuinfo"):
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    blas = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3") if os.path.exists("/usr/lib/x86_64-linux-gnu/libblas.so.3") else "unknown"
    return {
        "cpu": cpu,
        "logical_cores": os.cpu_count(),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "threads": threads,
        "torch_num_threads": torch.get_num_threads(),
        "blas_library": blas,
        "mkl_threading_layer": os.environ.get("MKL_THREADING_LAYER", ""),
        "cpu_capability": [l.strip() for l in torch.__config__.show().splitlines() if "CPU capability" in l],
        "date_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
    }


def timeit(fn, min_time=0.3, min_repeats=5, max_repeats=200):
    """Runs fn until min_time seconds and min_repeats have passed; returns (median_ms, min_ms, repeats)."""
    for _ in range(2):
        fn()
    samples = []
    start = time.perf_counter()
    while (len(samples) < min_repeats or time.perf_counter() - start < min_time) and len(samples) < max_repeats:
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(samples), min(samples), len(samples)


def write(path, data):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    print(f"wrote {path}")
