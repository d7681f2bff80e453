#!/usr/bin/env python3
"""Writes PyTorch reference data for the tests, as JSON next to this script.

Run with Debian's PyTorch (apt-get install python3-torch):
    /usr/bin/python3 tests/Regularization.Tests/Reference/generate_pytorch.py

Outputs:
  optimizers.json  trajectories of torch.optim.SGD / Adam / AdamW (float64, single-tensor path) over fixed random
                   gradients: parameters and optimizer state after every step, for every configuration below.
  optimizers_float32.json  the same configurations in float32: initial parameters and gradients drawn in float64 and
                   rounded to float32, then PyTorch's float32 arithmetic (the values are exact float32 numbers).
  family.json, family_float32.json  the same for RMSprop, Adagrad, Adamax, NAdam, RAdam, Adadelta, ASGD, Rprop, and
                   NAdamW/RAdamW (PyTorch 2.x decoupled_weight_decay, emulated: p *= 1 - lr*wd before step())
                   (every flag of each), in float64 and float32.
  l2_equivalence.json  the second seed's claim, from autograd: SGD on loss + lambda*sum(w^2) versus
                   SGD(weight_decay=2*lambda) on loss, for a small least-squares model.
  schedules.json   closed-form values of StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR and LinearLR.
  family_schedules.json  the PyTorch family (float64) under an lr_scheduler: LambdaLR with lr(t) = lr * 0.5**(t // 3)
                   (exact in binary, so the closed form Schedule.Step(lr, 3, 0.5) is the same number), scheduler.step()
                   after every optimizer.step(), as a training loop does. ASGD's eta lags the schedule by one step there.
                   Rprop is not in it: PyTorch's Rprop reads lr once, so a scheduler changes nothing.

Matrices are stored column-major (rows, cols, data), the layout of MathNet's dense matrices; a 1-D tensor of
length n is an n x 1 column. Python's json writes floats with repr, which round-trips float64 exactly.
"""
import json
import math
import os
import platform
import sys

import torch

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
STEPS = 12


def colmajor(t):
    t = t.detach()
    if t.dim() == 1:
        return {"rows": t.shape[0], "cols": 1, "data": t.tolist()}
    return {"rows": t.shape[0], "cols": t.shape[1], "data": t.t().contiguous().flatten().tolist()}


def meta(dtype="float64"):
    return {
        "generator": "tests/Regularization.Tests/Reference/generate_pytorch.py",
        "torch": torch.__version__,
        "python": platform.python_version(),
        "cpu_capability": [line.strip() for line in torch.__config__.show().splitlines() if "CPU capability" in line],
        "dtype": dtype,
    }


CONFIGS = [
    # name, optimizer, keyword arguments
    ("sgd_plain", "sgd", dict(lr=0.1)),
    ("sgd_weight_decay", "sgd", dict(lr=0.05, weight_decay=0.01)),
    ("sgd_seed1", "sgd", dict(lr=0.01, weight_decay=1e-4)),
    ("sgd_momentum", "sgd", dict(lr=0.1, momentum=0.9)),
    ("sgd_momentum_weight_decay", "sgd", dict(lr=0.05, momentum=0.9, weight_decay=1e-3)),
    ("sgd_momentum_dampening", "sgd", dict(lr=0.1, momentum=0.9, dampening=0.5)),
    ("sgd_momentum_dampening_weight_decay", "sgd", dict(lr=0.03, momentum=0.5, dampening=0.1, weight_decay=0.02)),
    ("sgd_nesterov", "sgd", dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("sgd_nesterov_weight_decay", "sgd", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=5e-3)),
    ("sgd_maximize", "sgd", dict(lr=0.1, maximize=True)),
    ("sgd_maximize_momentum_weight_decay", "sgd", dict(lr=0.05, momentum=0.8, weight_decay=0.01, maximize=True)),
    ("adam_default", "adam", dict()),
    ("adam_weight_decay", "adam", dict(lr=0.01, weight_decay=0.01)),
    ("adam_amsgrad", "adam", dict(lr=0.01, amsgrad=True)),
    ("adam_amsgrad_weight_decay", "adam", dict(lr=0.02, amsgrad=True, weight_decay=0.05)),
    ("adam_maximize", "adam", dict(lr=0.01, maximize=True)),
    ("adam_betas_eps", "adam", dict(lr=0.005, betas=(0.8, 0.99), eps=1e-6)),
    ("adam_maximize_amsgrad_weight_decay", "adam", dict(lr=0.01, maximize=True, amsgrad=True, weight_decay=0.1)),
    ("adamw_default", "adamw", dict()),
    ("adamw_strong_decay", "adamw", dict(lr=0.01, weight_decay=0.1)),
    ("adamw_amsgrad", "adamw", dict(lr=0.01, amsgrad=True)),
    ("adamw_amsgrad_weight_decay", "adamw", dict(lr=0.005, amsgrad=True, weight_decay=0.05)),
    ("adamw_maximize", "adamw", dict(lr=0.01, maximize=True)),
    ("adamw_no_decay", "adamw", dict(lr=0.01, weight_decay=0.0)),
    ("adamw_betas_eps_amsgrad_maximize", "adamw", dict(lr=0.02, betas=(0.5, 0.9), eps=1e-4, amsgrad=True, maximize=True)),
]

