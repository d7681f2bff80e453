#!/usr/bin/env python3
"""Writes reference trajectories of Lion, LAMB and LARS, run by their papers' PyTorch reference code (PyTorch 1.13 has
none of them), as JSON next to this script: papers.json (float64) and papers_float32.json.

The reference code is not part of this repository; point the script at a checkout of each (paths or environment
variables). It was generated with these files, at these commits:

  --lion  LION_PYTORCH   google/automl                  lion/lion_pytorch.py   6a54c8741e7c3265d4547c4f35f47a0391122dc5
  --lamb  LAMB_PYTORCH   cybertronai/pytorch-lamb       pytorch_lamb/lamb.py   d3ab8dccf6717977c1ad0d6b95499f6b25bba41b
  --lars  LARS_PYTORCH   facebookresearch/barlowtwins   main.py (class LARS)   8e8d284ca0bc02f88b92328e53f9b901e86b4a3c

    MKL_THREADING_LAYER=GNU LION_PYTORCH=.../lion_pytorch.py LAMB_PYTORCH=.../lamb.py LARS_PYTORCH=.../main.py \\
        /usr/bin/python3 tests/Regularization.Tests/Reference/generate_papers.py

How each is loaded: lion_pytorch.py is imported as a module. lamb.py imports tensorboardX for a logging helper only, so a
stand-in module named tensorboardX is registered first (the optimizer does not use it). Barlow Twins' main.py imports
torchvision and parses arguments at the top level, so only its `class LARS` definition is taken from the file (with the
ast module) and executed with `torch` and `optim` in scope. The sha256 of each file is recorded in the JSON.

Same layout and gradients as generate_pytorch.py (a 4x3 weight and a length-3 bias, 12 steps of fixed random gradients
with one exact zero; float32: values drawn in float64 and rounded). Configuration options outside the optimizers'
arguments: "param_scale" multiplies the initial parameters (to push LAMB's weight norm past its clip at 10),
"zero_bias" starts the bias at 0 (a zero weight norm: trust ratio 1). Buffers are stored under this library's slot
names: LARS' "mu" as "momentum_buffer".
"""
import argparse
import ast
import hashlib
import importlib.util
import os
import sys
import types

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate_pytorch as base  # noqa: E402  (float64 default dtype, colmajor, meta, write)

COMMITS = {
    "lion": ("google/automl", "lion/lion_pytorch.py", "6a54c8741e7c3265d4547c4f35f47a0391122dc5"),
    "lamb": ("cybertronai/pytorch-lamb", "pytorch_lamb/lamb.py", "d3ab8dccf6717977c1ad0d6b95499f6b25bba41b"),
    "lars": ("facebookresearch/barlowtwins", "main.py", "8e8d284ca0bc02f88b92328e53f9b901e86b4a3c"),
}

CONFIGS = [
    # name, optimizer, keyword arguments of the reference class, options
    ("lion_default", "lion", dict(), {}),
    ("lion_weight_decay", "lion", dict(lr=1e-3, weight_decay=0.1), {}),
    ("lion_betas_weight_decay", "lion", dict(lr=3e-3, betas=(0.95, 0.98), weight_decay=0.5), {}),
    ("lamb_default", "lamb", dict(), {}),
    ("lamb_weight_decay", "lamb", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1), {}),
    ("lamb_clipped_weight_norm", "lamb", dict(lr=0.02, weight_decay=0.01), {"param_scale": 6.0}),
    ("lamb_zero_bias", "lamb", dict(lr=0.01, eps=1e-8, weight_decay=0.05), {"zero_bias": True}),
    ("lamb_adam", "lamb", dict(lr=0.01, weight_decay=0.02, adam=True), {}),
    ("lars_default", "lars", dict(lr=0.1), {}),
    ("lars_weight_decay_filters", "lars", dict(lr=0.5, weight_decay=0.01, momentum=0.9, eta=0.02,
                                               weight_decay_filter=True, lars_adaptation_filter=True), {}),
    ("lars_decay_filter_only", "lars", dict(lr=0.3, weight_decay=0.05, eta=0.01, weight_decay_filter=True), {}),
    ("lars_no_momentum_zero_bias", "lars", dict(lr=1.0, weight_decay=0.05, momentum=0.0, eta=0.005), {"zero_bias": True}),
]

