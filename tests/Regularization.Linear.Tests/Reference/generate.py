"""Reference paths for Regularization.Linear: glmnet (R, r-cran-glmnet) and scikit-learn fit the same generated
problems with tight tolerances; the paths go to paths.json, which the tests read (CI needs neither R nor Python).

Run from anywhere:  /usr/bin/python3 tests/Regularization.Linear.Tests/Reference/generate.py
Needs: python3-numpy, python3-sklearn, r-base-core with r-cran-glmnet (Rscript on PATH).

Data: features are correlated Gaussians (AR(1) covariance rho^|i-j|), rounded to 4 decimals so that the stored
numbers are exactly what the peers read; gaussian targets are centered and scaled to unit weighted variance (1/n
formula) in float64 and stored with 17 significant digits, because glmnet rescales y to unit variance (which
changes its answer for alpha < 1 unless the variance is already 1). Binomial targets are 0/1.
"""
import json
import os
import subprocess
import sys
import tempfile
import warnings

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression, enet_path

HERE = os.path.dirname(os.path.abspath(__file__))
GLMNET_THRESH = 1e-30
SKLEARN_TOL = 1e-14
NLAMBDA = 20


def correlated(rng, n, p, rho):
    cov = rho ** np.abs(np.subtract.outer(np.arange(p), np.arange(p)))
    x = rng.standard_normal((n, p)) @ np.linalg.cholesky(cov).T
    return np.round(x, 4)


def dataset(name, family, n, p, rho, nonzero, seed, weighted=False, factors=None):
    rng = np.random.default_rng(seed)
    x = correlated(rng, n, p, rho)
    beta = np.zeros(p)
    idx = rng.choice(p, nonzero, replace=False)
    beta[idx] = rng.choice([-1.0, 1.0], nonzero) * rng.uniform(0.5, 2.0, nonzero)
    w = np.round(rng.uniform(0.5, 2.0, n), 3) if weighted else np.ones(n)
    eta = x @ beta
    if family == "gaussian":
        y = eta + rng.standard_normal(n) * 1.5
        wn = w / w.sum()
        m = np.sum(wn * y)
        s = np.sqrt(np.sum(wn * (y - m) ** 2))
        y = (y - m) / s
    else:
        y = (rng.uniform(size=n) < 1 / (1 + np.exp(-0.8 * eta))).astype(float)
    vp = np.ones(p) if factors is None else np.array(factors, dtype=float)
    return {"name": name, "family": family, "x": x, "y": y, "weights": w, "penaltyFactors": vp}


DATASETS = [
    dataset("gaussian_tall", "gaussian", 60, 12, 0.7, 4, 1),
    dataset("gaussian_wide", "gaussian", 20, 30, 0.5, 5, 2),
    dataset("gaussian_weighted", "gaussian", 50, 8, 0.6, 3, 3, weighted=True, factors=[0, 1, 1, 2, 0.5, 1, 3, 1]),
    dataset("binomial_tall", "binomial", 80, 10, 0.5, 4, 4),
    dataset("binomial_wide", "binomial", 24, 30, 0.5, 5, 5),
    dataset("binomial_weighted", "binomial", 60, 8, 0.5, 3, 6, weighted=True, factors=[0, 1, 1, 2, 0.5, 1, 3, 1]),
]


def jobs():
    out = []
    for d in DATASETS:
        plain = d["weights"].min() == 1 and d["weights"].max() == 1 and np.all(d["penaltyFactors"] == 1)
        wide = d["x"].shape[0] < d["x"].shape[1]
        for alpha in (1.0, 0.5, 0.01):
            for standardize in (True, False):
                ratio = 0.05 if (d["family"] == "binomial" and wide) else 0
                name = f"{d['name']}_a{alpha:g}_{'std' if standardize else 'raw'}"
                cv = 5 if (alpha == 1.0 and standardize and d["name"] in ("gaussian_tall", "binomial_tall")) else 0
                measures = "mse,mae" if d["family"] == "gaussian" else "deviance,class,mse"
                out.append(dict(name=name, data=d["name"], family=d["family"], alpha=alpha, standardize=standardize,
                                intercept=True, ratio=ratio, cv=cv, measures=measures, sklearn=plain and not standardize))
        if d["name"] in ("gaussian_tall", "binomial_tall"):
            out.append(dict(name=f"{d['name']}_a0.5_nointercept", data=d["name"], family=d["family"], alpha=0.5,
                            standardize=True, intercept=False, ratio=0, cv=0, measures="", sklearn=False))
    return out


def run_glmnet(folder, job_list):
    with open(os.path.join(folder, "jobs.txt"), "w") as f:
        f.write("name data family alpha nlambda standardize intercept thresh ratio cv measures\n")
        for j in job_list:
            f.write(f"{j['name']} {j['data']} {j['family']} {j['alpha']!r} {NLAMBDA} {str(j['standardize']).upper()} "
                    f"{str(j['intercept']).upper()} {GLMNET_THRESH!r} {j['ratio']!r} {j['cv']} {j['measures'] or 'none'}\n")
    subprocess.run(["Rscript", os.path.join(HERE, "generate.R"), folder], check=True)
    version = subprocess.run(["Rscript", "-e", "cat(as.character(packageVersion('glmnet')))"],
                             check=True, capture_output=True, text=True).stdout.strip()
    return version


def read_numbers(line):
    return [float(v) for v in line.split()]


def glmnet_fit(folder, job):
    lines = open(os.path.join(folder, job["name"] + ".glmnet.txt")).read().splitlines()
    lambdas, a0, dev = read_numbers(lines[0]), read_numbers(lines[1]), read_numbers(lines[2])
    beta = [read_numbers(l) for l in lines[3:]]
    return lambdas, a0, beta, dev


