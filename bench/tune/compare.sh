#!/usr/bin/env bash
# The tuning targets of issue 14, measured: the seed configuration, weight decay in 1e-5..1e-2, 3 stratified folds of
# the first 10,000 training images, 2 epochs per trial, one thread per trial, two trials at a time (2 cores):
#   a 16-point grid, Bayesian optimization with 8 trials, successive halving 9 -> 3 and 6 -> 2 trials;
# each REPEATS times (default 3, the median time kept). Prints the Markdown table README quotes and writes the charts
# (docs/tune-grid.svg, docs/tune-bayes.svg, docs/tune-halving.svg, docs/tune-halving-6.svg).
# Usage: bench/tune/compare.sh [REPEATS]   (after `dotnet build src/Regularization.Cli -c Release`)
set -euo pipefail
cd "$(dirname "$0")/../.."
repeats=${1:-3}
cli=src/Regularization.Cli/bin/Release/net10.0/Regularization.Cli.dll
[ -f "$cli" ] || dotnet build src/Regularization.Cli -c Release -nologo -v q
out=$(mktemp -d)
common=(tune --param weight-decay --range 1e-5:1e-2 --folds 3 --train-limit 10000 --epochs 2 --threads 1 --parallel 2 --json)
for run in grid:grid:16 bayes:bayes:8 halving:halving:9 halving-6:halving:6; do
  IFS=: read -r label name trials <<< "$run"
  for i in $(seq 1 "$repeats"); do
    dotnet "$cli" "${common[@]}" --strategy "$name" --trials "$trials" --plot "docs/tune-$label.svg" > "$out/$label.$i.json"
  done
done
python3 - "$out" "$repeats" <<'PY'
import datetime, json, os, statistics, sys
out, repeats = sys.argv[1], int(sys.argv[2])
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
runs = {n: [json.load(open(os.path.join(out, f"{n}.{i}.json"))) for i in range(1, repeats + 1)] for n in ("grid", "bayes", "halving", "halving-6")}
first = runs["grid"][0]
print(f"CPU: {cpu}, {os.cpu_count()} cores; provider {first['ProviderKind']}, {first['Threads']} thread per trial, "
      f"{first['Parallel']} trials at a time; {datetime.date.today()}; search time: median of {repeats}")
grid_best = first["Best"]["Mean"]
grid_time = statistics.median(r["SearchSeconds"] for r in runs["grid"])
print("| strategy | evaluations | best weight decay | validation accuracy | vs grid | search time | vs grid's time | test accuracy (retrained) |")
print("|---|---|---|---|---|---|---|---|")
for n, label in (("grid", "grid, 16 points"), ("bayes", "Bayesian, 8 trials"), ("halving", "successive halving, 9 -> 3"),
                 ("halving-6", "successive halving, 6 -> 2")):
    r = runs[n][0]
    t = statistics.median(x["SearchSeconds"] for x in runs[n])
    b = r["Best"]
    print(f"| {label} | {r['EvaluationsRun']} | {b['Parameters']['weight-decay']:.3g} | {b['Mean']:.2f} ± {b['StandardError']:.2f} % | "
          f"{b['Mean'] - grid_best:+.2f} | {t:.1f} s | {100 * t / grid_time:.0f} % | {r['TestAccuracyPercent']:.2f} % |")
PY
rm -rf "$out"