# PyTorch param_groups: the common "no decay for biases" recipe and per-group learning rates.
GROUP_CONFIGS = [
    ("sgd_groups_no_bias_decay", "sgd", dict(lr=0.1, momentum=0.9, weight_decay=0.01),
     [dict(params=["weight"]), dict(params=["bias"], weight_decay=0.0)]),
    ("adamw_groups_bias_lr", "adamw", dict(lr=0.01, weight_decay=0.05),
     [dict(params=["weight"]), dict(params=["bias"], weight_decay=0.0, lr=0.05)]),
]

STATE_KEYS = {"sgd": ["momentum_buffer"], "adam": ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"], "adamw": ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"]}

# The rest of the PyTorch 1.13 family (issue 12), written to family.json / family_float32.json: every flag of each.
FAMILY_CONFIGS = [
    ("rmsprop_default", "rmsprop", dict()),
    ("rmsprop_weight_decay", "rmsprop", dict(lr=0.01, weight_decay=0.1)),
    ("rmsprop_momentum", "rmsprop", dict(lr=0.01, momentum=0.9)),
    ("rmsprop_centered", "rmsprop", dict(lr=0.01, centered=True)),
    ("rmsprop_maximize", "rmsprop", dict(lr=0.01, maximize=True)),
    ("rmsprop_centered_momentum_weight_decay_maximize", "rmsprop",
     dict(lr=0.005, alpha=0.9, eps=1e-6, momentum=0.5, centered=True, weight_decay=0.05, maximize=True)),
    ("adagrad_default", "adagrad", dict()),
    ("adagrad_lr_decay", "adagrad", dict(lr=0.1, lr_decay=0.05)),
    ("adagrad_initial_accumulator", "adagrad", dict(lr=0.1, initial_accumulator_value=0.5)),
    ("adagrad_weight_decay_maximize", "adagrad",
     dict(lr=0.05, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.1, eps=1e-8, maximize=True)),
    ("adamax_default", "adamax", dict()),
    ("adamax_weight_decay", "adamax", dict(lr=0.01, weight_decay=0.05)),
    ("adamax_betas_eps_maximize", "adamax", dict(lr=0.02, betas=(0.8, 0.99), eps=1e-4, maximize=True)),
    ("nadam_default", "nadam", dict()),
    ("nadam_weight_decay", "nadam", dict(lr=0.01, weight_decay=0.05)),
    ("nadam_betas_momentum_decay", "nadam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, momentum_decay=0.1)),
    ("radam_default", "radam", dict()),
    ("radam_weight_decay", "radam", dict(lr=0.01, weight_decay=0.05)),
    ("radam_betas_eps", "radam", dict(lr=0.01, betas=(0.9, 0.9), eps=1e-6)),
    ("adadelta_default", "adadelta", dict()),
    ("adadelta_weight_decay", "adadelta", dict(lr=0.5, rho=0.8, eps=1e-4, weight_decay=0.1)),
    ("adadelta_maximize", "adadelta", dict(maximize=True)),
    ("asgd_default", "asgd", dict()),
    ("asgd_averaging_weight_decay", "asgd", dict(lr=0.05, lambd=0.01, alpha=0.5, t0=3.0, weight_decay=0.01)),
    ("asgd_maximize", "asgd", dict(lr=0.05, t0=0.0, maximize=True)),
    ("rprop_default", "rprop", dict()),
    ("rprop_etas_step_sizes_maximize", "rprop", dict(lr=0.05, etas=(0.3, 1.5), step_sizes=(0.01, 0.1), maximize=True)),
    # PyTorch 2.x's NAdam/RAdam(decoupled_weight_decay=True): param.mul_(1 - lr*weight_decay) before the undecayed
    # step. PyTorch 1.13 has no such flag, so the script does exactly that multiplication before step().
    ("nadamw", "nadamw", dict(lr=0.01, weight_decay=0.1)),
    ("nadamw_betas", "nadamw", dict(lr=0.005, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05, momentum_decay=0.01)),
    ("radamw", "radamw", dict(lr=0.01, weight_decay=0.1)),
    ("radamw_betas", "radamw", dict(lr=0.01, betas=(0.9, 0.9), weight_decay=0.02)),
]

DECOUPLED = {"nadamw": "nadam", "radamw": "radam"}

STATE_KEYS.update({
    "rmsprop": ["square_avg", "grad_avg", "momentum_buffer"],
    "adagrad": ["sum"],
    "adamax": ["exp_avg", "exp_inf"],
    "nadam": ["exp_avg", "exp_avg_sq"],
    "radam": ["exp_avg", "exp_avg_sq"],
    "adadelta": ["square_avg", "acc_delta"],
    "asgd": ["ax"],
    "rprop": ["prev", "step_size"],
    "nadamw": ["exp_avg", "exp_avg_sq"],
    "radamw": ["exp_avg", "exp_avg_sq"],
})

OPTIMIZER_CLASSES = {
    "sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "rmsprop": torch.optim.RMSprop,
    "adagrad": torch.optim.Adagrad, "adamax": torch.optim.Adamax, "nadam": torch.optim.NAdam, "radam": torch.optim.RAdam,
    "adadelta": torch.optim.Adadelta, "asgd": torch.optim.ASGD, "rprop": torch.optim.Rprop,
}


def make_optimizer(kind, named, kwargs, groups=None):
    cls = OPTIMIZER_CLASSES[DECOUPLED.get(kind, kind)]
    kwargs = dict(kwargs)
    if kind in DECOUPLED:
        kwargs.pop("weight_decay")
    kwargs["foreach"] = False
    if groups is None:
        return cls([p for _, p in named], **kwargs)
    by_name = dict(named)
    param_groups = []
    for g in groups:
        g = dict(g)
        g["params"] = [by_name[n] for n in g["params"]]
        param_groups.append(g)
    return cls(param_groups, **kwargs)


def draw_gradients(named, gen, dtype):
    """One step's gradients, drawn in parameter order (float32: drawn in float64, then rounded), with one exact zero in
    the weight; sets each p.grad and returns the gradients column-major by name."""
    grads = {}
    for pname, p in named:
        g = torch.randn(p.shape, generator=gen).to(dtype)
        if pname == "weight":
            g[0, 0] = 0.0  # an exact zero gradient entry
        p.grad = g.clone()
        grads[pname] = colmajor(g)
    return grads


def trajectory(name, kind, kwargs, seed, groups=None, dtype=torch.float64, schedule=None):
    gen = torch.Generator().manual_seed(seed)
    weight = torch.randn(4, 3, generator=gen).to(dtype)
    bias = torch.randn(3, generator=gen).to(dtype)
    named = [("weight", weight.clone().requires_grad_(True)), ("bias", bias.clone().requires_grad_(True))]
    opt = make_optimizer(kind, named, kwargs, groups)
    sched = None
    if schedule is not None:
        step_size, gamma = schedule
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda t: gamma ** (t // step_size))
    steps = []
    for _ in range(STEPS):
        grads = draw_gradients(named, gen, dtype)
        if kind in DECOUPLED:
            with torch.no_grad():
                for _, p in named:
                    p.mul_(1 - kwargs["lr"] * kwargs["weight_decay"])
        opt.step()
        if sched is not None:
            sched.step()
        state = {}
        for pname, p in named:
            st = opt.state[p]
            state[pname] = {k: colmajor(st[k]) for k in STATE_KEYS[kind] if torch.is_tensor(st.get(k)) and st[k].numel() > 0}
            if "step" in st:
                state[pname]["step"] = float(st["step"])
        steps.append({"grads": grads, "params": {pname: colmajor(p) for pname, p in named}, "state": state})
    hyper = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kwargs.items()}
    out = {
        "name": name,
        "optimizer": kind,
        "hyper": hyper,
        "groups": groups,
        "params": [{"name": "weight", **colmajor(weight)}, {"name": "bias", **colmajor(bias)}],
        "steps": steps,
    }
    if schedule is not None:
        out["schedule"] = {"kind": "step", "step_size": schedule[0], "gamma": schedule[1]}
    return out


def optimizers(dtype=torch.float64):
    configs = []
    for i, (name, kind, kwargs) in enumerate(CONFIGS):
        configs.append(trajectory(name, kind, kwargs, seed=1000 + i, dtype=dtype))
    for i, (name, kind, kwargs, groups) in enumerate(GROUP_CONFIGS):
        configs.append(trajectory(name, kind, kwargs, seed=2000 + i, groups=groups, dtype=dtype))
    return {**meta(str(dtype).replace("torch.", "")), "steps_per_config": STEPS, "configs": configs}


def family(dtype=torch.float64):
    configs = [trajectory(name, kind, kwargs, seed=3000 + i, dtype=dtype) for i, (name, kind, kwargs) in enumerate(FAMILY_CONFIGS)]
    return {**meta(str(dtype).replace("torch.", "")), "steps_per_config": STEPS, "configs": configs}


# The family under LambdaLR(lr * 0.5**(t // 3)): every member whose step reads the group's lr (Rprop does not).
SCHEDULE_CONFIGS = [
    ("rmsprop_step_schedule", "rmsprop", dict(lr=0.01, momentum=0.5, centered=True, weight_decay=0.05)),
    ("adagrad_step_schedule", "adagrad", dict(lr=0.1, lr_decay=0.05, weight_decay=0.05)),
    ("adadelta_step_schedule", "adadelta", dict(lr=0.5, weight_decay=0.05)),
    ("adamax_step_schedule", "adamax", dict(lr=0.02, weight_decay=0.05)),
    ("nadam_step_schedule", "nadam", dict(lr=0.01, weight_decay=0.05)),
    ("radam_step_schedule", "radam", dict(lr=0.01, betas=(0.9, 0.9), weight_decay=0.05)),
    ("asgd_step_schedule", "asgd", dict(lr=0.05, lambd=0.01, alpha=0.5, t0=3.0, weight_decay=0.05)),
    ("asgd_step_schedule_maximize", "asgd", dict(lr=0.1, lambd=0.1, t0=0.0, maximize=True)),
]


def family_schedules():
    configs = [trajectory(name, kind, kwargs, seed=4000 + i, schedule=(3, 0.5)) for i, (name, kind, kwargs) in enumerate(SCHEDULE_CONFIGS)]
    return {**meta(), "steps_per_config": STEPS, "configs": configs}


def l2_equivalence():
    """loss = mean((X w + b - y)^2); A: SGD(lr) on loss + lam * (sum(w^2) + sum(b^2)); B: SGD(lr, weight_decay=2*lam) on loss."""
    gen = torch.Generator().manual_seed(7)
    n, d = 16, 3
    X = torch.randn(n, d, generator=gen)
    y = torch.randn(n, 1, generator=gen)
    w0 = torch.randn(d, 1, generator=gen)
    b0 = torch.randn(1, 1, generator=gen)
    lam, lr = 0.05, 0.1
    out = {**meta(), "lambda": lam, "lr": lr, "X": colmajor(X), "y": colmajor(y), "w0": colmajor(w0), "b0": colmajor(b0)}
    for variant in ("penalty_in_loss", "weight_decay"):
        w = w0.clone().requires_grad_(True)
        b = b0.clone().requires_grad_(True)
        if variant == "penalty_in_loss":
            opt = torch.optim.SGD([w, b], lr=lr, foreach=False)
        else:
            opt = torch.optim.SGD([w, b], lr=lr, weight_decay=2 * lam, foreach=False)
        rows = []
        for _ in range(STEPS):
            opt.zero_grad()
            loss = ((X @ w + b - y) ** 2).mean()
            if variant == "penalty_in_loss":
                loss = loss + lam * sum(p.pow(2.0).sum() for p in (w, b))
            loss.backward()
            opt.step()
            rows.append({"loss": loss.item(), "w": colmajor(w), "b": colmajor(b)})
        out[variant] = rows
    return out


def schedules():
    def run(make, steps=40):
        p = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([p], lr=0.1)
        sched = make(opt)
        values = []
        for t in range(steps):
            sched.last_epoch = t
            values.append(sched._get_closed_form_lr()[0])
        return values

    lr = torch.optim.lr_scheduler
    return {
        **meta(),
        "base": 0.1,
        "step": {"step_size": 7, "gamma": 0.5, "values": run(lambda o: lr.StepLR(o, step_size=7, gamma=0.5))},
        "multistep": {"milestones": [5, 12, 30], "gamma": 0.3, "values": run(lambda o: lr.MultiStepLR(o, milestones=[5, 12, 30], gamma=0.3))},
        "exponential": {"gamma": 0.93, "values": run(lambda o: lr.ExponentialLR(o, gamma=0.93))},
        "cosine": {"t_max": 25, "eta_min": 0.001, "values": run(lambda o: lr.CosineAnnealingLR(o, T_max=25, eta_min=0.001), steps=26)},
        "linear": {"start_factor": 0.25, "end_factor": 1.0, "total_iters": 10, "values": run(lambda o: lr.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=10))},
    }


def write(name, data):
    path = os.path.join(HERE, name)
    with open(path, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    if not torch.__version__.startswith("1.13"):
        print(f"warning: references were made with PyTorch 1.13.1; this is {torch.__version__}", file=sys.stderr)
    if sys.argv[1:] == ["--only", "family_schedules"]:  # the newest file alone (the others' autograd bits vary by BLAS)
        write("family_schedules.json", family_schedules())
        sys.exit(0)
    write("optimizers.json", optimizers())
    write("optimizers_float32.json", optimizers(torch.float32))
    write("family.json", family())
    write("family_float32.json", family(torch.float32))
    write("l2_equivalence.json", l2_equivalence())
    write("schedules.json", schedules())
    write("family_schedules.json", family_schedules())