def usable(d, lambdas, a0, beta):
    """Lambdas whose binomial fit keeps every probability inside [1e-6, 1 - 1e-6] (glmnet clamps near 0 and 1)."""
    if d["family"] != "binomial":
        return len(lambdas)
    for k in range(len(lambdas)):
        eta = a0[k] + d["x"] @ np.array(beta[k])
        prob = 1 / (1 + np.exp(-eta))
        if prob.min() < 1e-6 or prob.max() > 1 - 1e-6:
            return k
    return len(lambdas)


def sklearn_fit(d, alpha, lambdas):
    x, y = d["x"], d["y"]
    n = x.shape[0]
    if d["family"] == "gaussian":
        xm, ym = x.mean(axis=0), y.mean()
        _, coefs, _ = enet_path(x - xm, y - ym, l1_ratio=alpha, alphas=np.array(lambdas), tol=SKLEARN_TOL,
                                max_iter=1_000_000)
        coefs = coefs.T
        return [float(ym - xm @ c) for c in coefs], [list(c) for c in coefs], "enet_path"
    model = LogisticRegression(penalty="elasticnet", solver="saga", l1_ratio=alpha, tol=SKLEARN_TOL,
                               max_iter=1_000_000, warm_start=True)
    intercepts, coefs = [], []
    for lam in lambdas:
        model.set_params(C=1 / (n * lam))
        model.fit(x, y)
        intercepts.append(float(model.intercept_[0]))
        coefs.append([float(v) for v in model.coef_[0]])
    return intercepts, coefs, "LogisticRegression(saga)"


def r12(values):
    """12 significant digits: far below the 1e-8 comparisons, a third of the bytes."""
    return [float(f"{v:.12g}") for v in values]


def rel(a, b):
    """Largest difference of (intercept, coefficients) relative to max(1, largest |value|) at one lambda."""
    a, b = np.array(a), np.array(b)
    return float(np.abs(a - b).max() / max(np.abs(a).max(), 1.0))


def main():
    job_list = jobs()
    by_name = {d["name"]: d for d in DATASETS}
    with tempfile.TemporaryDirectory() as folder:
        for d in DATASETS:
            np.savetxt(os.path.join(folder, d["name"] + ".x.txt"), d["x"], fmt="%.4f")
            np.savetxt(os.path.join(folder, d["name"] + ".y.txt"), d["y"], fmt="%.17g")
            np.savetxt(os.path.join(folder, d["name"] + ".w.txt"), d["weights"], fmt="%.17g")
            np.savetxt(os.path.join(folder, d["name"] + ".vp.txt"), d["penaltyFactors"], fmt="%.17g")
        glmnet_version = run_glmnet(folder, job_list)
        fits, cvs = [], []
        for j in job_list:
            d = by_name[j["data"]]
            lambdas, a0, beta, dev = glmnet_fit(folder, j)
            keep = usable(d, lambdas, a0, beta)
            lambdas, a0, beta, dev = lambdas[:keep], a0[:keep], beta[:keep], dev[:keep]
            common = dict(dataset=j["data"], family=j["family"], alpha=j["alpha"], standardize=j["standardize"],
                          intercept=j["intercept"], defaultGrid=True, lambdaMinRatio=j["ratio"] or None)
            fits.append(dict(name=j["name"], peer="glmnet", settings=f"thresh={GLMNET_THRESH:g}, maxit=1e8",
                             lambdas=lambdas, intercepts=r12(a0), coefficients=[r12(b) for b in beta],
                             devRatio=r12(dev), **common))
            if j["sklearn"]:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    ints, coefs, what = sklearn_fit(d, j["alpha"], lambdas)
                diffs = [rel(np.r_[a, c], np.r_[ga, gc]) for a, c, ga, gc in zip(ints, coefs, a0, beta)]
                worst = max(diffs)
                print(f"{j['name']}: sklearn {what} vs glmnet, max relative difference {worst:.2e} at lambda #{int(np.argmax(diffs))} of {len(diffs)}")
                fits.append(dict(name=j["name"] + "_sklearn", peer="sklearn", settings=f"{what}, tol={SKLEARN_TOL:g}",
                                 lambdas=lambdas, intercepts=r12(ints), coefficients=[r12(c) for c in coefs],
                                 glmnetDifference=worst, **common))
            if j["cv"]:
                for measure in j["measures"].split(","):
                    lines = open(os.path.join(folder, f"{j['name']}.cv.{measure}.txt")).read().splitlines()
                    lam, cvm, cvsd = read_numbers(lines[0]), read_numbers(lines[1]), read_numbers(lines[2])
                    cvs.append(dict(fit=j["name"], measure=measure, folds=j["cv"], foldIds="row mod K",
                                    lambdas=lam, cvm=r12(cvm), cvsd=r12(cvsd), lambdaMin=float(lines[3]), lambda1Se=float(lines[4])))
    out = {
        "generator": "tests/Regularization.Linear.Tests/Reference/generate.py (+ generate.R)",
        "versions": {"glmnet": glmnet_version, "sklearn": sklearn.__version__, "numpy": np.__version__},
        "datasets": [dict(name=d["name"], family=d["family"], x=d["x"].tolist(), y=d["y"].tolist(),
                          weights=d["weights"].tolist(), penaltyFactors=d["penaltyFactors"].tolist()) for d in DATASETS],
        "fits": fits,
        "cv": cvs,
    }
    path = os.path.join(HERE, "paths.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(f"wrote {path}: {os.path.getsize(path) / 1024:.0f} KiB, {len(fits)} fits, {len(cvs)} cross-validations")


if __name__ == "__main__":
    sys.exit(main())
