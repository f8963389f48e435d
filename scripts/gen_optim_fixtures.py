#!/usr/bin/env python3
"""Write tests/fixtures/optim.json and tests/fixtures/lr_scheduler.json from real PyTorch.

Run by hand (never by CI) with PyTorch 2.15 on an x86-64 AVX2 machine, from the repository root:

    ~/torchenv/bin/python scripts/gen_optim_fixtures.py

optim.json
  * "problem": three float32 parameters w (3,2), b (2,), z (2,) and a gradient rule both sides
    evaluate with the same exactly-rounded ops, so the test isolates the optimizer:
        grad = (p * c1 + c2) + noise[t]      (for w and b; z never gets a gradient)
    noise is a (steps, 8) table, row t split into w's 6 and b's 2 values.
  * "trajectories": for each optimizer configuration, w and b (flattened, 8 values) after every
    step as one string of hex float32 bit patterns (8 hex digits per value, 64 per step), the
    final state dict (state tensors by parameter index) and the group options as [key, value]
    pairs in torch's order (also for "defaults"), and "exact_sqrt_fnv": the FNV-1a hash of the
    float32 bit patterns of every step's 8 values when torch's sqrt is replaced by a correctly
    rounded one; with that sqrt, every optimizer must match bit for bit.
  * "clip": clip_grad_norm_ / clip_grad_value_ results.
  * "errors": ValueError messages, by case name (the Rust test builds the same case).

lr_scheduler.json
  * "sequences": get_last_lr() after construction and after each of SCHED_STEPS `opt.step();
    sched.step()` rounds, and each group's momentum (or beta1), per group. Floats are stored
    as Python repr strings so that they parse back exactly.
  * "plateaus": the same for ReduceLROnPlateau stepped with "metrics".
  * "state_keys": the keys of each scheduler's state_dict().
  * "errors": ValueError messages.
"""

import json
import math
import os
import struct
import warnings

import numpy as np
import torch
from torch.optim import lr_scheduler as L

warnings.filterwarnings("ignore")
torch.manual_seed(0)
torch.set_num_threads(1)

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
STEPS = 50
SCHED_STEPS = 60


def tensor_json(t):
    t = t.detach()
    return {
        "shape": list(t.shape),
        "dtype": str(t.dtype).replace("torch.", ""),
        "data": [float(v) if isinstance(v, float) else v for v in t.flatten().tolist()],
    }


def value_json(v):
    """A param-group / state-dict value as JSON (tuples become lists, None null)."""
    if isinstance(v, torch.Tensor):
        return tensor_json(v)
    if isinstance(v, (list, tuple)):
        return [value_json(x) for x in v]
    if isinstance(v, dict):
        return {str(k): value_json(x) for k, x in v.items()}
    if isinstance(v, float) and (math.isinf(v) or math.isnan(v)):
        return str(v)
    return v


def hex_bits(t):
    """Concatenated big-endian hex bit patterns of a float32 tensor (8 hex digits per value)."""
    return "".join("%08x" % struct.unpack("<I", struct.pack("<f", v))[0] for v in t.flatten().tolist())


def ordered(d):
    """A dict as a list of [key, value] pairs, keeping Python's key order."""
    return [[k, value_json(v)] for k, v in d.items()]


# ---------------------------------------------------------------------------------------------
# The problem
W0 = torch.randn(3, 2)
B0 = torch.randn(2)
Z0 = torch.randn(2)
C1 = torch.rand(8) * 1.5 + 0.5
C2 = torch.randn(8)
NOISE = torch.randn(STEPS, 8) * 0.1


def fresh_params():
    return [W0.clone().requires_grad_(), B0.clone().requires_grad_(), Z0.clone().requires_grad_()]


def set_grads(params, t):
    w, b, _ = params
    for p, sl in ((w, slice(0, 6)), (b, slice(6, 8))):
        c1 = C1[sl].reshape(p.shape)
        c2 = C2[sl].reshape(p.shape)
        n = NOISE[t, sl].reshape(p.shape)
        p.grad = (p.detach() * c1 + c2) + n


OPTIMIZERS = {
    "SGD": torch.optim.SGD,
    "RMSprop": torch.optim.RMSprop,
    "Adam": torch.optim.Adam,
    "AdamW": torch.optim.AdamW,
    "Adagrad": torch.optim.Adagrad,
}

