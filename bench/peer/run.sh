#!/usr/bin/env bash
# Times PyTorch on the same work as bench/Regularization.Bench, with MKL BLAS and 1 and 2 threads, and MKL's dgemm
# called directly from C (mkl_dgemm.c), and writes bench/peer/results/*.json. Needs Debian's python3-torch (apt-get install python3-torch) and libmkl-rt.
# Debian's default libblas.so.3 is the reference BLAS (10x slower): for a fair comparison this script points the
# libblas.so.3 alternative at MKL while it runs (root needed) and restores the previous choice afterwards.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python=/usr/bin/python3
"$python" -c "import torch" 2>/dev/null || { echo "PyTorch is missing: apt-get install python3-torch"; exit 2; }

alt=libblas.so.3-x86_64-linux-gnu
mkl=/usr/lib/x86_64-linux-gnu/libmkl_rt.so
previous=""
if [ "$(id -u)" -eq 0 ] && [ -e "$mkl" ] && update-alternatives --query "$alt" >/dev/null 2>&1; then
  previous=$(update-alternatives --query "$alt" | sed -n 's/^Value: //p')
  update-alternatives --set "$alt" "$mkl" >/dev/null
  trap '[ -n "$previous" ] && update-alternatives --set "$alt" "$previous" >/dev/null' EXIT
else
  echo "warning: not root or MKL missing: PyTorch uses $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3)" >&2
fi

export MKL_THREADING_LAYER=GNU
mkdir -p "$here/results"
# --no-as-needed: the program calls no OpenMP function itself, but MKL's GNU threading layer needs libgomp loaded.
gcc -O2 -o "$here/results/mkl_dgemm" "$here/mkl_dgemm.c" -lmkl_rt -Wl,--no-as-needed -lgomp
for t in 1 2; do
  OMP_NUM_THREADS=$t MKL_NUM_THREADS=$t "$python" "$here/torch_optimizer_step.py" --threads "$t" --out "$here/results/optimizer-step-t$t.json"
  OMP_NUM_THREADS=$t MKL_NUM_THREADS=$t "$python" "$here/torch_matmul.py" --threads "$t" --out "$here/results/matmul-t$t.json"
  OMP_NUM_THREADS=$t MKL_NUM_THREADS=$t "$python" "$here/torch_train_epoch.py" --threads "$t" --out "$here/results/epoch-t$t.json"
  OMP_NUM_THREADS=$t "$here/results/mkl_dgemm" "$t" > "$here/results/mkl-dgemm-t$t.json"
done
OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 "$python" "$here/torch_family_step.py" --threads 1 --out "$here/results/family-step-t1.json"
"$here/gemm_floor.sh"
