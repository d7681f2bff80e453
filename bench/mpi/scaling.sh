#!/usr/bin/env bash
# Data-parallel scaling of `regularization train` on this machine (issue 15): one epoch of the seed's SimpleNet on
# the full MNIST training set (60,000 images, global batch 64), float32, Intel MKL, as
#   1 process x 1 thread, 1 process x 2 threads, mpirun -np 1 x 1 thread, mpirun -np 2 x 1 thread,
# each run REPEATS times (default 3); prints the median epoch training time, its ratio to 1 process x 1 thread, and
# each configuration's final average loss and test accuracy (which must agree: same global batch, same order).
# Usage: bench/mpi/scaling.sh [REPEATS]   (after `dotnet build src/Regularization.Cli -c Release`)
set -euo pipefail
cd "$(dirname "$0")/../.."
repeats=${1:-3}
cli=src/Regularization.Cli/bin/Release/net10.0/Regularization.Cli.dll
[ -f "$cli" ] || dotnet build src/Regularization.Cli -c Release -nologo -v q
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 TERM=dumb
out=$(mktemp -d)
common=(train --epochs 1 --dtype float32 --provider mkl --json)
run() { # name, then the command
  local name=$1; shift
  for i in $(seq 1 "$repeats"); do "$@" > "$out/$name.$i.json"; done
}
run "1 process x 1 thread" dotnet "$cli" "${common[@]}" --threads 1
run "1 process x 2 threads" dotnet "$cli" "${common[@]}" --threads 2
run "mpirun -np 1 x 1 thread" mpirun -np 1 dotnet "$cli" "${common[@]}" --threads 1
run "mpirun -np 2 x 1 thread" mpirun --oversubscribe -np 2 --bind-to none dotnet "$cli" "${common[@]}" --threads 1
python3 - "$out" "$repeats" <<'PY'
import json, os, statistics, sys, platform, subprocess, datetime
out, repeats = sys.argv[1], int(sys.argv[2])
names = ["1 process x 1 thread", "1 process x 2 threads", "mpirun -np 1 x 1 thread", "mpirun -np 2 x 1 thread"]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
print(f"CPU: {cpu}, {os.cpu_count()} cores; float32, Intel MKL; {datetime.date.today()}; median of {repeats}")
print("| configuration | epoch training time (s) | vs 1 process x 1 thread | average loss | test accuracy |")
print("|---|---|---|---|---|")
base = None
for n in names:
    runs = [json.load(open(os.path.join(out, f"{n}.{i}.json"))) for i in range(1, repeats + 1)]
    t = statistics.median(r["Epochs"][0]["TrainingSeconds"] for r in runs)
    base = base or t
    r = runs[0]
    print(f"| {n} | {t:.3f} | {base / t:.2f}x | {r['Epochs'][0]['AverageLoss']:.10f} | {r['TestAccuracyPercent']:.2f}% |")
PY
rm -rf "$out"
