#!/usr/bin/env bash
# The seed epoch's GEMM floor from C (gemm_floor.c) on MKL and OpenBLAS, 1 and 2 threads, both element types and both
# call layouts, plus the 1-against-2-thread crossover per product size. Writes bench/peer/results/gemm-floor.jsonl,
# gemm-crossover.jsonl and gemm-floor-env.json (CPU, date, load average: two threads mean nothing on a busy machine).
# Render with: python3 bench/peer/gemm_floor_report.py (compare.py includes it in bench/results.md).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/results"
mkdir -p "$out"
gcc -O2 -Wall -o "$out/gemm_floor" "$here/gemm_floor.c" -ldl
epochs="${EPOCHS:-5}"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
vendor=$(sed -n 's/^vendor_id[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
: > "$out/gemm-floor.jsonl"
: > "$out/gemm-crossover.jsonl"
for lib in mkl openblas; do
  "$out/gemm_floor" "$lib" 1 "$epochs" >> "$out/gemm-floor.jsonl"
  "$out/gemm_floor" "$lib" 2 "$epochs" >> "$out/gemm-floor.jsonl"
  "$out/gemm_floor" "$lib" crossover >> "$out/gemm-crossover.jsonl"
done
POLICY=1 "$out/gemm_floor" mkl 2 "$epochs" >> "$out/gemm-floor.jsonl"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
printf '{"cpu": "%s", "vendor": "%s", "cores": %s, "date": "%s", "load_before": "%s", "load_after": "%s", "epochs": %s}\n' \
  "$cpu" "$vendor" "$(nproc)" "$(date -u +%Y-%m-%dT%H:%MZ)" "$load_before" "$load_after" "$epochs" > "$out/gemm-floor-env.json"
rm -f "$out/gemm_floor"
