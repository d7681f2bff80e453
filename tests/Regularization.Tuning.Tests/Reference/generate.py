#!/usr/bin/python3
"""Reference numbers for GaussianProcessTests: scikit-learn 1.2's GaussianProcessRegressor with a fixed kernel.

Run with /usr/bin/python3 (scikit-learn 1.2, SciPy 1.10); writes gp.json beside this file.
C(a) * Matern(l, nu=2.5) or C(a) * RBF(l), alpha = noise (added to the training diagonal only), optimizer=None,
normalize_y=False: predict(return_std=True) is the latent posterior, and log_marginal_likelihood_value_ the
evidence. Expected improvement (maximization) from SciPy's normal distribution: EI = (mu - best - xi) Phi(z) + s phi(z).
"""
import json
import os

import numpy as np
import sklearn
from scipy.stats import norm
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, Matern

rng = np.random.RandomState(3)
cases = []
for name, dim, n, kind, length, amp, noise in [
    ("matern-1d", 1, 6, "Matern52", 0.3, 1.0, 1e-6),
    ("matern-1d-noisy", 1, 8, "Matern52", 0.15, 2.0, 0.01),
    ("rbf-1d", 1, 5, "Rbf", 0.25, 0.5, 1e-4),
    ("matern-2d", 2, 10, "Matern52", 0.4, 1.5, 0.001),
    ("rbf-2d", 2, 7, "Rbf", 0.6, 1.0, 0.03),
]:
    x = rng.uniform(size=(n, dim))
    y = np.sin(6 * x[:, 0]) + (x[:, 1] ** 2 if dim > 1 else 0) + 0.1 * rng.normal(size=n)
    base = Matern(length_scale=length, nu=2.5, length_scale_bounds="fixed") if kind == "Matern52" else RBF(length_scale=length, length_scale_bounds="fixed")
    kernel = ConstantKernel(amp, constant_value_bounds="fixed") * base
    gp = GaussianProcessRegressor(kernel=kernel, alpha=noise, optimizer=None, normalize_y=False).fit(x, y)
    q = rng.uniform(size=(6, dim))
    mean, std = gp.predict(q, return_std=True)
    best = float(y.max())
    xi = 0.01
    imp = mean - best - xi
    z = imp / std
    ei = imp * norm.cdf(z) + std * norm.pdf(z)
    cases.append({
        "Name": name, "Kernel": kind, "LengthScale": length, "Amplitude": amp, "Noise": noise,
        "X": x.tolist(), "Y": y.tolist(), "Query": q.tolist(), "Mean": mean.tolist(), "Std": std.tolist(),
        "LogMarginalLikelihood": float(gp.log_marginal_likelihood_value_), "Best": best, "Xi": xi, "ExpectedImprovement": ei.tolist(),
    })

out = {"Generator": f"scikit-learn {sklearn.__version__}, SciPy (scipy.stats.norm), tests/Regularization.Tuning.Tests/Reference/generate.py", "Cases": cases}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "gp.json"), "w") as f:
    json.dump(out, f, indent=1)
