"""Times scikit-learn on the regularization-path benchmark problem (bench/peer/path_data.py), one thread:
enet_path (lasso, the same 100 lambdas as glmnet's default grid on standardized features, tol 1e-7) and
LogisticRegression(penalty='l1', solver='saga', warm_start) over the same 100 binomial lambdas (C = 1/(n*lambda)).
Prints "sklearn FAMILY seconds=S lambdas=L warnings=W". Standardizing the features is not timed (glmnet's is).

Run: OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 /usr/bin/python3 bench/peer/path_sklearn.py [MAX_SECONDS]
"""
import os
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, enet_path

HERE = os.path.dirname(os.path.abspath(__file__))


def load():
    folder = os.path.join(HERE, "data")
    n, p = (int(v) for v in open(os.path.join(folder, "meta.txt")).read().split())
    x = np.fromfile(os.path.join(folder, "x.f64"), dtype="<f8").reshape(p, n).T
    return x, {f: np.fromfile(os.path.join(folder, f"y_{f}.f64"), dtype="<f8") for f in ("gaussian", "binomial")}


def grid(lambda_max, count=100, ratio=1e-4):
    return lambda_max * ratio ** (np.arange(count) / (count - 1))


def main():
    budget = float(sys.argv[1]) if len(sys.argv) > 1 else 600
    x, ys = load()
    n = x.shape[0]
    xs = (x - x.mean(axis=0)) / x.std(axis=0)
    xs = np.asfortranarray(xs)
    print(f"# scikit-learn {sklearn.__version__}, numpy {np.__version__}")

    y = ys["gaussian"] - ys["gaussian"].mean()
    lambdas = grid(np.abs(xs.T @ y).max() / n)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        start = time.perf_counter()
        enet_path(xs, y, l1_ratio=1.0, alphas=lambdas, tol=1e-7, max_iter=100_000, precompute=False)
        seconds = time.perf_counter() - start
    print(f"sklearn gaussian seconds={seconds:.4f} lambdas={len(lambdas)} warnings={len(caught)} what=enet_path(tol=1e-7)")

    y = ys["binomial"]
    lambdas = grid(np.abs(xs.T @ (y - y.mean())).max() / n)
    model = LogisticRegression(penalty="l1", solver="saga", tol=1e-4, max_iter=100, warm_start=True)
    fitted = 0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        start = time.perf_counter()
        for lam in lambdas:
            model.set_params(C=1 / (n * lam))
            model.fit(xs, y)
            fitted += 1
            if time.perf_counter() - start > budget:
                break
        seconds = time.perf_counter() - start
    print(f"sklearn binomial seconds={seconds:.4f} lambdas={fitted} warnings={len(caught)} what=LogisticRegression(saga,tol=1e-4,max_iter=100)")


if __name__ == "__main__":
    main()
