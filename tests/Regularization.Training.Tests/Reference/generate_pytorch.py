#!/usr/bin/env python3
"""Writes PyTorch reference data for Regularization.Training's tests, as JSON next to this script.

Run with Debian's PyTorch (apt-get install python3-torch):
    /usr/bin/python3 tests/Regularization.Training.Tests/Reference/generate_pytorch.py            # float64
    /usr/bin/python3 tests/Regularization.Training.Tests/Reference/generate_pytorch.py float32    # float32

Output: mlp_training.json (float64) or mlp_training_float32.json (the same configurations in float32: the model,
batches and optimizer in torch.float32, every value a float32 written exactly as a double). For each configuration below: a tiny ReLU MLP (6-5-4-3, nn.Linear layers, float64,
PyTorch's default initialisation from torch.manual_seed), and STEPS steps on fixed batches of BATCH samples
(inputs uniform in [0, 1), as ToTensor pixels; labels 0-2). Each step does what the seeds do:

    out = model(x); loss = CrossEntropyLoss()(out, y)              # mean over the batch
    loss = loss + l2 * sum(p.pow(2).sum() for p in model.parameters())   # second seed, when l2 > 0
    loss = loss + l1 * sum(p.abs().sum() for p in model.parameters())    # its L1 variant, when l1 > 0
    optimizer.zero_grad(); loss.backward(); optimizer.step()

and records the batch, the cross-entropy, the total loss, the gradients after backward, the number of correct
predictions and the parameters after the step. Matrices are stored column-major (rows, cols, data), the layout of
MathNet's dense matrices; a bias of length n is an n x 1 column; the inputs x are stored as PyTorch holds them
(batch x features). Python's json writes floats with repr, which round-trips float64 exactly.
"""
import json
import os
import platform
import sys

import torch
import torch.nn as nn

DTYPE = sys.argv[1] if len(sys.argv) > 1 else "float64"
if DTYPE not in ("float32", "float64"):
    sys.exit(f"dtype must be float32 or float64, not {DTYPE}")
torch.set_default_dtype(torch.float64 if DTYPE == "float64" else torch.float32)
HERE = os.path.dirname(os.path.abspath(__file__))
SIZES = [6, 5, 4, 3]
BATCH = 7
STEPS = 5

CONFIGS = [
    # name, optimizer, keyword arguments, l1, l2
    ("sgd_weight_decay", "sgd", dict(lr=0.1, weight_decay=0.01), 0.0, 0.0),
    ("sgd_l2_term", "sgd", dict(lr=0.1), 0.0, 0.005),
    ("sgd_l1_term", "sgd", dict(lr=0.1), 0.003, 0.0),
    ("sgd_l1_and_l2_terms", "sgd", dict(lr=0.1), 0.002, 0.004),
    ("sgd_nesterov_weight_decay_l2_term", "sgd", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.001), 0.0, 0.002),
    ("sgd_momentum_dampening", "sgd", dict(lr=0.05, momentum=0.8, dampening=0.3), 0.0, 0.0),
    ("adam_weight_decay", "adam", dict(lr=0.01, weight_decay=0.01), 0.0, 0.0),
    ("adamw_l1_term", "adamw", dict(lr=0.01, weight_decay=0.05), 0.001, 0.0),
]


def colmajor(t):
    t = t.detach()
    if t.dim() == 1:
        return {"rows": t.shape[0], "cols": 1, "data": t.tolist()}
    return {"rows": t.shape[0], "cols": t.shape[1], "data": t.t().contiguous().flatten().tolist()}


class Mlp(nn.Module):
    def __init__(self, sizes):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i + 1 < len(self.layers):
                x = torch.relu(x)
        return x


def named_parameters(model):
    # fc1.weight, fc1.bias, fc2.weight, ... as Regularization.Training.Mlp names them.
    out = []
    for i, layer in enumerate(model.layers):
        out.append((f"fc{i + 1}.weight", layer.weight))
        out.append((f"fc{i + 1}.bias", layer.bias))
    return out


def make_optimizer(kind, params, kw):
    if kind == "sgd":
        return torch.optim.SGD(params, foreach=False, **kw)
    if kind == "adam":
        return torch.optim.Adam(params, foreach=False, **kw)
    if kind == "adamw":
        return torch.optim.AdamW(params, foreach=False, **kw)
    raise ValueError(kind)


def run(index, name, kind, kw, l1, l2):
    torch.manual_seed(1000 + index)
    model = Mlp(SIZES)
    named = named_parameters(model)
    initial = [dict(name=n, **colmajor(p)) for n, p in named]
    optimizer = make_optimizer(kind, model.parameters(), kw)
    criterion = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(2000 + index)
    steps = []
    for _ in range(STEPS):
        x = torch.rand(BATCH, SIZES[0], generator=gen)
        y = torch.randint(0, SIZES[-1], (BATCH,), generator=gen)
        out = model(x)
        ce = criterion(out, y)
        loss = ce
        if l2 > 0:
            loss = loss + l2 * sum(p.pow(2.0).sum() for p in model.parameters())
        if l1 > 0:
            loss = loss + l1 * sum(p.abs().sum() for p in model.parameters())
        optimizer.zero_grad()
        loss.backward()
        grads = {n: colmajor(p.grad) for n, p in named}
        correct = int((out.argmax(1) == y).sum().item())
        optimizer.step()
        steps.append({
            "x": colmajor(x),
            "labels": y.tolist(),
            "cross_entropy": ce.item(),
            "loss": loss.item(),
            "correct": correct,
            "grads": grads,
            "params": {n: colmajor(p) for n, p in named},
        })
    return {"name": name, "optimizer": kind, "hyper": kw, "l1": l1, "l2": l2, "params": initial, "steps": steps}


def main():
    data = {
        "meta": {
            "generator": "tests/Regularization.Training.Tests/Reference/generate_pytorch.py",
            "torch": torch.__version__,
            "python": platform.python_version(),
            "dtype": DTYPE,
            "sizes": SIZES,
            "batch": BATCH,
        },
        "configs": [run(i, *c) for i, c in enumerate(CONFIGS)],
    }
    path = os.path.join(HERE, "mlp_training.json" if DTYPE == "float64" else "mlp_training_float32.json")
    with open(path, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    print(f"wrote {path}: {len(CONFIGS)} configurations of {STEPS} steps")


if __name__ == "__main__":
    main()
