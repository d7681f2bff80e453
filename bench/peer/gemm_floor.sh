#!/usr/bin/env bash
# The seed epoch's GEMM floor from C (gemm_floor.c) on MKL and OpenBLAS, 1 and 2 threads, both element types and both
# call layouts, plus the 1-against-2-thread crossover per product size. Appends one run to bench/peer/results/
# gemm-floor.jsonl, gemm-crossover.jsonl and gemm-floor-env.jsonl (CPU, date, load average: on a busy machine the
# 2-thread rows mean little); RESET=1 starts the files afresh. The report keeps, per configuration, the best of all runs.
# Render with: python3 bench/peer/gemm_floor_report.py (compare.py includes it in bench/results.md).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/results"
mkdir -p "$out"
gcc -O2 -Wall -pthread -o "$out/gemm_floor" "$here/gemm_floor.c" -ldl
epochs="${EPOCHS:-5}"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
vendor=$(sed -n 's/^vendor_id[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
if [ "${RESET:-0}" = 1 ]; then
  : > "$out/gemm-floor.jsonl"
  : > "$out/gemm-crossover.jsonl"
  : > "$out/gemm-floor-env.jsonl"
fi
run=$(date -u +%Y-%m-%dT%H:%M:%SZ)
tag() { sed "s/^{/{\"run\": \"$run\", /"; }
for lib in mkl openblas; do
  "$out/gemm_floor" "$lib" 1 "$epochs" | tag >> "$out/gemm-floor.jsonl"
  "$out/gemm_floor" "$lib" 2 "$epochs" | tag >> "$out/gemm-floor.jsonl"
  "$out/gemm_floor" "$lib" crossover | tag >> "$out/gemm-crossover.jsonl"
done
POLICY=1 "$out/gemm_floor" mkl 2 "$epochs" | tag >> "$out/gemm-floor.jsonl"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
printf '{"run": "%s", "cpu": "%s", "vendor": "%s", "cores": %s, "load_before": "%s", "load_after": "%s", "epochs": %s}\n' \
  "$run" "$cpu" "$vendor" "$(nproc)" "$load_before" "$load_after" "$epochs" >> "$out/gemm-floor-env.jsonl"
rm -f "$out/gemm_floor"