# (name, optimizer, kwargs). Groups: None for one group of all params, else per-group overrides
# for [w], [b, z].
CONFIGS = [
    ("sgd_plain", "SGD", {"lr": 0.1}, None),
    ("sgd_momentum", "SGD", {"lr": 0.05, "momentum": 0.9}, None),
    ("sgd_dampening", "SGD", {"lr": 0.05, "momentum": 0.8, "dampening": 0.3}, None),
    ("sgd_nesterov_wd", "SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}, None),
    ("sgd_wd", "SGD", {"lr": 0.1, "weight_decay": 0.05}, None),
    ("sgd_maximize", "SGD", {"lr": 0.01, "momentum": 0.5, "dampening": 0.1, "maximize": True}, None),
    ("sgd_groups", "SGD", {"lr": 0.1, "momentum": 0.9}, [{}, {"lr": 0.01, "momentum": 0.5}]),
    ("rmsprop_plain", "RMSprop", {"lr": 0.01}, None),
    ("rmsprop_alpha", "RMSprop", {"lr": 0.01, "alpha": 0.9}, None),
    ("rmsprop_eps", "RMSprop", {"lr": 0.01, "eps": 0.1}, None),
    ("rmsprop_centered", "RMSprop", {"lr": 0.01, "centered": True}, None),
    ("rmsprop_momentum", "RMSprop", {"lr": 0.01, "momentum": 0.9}, None),
    ("rmsprop_wd", "RMSprop", {"lr": 0.01, "weight_decay": 0.1}, None),
    (
        "rmsprop_all",
        "RMSprop",
        {"lr": 0.005, "alpha": 0.95, "centered": True, "momentum": 0.5, "weight_decay": 0.01, "maximize": True},
        None,
    ),
    ("adam_plain", "Adam", {"lr": 0.01}, None),
    ("adam_betas", "Adam", {"lr": 0.01, "betas": (0.8, 0.99)}, None),
    ("adam_eps", "Adam", {"lr": 0.01, "eps": 0.01}, None),
    ("adam_wd", "Adam", {"lr": 0.01, "weight_decay": 0.1}, None),
    ("adam_amsgrad", "Adam", {"lr": 0.01, "amsgrad": True}, None),
    ("adam_maximize", "Adam", {"lr": 0.01, "maximize": True}, None),
    ("adam_all", "Adam", {"lr": 0.02, "betas": (0.5, 0.9), "weight_decay": 0.05, "amsgrad": True, "maximize": True}, None),
    ("adam_groups", "Adam", {"lr": 0.01}, [{"lr": 0.02, "betas": (0.7, 0.9)}, {"weight_decay": 0.1}]),
    ("adamw_plain", "AdamW", {"lr": 0.01}, None),
    ("adamw_wd", "AdamW", {"lr": 0.01, "weight_decay": 0.3}, None),
    ("adamw_amsgrad", "AdamW", {"lr": 0.01, "amsgrad": True, "eps": 1e-6}, None),
    ("adamw_maximize_betas", "AdamW", {"lr": 0.01, "betas": (0.6, 0.95), "maximize": True}, None),
    ("adagrad_plain", "Adagrad", {"lr": 0.1}, None),
    ("adagrad_lr_decay", "Adagrad", {"lr": 0.1, "lr_decay": 0.05}, None),
    ("adagrad_wd", "Adagrad", {"lr": 0.1, "weight_decay": 0.1}, None),
    ("adagrad_init_acc", "Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.5}, None),
    ("adagrad_eps", "Adagrad", {"lr": 0.1, "eps": 0.01}, None),
    (
        "adagrad_all",
        "Adagrad",
        {"lr": 0.05, "lr_decay": 0.01, "weight_decay": 0.02, "initial_accumulator_value": 0.1, "maximize": True},
        None,
    ),
]


def fnv1a(words):
    """FNV-1a (64-bit) over 32-bit words, as a hex string."""
    h = 0xCBF29CE484222325
    for w in words:
        h ^= w
        h = (h * 0x100000001B3) & ((1 << 64) - 1)
    return "%016x" % h


class CorrectlyRoundedSqrt:
    """Replaces Tensor.sqrt / sqrt_ by numpy's float32 sqrt (the hardware's correctly rounded
    one) while active: torch's own MKL sqrt is not correctly rounded (semantics §0.2)."""

    def __enter__(self):
        self.saved = (torch.Tensor.sqrt, torch.Tensor.sqrt_)
        torch.Tensor.sqrt = lambda t: torch.from_numpy(np.sqrt(t.detach().numpy()))
        torch.Tensor.sqrt_ = lambda t: t.copy_(torch.from_numpy(np.sqrt(t.detach().numpy())))

    def __exit__(self, *exc):
        torch.Tensor.sqrt, torch.Tensor.sqrt_ = self.saved


def run_config(opt_name, kwargs, groups):
    params = fresh_params()
    if groups is None:
        opt = OPTIMIZERS[opt_name](params, **kwargs)
    else:
        pg = [dict(params=[params[0]], **groups[0]), dict(params=params[1:], **groups[1])]
        opt = OPTIMIZERS[opt_name](pg, **kwargs)
    traj = []
    for t in range(STEPS):
        set_grads(params, t)
        opt.step()
        traj.append(hex_bits(torch.cat([params[0].detach().flatten(), params[1].detach()])))
    sd = opt.state_dict()
    state = {str(i): {k: tensor_json(v) for k, v in s.items()} for i, s in sd["state"].items()}
    param_groups = [ordered(g) for g in sd["param_groups"]]
    assert torch.equal(params[2].detach(), Z0), "z has no gradient and must not move"
    with CorrectlyRoundedSqrt():
        exact = run_exact_sqrt(opt_name, kwargs, groups)
    return {"exact_sqrt_fnv": exact,"optimizer": opt_name, "kwargs": value_json(kwargs), "groups": groups and [ordered(g) for g in groups],
            "params": "".join(traj),
            "state": state, "param_groups": param_groups}


def run_exact_sqrt(opt_name, kwargs, groups):
    """The same run with a correctly rounded sqrt: FNV-1a of every step's 8 float32 bit patterns."""
    params = fresh_params()
    if groups is None:
        opt = OPTIMIZERS[opt_name](params, **kwargs)
    else:
        pg = [dict(params=[params[0]], **groups[0]), dict(params=params[1:], **groups[1])]
        opt = OPTIMIZERS[opt_name](pg, **kwargs)
    words = []
    for t in range(STEPS):
        set_grads(params, t)
        opt.step()
        v = torch.cat([params[0].detach().flatten(), params[1].detach()])
        words.extend(struct.unpack("<I", struct.pack("<f", x))[0] for x in v.tolist())
    return fnv1a(words)


def clip_cases():
    g1 = torch.randn(3, 4) * 3
    g2 = torch.randn(5) * 3
    out = {"grads": [tensor_json(g1), tensor_json(g2)], "norm": [], "value": []}
    for max_norm, norm_type in [(1.0, 2.0), (100.0, 2.0), (0.5, 1.0), (2.0, math.inf), (1.5, 3.0), (0.7, 0.5),
                                (3.0, 0.0)]:
        ps = [torch.zeros(3, 4, requires_grad=True), torch.zeros(5, requires_grad=True),
              torch.zeros(2, requires_grad=True)]
        ps[0].grad = g1.clone()
        ps[1].grad = g2.clone()
        total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type)
        out["norm"].append({"max_norm": max_norm, "norm_type": str(norm_type) if math.isinf(norm_type) else norm_type,
                            "total": tensor_json(total), "grads": [tensor_json(ps[0].grad), tensor_json(ps[1].grad)]})
    for clip in [0.5, 2.0]:
        ps = [torch.zeros(3, 4, requires_grad=True), torch.zeros(5, requires_grad=True)]
        ps[0].grad = g1.clone()
        ps[1].grad = g2.clone()
        torch.nn.utils.clip_grad_value_(ps, clip)
        out["value"].append({"clip_value": clip, "grads": [tensor_json(ps[0].grad), tensor_json(ps[1].grad)]})
    p = torch.zeros(2, requires_grad=True)
    p.grad = torch.tensor([math.inf, 1.0])
    try:
        torch.nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    except RuntimeError as e:
        out["nonfinite_error"] = str(e)
    return out


def message(f):
    try:
        f()
    except (ValueError, RuntimeError, KeyError) as e:
        return e.args[0]
    raise AssertionError("no error")


def optim_errors():
    w = lambda: torch.zeros(2, requires_grad=True)  # noqa: E731
    cases = {
        "sgd_lr": lambda: torch.optim.SGD([w()], lr=-0.1),
        "sgd_momentum": lambda: torch.optim.SGD([w()], lr=0.1, momentum=-0.5),
        "sgd_weight_decay": lambda: torch.optim.SGD([w()], lr=0.1, weight_decay=-1e-3),
        "sgd_nesterov": lambda: torch.optim.SGD([w()], lr=0.1, nesterov=True),
        "sgd_nesterov_dampening": lambda: torch.optim.SGD([w()], lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
        "rmsprop_lr": lambda: torch.optim.RMSprop([w()], lr=-1e-5),
        "rmsprop_eps": lambda: torch.optim.RMSprop([w()], eps=-1e-8),
        "rmsprop_momentum": lambda: torch.optim.RMSprop([w()], momentum=-0.9),
        "rmsprop_weight_decay": lambda: torch.optim.RMSprop([w()], weight_decay=-2.0),
        "rmsprop_alpha": lambda: torch.optim.RMSprop([w()], alpha=-0.99),
        "adam_lr": lambda: torch.optim.Adam([w()], lr=-1e-3),
        "adam_eps": lambda: torch.optim.Adam([w()], eps=-1.0),
        "adam_beta0": lambda: torch.optim.Adam([w()], betas=(1.0, 0.999)),
        "adam_beta1": lambda: torch.optim.Adam([w()], betas=(0.9, -0.25)),
        "adam_beta_nan": lambda: torch.optim.Adam([w()], betas=(float("nan"), 0.999)),
        "adam_weight_decay": lambda: torch.optim.Adam([w()], weight_decay=-0.5),
        "adamw_weight_decay": lambda: torch.optim.AdamW([w()], weight_decay=-0.01),
        "adamw_beta1": lambda: torch.optim.AdamW([w()], betas=(0.9, 1.5)),
        "adagrad_lr": lambda: torch.optim.Adagrad([w()], lr=-0.01),
        "adagrad_lr_decay": lambda: torch.optim.Adagrad([w()], lr_decay=-1e-4),
        "adagrad_weight_decay": lambda: torch.optim.Adagrad([w()], weight_decay=-1.0),
        "adagrad_initial_accumulator_value": lambda: torch.optim.Adagrad([w()], initial_accumulator_value=-0.1),
        "adagrad_eps": lambda: torch.optim.Adagrad([w()], eps=-1e-10),
        "empty": lambda: torch.optim.SGD([], lr=0.1),
        "non_leaf": lambda: torch.optim.SGD([w() * 2], lr=0.1),
    }
    out = {k: message(f) for k, f in cases.items()}
    a = w()
    out["duplicate_groups"] = message(lambda: torch.optim.Adam([{"params": [a]}, {"params": [a]}]))
    opt = torch.optim.SGD([a], lr=0.1)
    out["add_param_group_duplicate"] = message(lambda: opt.add_param_group({"params": [a]}))
    two = torch.optim.SGD([{"params": [w()]}, {"params": [w()]}], lr=0.1)
    out["load_group_count"] = message(lambda: opt.load_state_dict(two.state_dict()))
    big = torch.optim.SGD([w(), w()], lr=0.1)
    out["load_group_size"] = message(lambda: opt.load_state_dict(big.state_dict()))
    return out


# ---------------------------------------------------------------------------------------------
# Schedulers
METRICS = [1.0 / (1 + t) if t < 8 else 0.1 + 0.001 * ((t * 37) % 11 - 5) for t in range(SCHED_STEPS)]


def sched_opt(kind, lrs):
    params = [torch.zeros(2, requires_grad=True) for _ in lrs]
    groups = [{"params": [p], "lr": lr} for p, lr in zip(params, lrs)]
    if kind == "SGD":
        return torch.optim.SGD(groups, lr=lrs[0], momentum=0.9)
    if kind == "Adam":
        return torch.optim.Adam(groups, lr=lrs[0])
    return torch.optim.Adagrad(groups, lr=lrs[0])


SCHEDULERS = [
    ("step", "SGD", [0.1], lambda o: L.StepLR(o, 3, 0.5)),
    ("step_two_groups", "SGD", [0.1, 0.05], lambda o: L.StepLR(o, 7, 0.3)),
    ("multistep", "SGD", [0.1], lambda o: L.MultiStepLR(o, [5, 12, 12, 30], 0.5)),
    ("multistep_zero", "SGD", [0.1], lambda o: L.MultiStepLR(o, [3, 0], 0.1)),
    ("exponential", "SGD", [0.1], lambda o: L.ExponentialLR(o, 0.9)),
    ("exponential_two_groups", "Adam", [0.1, 0.003], lambda o: L.ExponentialLR(o, 0.97)),
    ("cosine", "SGD", [0.1], lambda o: L.CosineAnnealingLR(o, 5, 0.01)),
    ("cosine_two_groups", "SGD", [0.1, 0.2], lambda o: L.CosineAnnealingLR(o, 17)),
    ("linear_default", "SGD", [0.1], lambda o: L.LinearLR(o)),
    ("linear_down", "SGD", [0.1], lambda o: L.LinearLR(o, 0.5, 0.1, 20)),
    ("linear_to_zero", "Adam", [0.1, 0.01], lambda o: L.LinearLR(o, 1.0, 0.0, 30)),
    ("onecycle_sgd", "SGD", [0.1], lambda o: L.OneCycleLR(o, 0.5, total_steps=SCHED_STEPS)),
    (
        "onecycle_three_phase_linear",
        "SGD",
        [0.1],
        lambda o: L.OneCycleLR(o, 1.0, total_steps=SCHED_STEPS + 5, anneal_strategy="linear", three_phase=True,
                               base_momentum=0.8, max_momentum=0.9),
    ),
    (
        "onecycle_adam_groups",
        "Adam",
        [0.001, 0.001],
        lambda o: L.OneCycleLR(o, [0.01, 0.02], total_steps=SCHED_STEPS, pct_start=0.25, div_factor=10.0,
                               final_div_factor=100.0),
    ),
    (
        "onecycle_epochs_no_momentum",
        "Adagrad",
        [0.01],
        lambda o: L.OneCycleLR(o, 0.1, epochs=6, steps_per_epoch=10, cycle_momentum=False),
    ),
]

PLATEAUS = [
    ("plateau_default", [0.1], {}),
    ("plateau_min_abs", [0.1], {"threshold_mode": "abs", "threshold": 0.01, "patience": 2, "cooldown": 3,
                                "factor": 0.5, "min_lr": 0.01}),
    ("plateau_max_rel", [0.1], {"mode": "max", "threshold": 0.01, "patience": 3, "factor": 0.7}),
    ("plateau_max_abs", [0.1], {"mode": "max", "threshold_mode": "abs", "threshold": 0.0, "patience": 0,
                                "eps": 1e-3, "factor": 0.5}),
    ("plateau_groups", [0.1, 0.05], {"patience": 1, "factor": 0.5, "min_lr": [0.001, 0.02], "cooldown": 1}),
]


def momentum_of(group):
    if "betas" in group:
        return group["betas"][0]
    return group.get("momentum")


def r(v):
    """A float as Python's repr string (parsed exactly by Rust's str::parse); None stays null."""
    return None if v is None else repr(float(v))


def run_scheduler(kind, lrs, make):
    opt = sched_opt(kind, lrs)
    s = make(opt)
    seq = [[r(v) for v in s.get_last_lr()]]
    mom = [[r(momentum_of(g)) for g in opt.param_groups]]
    for _ in range(SCHED_STEPS):
        opt.step()
        s.step()
        seq.append([r(v) for v in s.get_last_lr()])
        mom.append([r(momentum_of(g)) for g in opt.param_groups])
    return {"optimizer": kind, "lrs": lrs, "last_lr": seq, "momentum": mom,
            "state_keys": list(s.state_dict().keys()), "last_epoch": s.last_epoch}


def run_plateau(lrs, kwargs):
    opt = sched_opt("SGD", lrs)
    s = L.ReduceLROnPlateau(opt, **kwargs)
    seq = [[r(v) for v in s.get_last_lr()]]
    for m in METRICS:
        opt.step()
        s.step(m)
        seq.append([r(v) for v in s.get_last_lr()])
    return {"lrs": lrs, "kwargs": kwargs, "last_lr": seq, "state_keys": list(s.state_dict().keys()),
            "best": r(s.best), "num_bad_epochs": s.num_bad_epochs, "cooldown_counter": s.cooldown_counter}


def scheduler_errors():
    def opt(kind="SGD", n=1):
        return sched_opt(kind, [0.1] * n)

    out = {
        "linear_start": message(lambda: L.LinearLR(opt(), start_factor=0.0)),
        "linear_start_big": message(lambda: L.LinearLR(opt(), start_factor=1.5)),
        "linear_end": message(lambda: L.LinearLR(opt(), end_factor=1.5)),
        "plateau_factor": message(lambda: L.ReduceLROnPlateau(opt(), factor=1.0)),
        "plateau_min_lrs": message(lambda: L.ReduceLROnPlateau(opt(n=2), min_lr=[0.1, 0.2, 0.3])),
        "onecycle_total_steps": message(lambda: L.OneCycleLR(opt(), 0.1, total_steps=0)),
        "onecycle_epochs": message(lambda: L.OneCycleLR(opt(), 0.1, epochs=-1, steps_per_epoch=10)),
        "onecycle_steps_per_epoch": message(lambda: L.OneCycleLR(opt(), 0.1, epochs=2, steps_per_epoch=0)),
        "onecycle_missing": message(lambda: L.OneCycleLR(opt(), 0.1)),
        "onecycle_pct_start": message(lambda: L.OneCycleLR(opt(), 0.1, total_steps=10, pct_start=1.5)),
        "onecycle_max_lr_len": message(lambda: L.OneCycleLR(opt(n=2), [0.1, 0.2, 0.3], total_steps=10)),
        "onecycle_momentum": message(lambda: L.OneCycleLR(opt("Adagrad"), 0.1, total_steps=10)),
        "resume_without_initial_lr": message(lambda: L.StepLR(opt(), 3, last_epoch=5)),
    }
    o = opt()
    s = L.OneCycleLR(o, 0.1, total_steps=3)

    def overstep():
        for _ in range(4):
            s.step()

    out["onecycle_overstep"] = message(overstep)
    return out


def resume_case():
    """ExponentialLR rebuilt with last_epoch=1 after one step and a manual lr change."""
    opt = sched_opt("SGD", [0.1])
    first = L.ExponentialLR(opt, 0.5)
    first.step()
    opt.param_groups[0]["lr"] = 0.3
    s = L.ExponentialLR(opt, 0.5, last_epoch=1)
    out = {"base_lrs": [r(v) for v in s.base_lrs], "last_epoch": s.last_epoch, "last_lr": [r(v) for v in s.get_last_lr()]}
    s.step()
    out["next_lr"] = [r(v) for v in s.get_last_lr()]
    return out


def main():
    optim = {
        "steps": STEPS,
        "problem": {"w0": tensor_json(W0), "b0": tensor_json(B0), "z0": tensor_json(Z0), "c1": tensor_json(C1),
                    "c2": tensor_json(C2), "noise": tensor_json(NOISE)},
        "defaults": {k: ordered(cls([torch.zeros(1, requires_grad=True)]).defaults) for k, cls in OPTIMIZERS.items()},
        "trajectories": {name: run_config(o, kw, g) for name, o, kw, g in CONFIGS},
        "clip": clip_cases(),
        "errors": optim_errors(),
    }
    sched = {
        "steps": SCHED_STEPS,
        "metrics": [r(m) for m in METRICS],
        "sequences": {name: run_scheduler(kind, lrs, make) for name, kind, lrs, make in SCHEDULERS},
        "plateaus": {name: run_plateau(lrs, kw) for name, lrs, kw in PLATEAUS},
        "resume": resume_case(),
        "errors": scheduler_errors(),
    }
    for name, obj in (("optim.json", optim), ("lr_scheduler.json", sched)):
        path = os.path.join(ROOT, "tests", "fixtures", name)
        with open(path, "w") as f:
            json.dump(obj, f, separators=(",", ":"))
            f.write("\n")
        print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