STATE_KEYS = {"lion": {"exp_avg": "exp_avg"}, "lamb": {"exp_avg": "exp_avg", "exp_avg_sq": "exp_avg_sq"}, "lars": {"mu": "momentum_buffer"}}


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def load_lion(path):
    spec = importlib.util.spec_from_file_location("lion_pytorch", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Lion


def load_lamb(path):
    if "tensorboardX" not in sys.modules:
        stand_in = types.ModuleType("tensorboardX")
        stand_in.SummaryWriter = object  # only the logging helper names it
        sys.modules["tensorboardX"] = stand_in
    spec = importlib.util.spec_from_file_location("pytorch_lamb_lamb", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Lamb


def load_lars(path):
    with open(path) as f:
        tree = ast.parse(f.read(), filename=path)
    classes = [node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "LARS"]
    if len(classes) != 1:
        raise SystemExit(f"{path}: expected one class LARS")
    namespace = {"torch": torch, "optim": torch.optim}
    exec(compile(ast.Module(body=classes, type_ignores=[]), path, "exec"), namespace)
    return namespace["LARS"]


def trajectory(name, kind, cls, kwargs, options, seed, dtype):
    gen = torch.Generator().manual_seed(seed)
    scale = options.get("param_scale", 1.0)
    weight = (torch.randn(4, 3, generator=gen) * scale).to(dtype)
    bias = (torch.randn(3, generator=gen) * scale).to(dtype)
    if options.get("zero_bias"):
        bias = torch.zeros(3, dtype=dtype)
    named = [("weight", weight.clone().requires_grad_(True)), ("bias", bias.clone().requires_grad_(True))]
    args = dict(kwargs)
    if kind == "lars":
        args.setdefault("lr", 0.1)
    opt = cls([p for _, p in named], **args)
    steps = []
    for _ in range(base.STEPS):
        grads = base.draw_gradients(named, gen, dtype)
        opt.step()
        state = {}
        for pname, p in named:
            st = opt.state[p]
            state[pname] = {ours: base.colmajor(st[theirs]) for theirs, ours in STATE_KEYS[kind].items() if torch.is_tensor(st.get(theirs))}
            if kind == "lars" and kwargs.get("momentum", 0.9) == 0:
                state[pname].pop("momentum_buffer", None)  # mu = d: no buffer in this library without momentum
            if "step" in st:
                state[pname]["step"] = float(st["step"])
        steps.append({"grads": grads, "params": {pname: base.colmajor(p) for pname, p in named}, "state": state})
    hyper = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kwargs.items()}
    hyper.update(options)
    return {
        "name": name,
        "optimizer": kind,
        "hyper": hyper,
        "groups": None,
        "params": [{"name": "weight", **base.colmajor(weight)}, {"name": "bias", **base.colmajor(bias)}],
        "steps": steps,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lion", default=os.environ.get("LION_PYTORCH"), help="path to google/automl lion/lion_pytorch.py")
    parser.add_argument("--lamb", default=os.environ.get("LAMB_PYTORCH"), help="path to cybertronai/pytorch-lamb pytorch_lamb/lamb.py")
    parser.add_argument("--lars", default=os.environ.get("LARS_PYTORCH"), help="path to facebookresearch/barlowtwins main.py")
    a = parser.parse_args()
    paths = {"lion": a.lion, "lamb": a.lamb, "lars": a.lars}
    missing = [k for k, v in paths.items() if not v or not os.path.isfile(v)]
    if missing:
        parser.error("reference file(s) not found: " + ", ".join(missing) + " (see --help for where each comes from)")
    classes = {"lion": load_lion(paths["lion"]), "lamb": load_lamb(paths["lamb"]), "lars": load_lars(paths["lars"])}
    references = {k: {"repository": COMMITS[k][0], "file": COMMITS[k][1], "commit": COMMITS[k][2], "sha256": sha256(paths[k])} for k in paths}
    for dtype, file in ((torch.float64, "papers.json"), (torch.float32, "papers_float32.json")):
        configs = [trajectory(name, kind, classes[kind], kwargs, options, 4000 + i, dtype)
                   for i, (name, kind, kwargs, options) in enumerate(CONFIGS)]
        data = {**base.meta(str(dtype).replace("torch.", "")), "generator": "tests/Regularization.Tests/Reference/generate_papers.py",
                "references": references, "steps_per_config": base.STEPS, "configs": configs}
        base.write(file, data)


if __name__ == "__main__":
    main()
