#!/usr/bin/env bash
# Side-by-side timing of the regularization paths (bench/results.md, README "Regularization paths"): writes the shared
# problem if missing, times glmnet (best of 3), scikit-learn (one run each; saga stops after SKLEARN_BUDGET_S seconds,
# default 120, and is compared per lambda), then this library with
# BenchmarkDotNet (1 warm-up, 5 iterations), all on one thread, and prints the ratios against glmnet and scikit-learn.
# Usage: bench/peer/run-paths.sh [--no-sklearn]
set -euo pipefail
cd "$(dirname "$0")/../.."
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
[ -f bench/peer/data/x.f64 ] || /usr/bin/python3 bench/peer/path_data.py
out=bench/peer/results/paths
mkdir -p "$out"
{
  echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2 | xargs), $(getconf _NPROCESSORS_ONLN) cores visible, 1 thread, load average $(cut -d" " -f1-3 /proc/loadavg)"
  Rscript bench/peer/path_glmnet.R 3 1e-7
  if [ "${1:-}" != "--no-sklearn" ]; then /usr/bin/python3 bench/peer/path_sklearn.py "${SKLEARN_BUDGET_S:-120}"; fi
} | tee "$out/peers.txt"
dotnet run -c Release --project bench/Regularization.Bench -- --filter '*RegularizationPath*' --exporters csv \
  --artifacts "$out/bdn" | tee "$out/bdn.txt" | grep -E '^\|' || true
/usr/bin/python3 - "$out" <<'PY'
import csv, glob, re, sys
out = sys.argv[1]
peers = {}
for line in open(f"{out}/peers.txt"):
    m = re.match(r"(glmnet|sklearn) (\w+) seconds=([\d.]+) lambdas=(\d+)(?: lambda_max=\S+ full100_seconds=([\d.]+) full100_lambdas=(\d+))?", line)
    if m:
        peers[(m[1], m[2])] = (float(m[3]), int(m[4]), float(m[5]) if m[5] else None)
report = glob.glob(f"{out}/bdn/results/*RegularizationPath*-report.csv")[0]
rows = {r["Method"].strip("'"): r for r in csv.DictReader(open(report))}
def seconds(text):
    value, unit = text.replace(",", "").split()
    return float(value) * {"s": 1, "ms": 1e-3, "us": 1e-6, "μs": 1e-6}[unit]
for family in ("gaussian", "binomial"):
    stop = seconds(rows[f"{family}, glmnet's early stop"]["Min"])
    full = seconds(rows[f"{family}, 100 lambdas"]["Min"])
    g = peers.get(("glmnet", family))
    s = peers.get(("sklearn", family))
    print(f"{family}: ours {stop:.3f} s (early stop) / {full:.3f} s (100 lambdas, min of 5)")
    if g:
        print(f"  glmnet {g[0]:.3f} s ({g[1]} lambdas, early stop) -> glmnet/ours {g[0] / stop:.2f}; 100 lambdas {g[2]:.3f} s -> {g[2] / full:.2f}")
    if s:
        print(f"  sklearn {s[0]:.3f} s ({s[1]} lambdas) -> sklearn/ours {s[0] / full * (100 / s[1]) if s[1] < 100 else s[0] / full:.1f}" + (" (per-lambda, sklearn stopped early)" if s[1] < 100 else ""))
PY
