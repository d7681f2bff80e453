"""Writes the regularization-path benchmark problem that glmnet (path_glmnet.R), scikit-learn (path_sklearn.py) and
bench/Regularization.Bench (RegularizationPathBenchmarks) all read: n = 10,000 rows, p = 1,000 AR(1)-correlated
features (rho 0.5), a sparse truth (20 nonzero), a gaussian target (noise sd 1) and a 0/1 target (logistic).

Files (little-endian float64, no header) in bench/peer/data/: x.f64 (column-major n x p), y_gaussian.f64,
y_binomial.f64, and meta.txt ("n p").  Run: /usr/bin/python3 bench/peer/path_data.py
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
N, P, RHO, NONZERO, SEED = 10_000, 1_000, 0.5, 20, 42


def main():
    rng = np.random.default_rng(SEED)
    x = np.empty((N, P))
    x[:, 0] = rng.standard_normal(N)
    for j in range(1, P):
        x[:, j] = RHO * x[:, j - 1] + np.sqrt(1 - RHO * RHO) * rng.standard_normal(N)
    beta = np.zeros(P)
    idx = rng.choice(P, NONZERO, replace=False)
    beta[idx] = rng.choice([-1.0, 1.0], NONZERO) * rng.uniform(0.2, 1.0, NONZERO)
    eta = x @ beta
    y_gaussian = eta + rng.standard_normal(N)
    y_binomial = (rng.uniform(size=N) < 1 / (1 + np.exp(-eta))).astype(float)
    folder = os.path.join(HERE, "data")
    os.makedirs(folder, exist_ok=True)
    np.asfortranarray(x).T.astype("<f8").tofile(os.path.join(folder, "x.f64"))  # column-major
    y_gaussian.astype("<f8").tofile(os.path.join(folder, "y_gaussian.f64"))
    y_binomial.astype("<f8").tofile(os.path.join(folder, "y_binomial.f64"))
    with open(os.path.join(folder, "meta.txt"), "w") as f:
        f.write(f"{N} {P}\n")
    print(f"wrote {folder}: {N} x {P}, {int(y_binomial.sum())} ones")


if __name__ == "__main__":
    main()
