#!/usr/bin/env bash
# Runs every benchmark and its PyTorch peer on this machine, then prints the side-by-side ratio tables
# (bench/results.md). Needs MKL (.ci/install-mkl) and Debian's PyTorch (apt-get install python3-torch); run on an
# otherwise idle machine. Takes about 30 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf BenchmarkDotNet.Artifacts
dotnet run -c Release --project bench/Regularization.Bench -- --filter '*OptimizerStep*' '*MatrixProduct*' --job short --exporters json
dotnet run -c Release --project bench/Regularization.Bench -- --filter '*TrainingEpoch*' --exporters json
dotnet run -c Release --project bench/Regularization.Bench -- --filter '*FamilyStepBenchmarks*' --job short --exporters json
bench/peer/run.sh
python3 bench/peer/compare.py | tee bench/results.md
python3 bench/peer/compare_family.py | tee -a bench/results.md
