#!/usr/bin/env python3
"""Write tests/fixtures/functional.json and tests/fixtures/losses.json: outputs, input
gradients and error messages of torch.nn.functional activations, softmax/logsumexp, erf,
dropout and the losses, recorded from real PyTorch.

Run by hand (never by CI) with a PyTorch 2.15 on an x86-64 CPU, from the repository root:

    ~/torchenv/bin/python scripts/gen_functional_fixtures.py

Each case is {"name", "fn", "args", "inputs", "out", "grad_output", "grads"} or, for an
expected failure, {"name", "fn", "args", "inputs", "error": {"type", "msg"}}. Inputs use the
shared tensor format of tests/common/mod.rs; "layout": "transposed" inputs are computed here
on a transposed view too. Gradients are those of (out * grad_output).sum(), with a fixed
random grad_output; "grads" has one entry per input (null where none is expected).
"""

import json
import math
import os
import warnings

import torch
import torch.nn.functional as F

warnings.filterwarnings("ignore")
torch.set_num_threads(1)
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures")


def num(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def tj(t, layout=None, requires_grad=False):
    t = t.detach()
    d = {
        "shape": list(t.shape),
        "dtype": str(t.dtype).replace("torch.", ""),
        "data": [num(v) for v in t.contiguous().flatten().tolist()],
    }
    if layout:
        d["layout"] = layout
    if requires_grad:
        d["requires_grad"] = True
    return d


def build(t, layout):
    """The torch input with the given layout (same logical values)."""
    if layout == "transposed":
        return t.transpose(-2, -1).contiguous().transpose(-2, -1)
    if layout == "expanded":
        return t
    return t.clone()


class Spec:
    """An input: values, layout, whether it requires grad (and, for expanded, the small shape)."""

    def __init__(self, t, layout=None, grad=None, expand_from=None):
        self.t = t
        self.layout = layout
        self.grad = t.is_floating_point() if grad is None else grad
        self.expand_from = expand_from

    def torch(self):
        if self.layout == "expanded":
            # A stride-0 view that is itself the leaf, as tests/common/mod.rs builds it.
            x = self.t[tuple(slice(0, s) for s in self.expand_from)].clone().expand(self.t.shape)
            return x.requires_grad_(self.grad), x
        x = build(self.t, self.layout)
        if self.grad:
            x.requires_grad_(True)
        return x, x

    def json(self):
        d = tj(self.t, self.layout, self.grad)
        if self.expand_from is not None:
            d["expand_from"] = list(self.expand_from)
        return d


def spec(x):
    return x if isinstance(x, Spec) else Spec(x)


class Cases:
    def __init__(self):
        self.cases = []
        self.gen = torch.Generator().manual_seed(1234)

    def randn(self, *shape, dtype=torch.float32):
        return torch.randn(tuple(shape), generator=self.gen, dtype=dtype)

    def rand(self, *shape, dtype=torch.float32):
        return torch.rand(tuple(shape), generator=self.gen, dtype=dtype)

    def run(self, name, fn_name, f, inputs, args=None, grad=True):
        specs = [spec(x) for x in inputs]
        built = [s.torch() for s in specs]
        tensors = [b[0] for b in built]
        case = {"name": name, "fn": fn_name, "args": args or {}, "inputs": [s.json() for s in specs]}
        try:
            out = f(*tensors)
        except Exception as e:  # noqa: BLE001 - recording the message is the point
            case["error"] = {"type": type(e).__name__, "msg": str(e)}
            self.cases.append(case)
            return
        case["out"] = tj(out)
        leaves = [b[1] for b in built]
        if grad and out.requires_grad:
            go = self.randn(*out.shape, dtype=out.dtype)
            (out * go).sum().backward()
            case["grad_output"] = tj(go)
            case["grads"] = [tj(leaf.grad) if (s.grad and leaf.grad is not None) else None
                             for s, leaf in zip(specs, leaves)]
        self.cases.append(case)

    def error(self, name, fn_name, f, inputs, args=None):
        before = len(self.cases)
        self.run(name, fn_name, f, inputs, args, grad=False)
        assert "error" in self.cases[before], name


def activations(c):
    acts = {
        "relu": (lambda x: F.relu(x), {}),
        "leaky_relu": (lambda x: F.leaky_relu(x), {"negative_slope": 0.01}),
        "leaky_relu_0.2": (lambda x: F.leaky_relu(x, 0.2), {"negative_slope": 0.2}),
        "elu": (lambda x: F.elu(x), {"alpha": 1.0}),
        "elu_0.5": (lambda x: F.elu(x, 0.5), {"alpha": 0.5}),
        "gelu": (lambda x: F.gelu(x), {"approximate": "none"}),
        "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"), {"approximate": "tanh"}),
        "silu": (lambda x: F.silu(x), {}),
        "sigmoid": (lambda x: F.sigmoid(x), {}),
        "tanh": (lambda x: F.tanh(x), {}),
        "softplus": (lambda x: F.softplus(x), {"beta": 1.0, "threshold": 20.0}),
        "softplus_b2_t3": (lambda x: F.softplus(x, 2.0, 3.0), {"beta": 2.0, "threshold": 3.0}),
        "erf": (lambda x: torch.erf(x), {}),
    }
    for key, (f, args) in acts.items():
        fn = key.split("_0")[0].split("_b2")[0].split("_tanh")[0]
        x = c.randn(4, 5) * 3
        c.run(f"{key} contiguous", fn, f, [x], args)
        c.run(f"{key} transposed", fn, f, [Spec(x, "transposed")], args)
        c.run(f"{key} f64", fn, f, [c.randn(3, 4, dtype=torch.float64) * 3], args)
        c.run(f"{key} specials", fn, f, [torch.tensor([0.0, -0.0, 1e-8, -1e-8, 30.0, -30.0, 100.0, -100.0])], args)
        c.run(f"{key} empty", fn, f, [torch.zeros(0, 3)], args)
        c.run(f"{key} expanded", fn, f, [Spec(c.randn(3, 1).expand(3, 4).contiguous(), "expanded",
                                              expand_from=(3, 1))], args)
        c.run(f"{key} nan", fn, f, [torch.tensor([float("nan"), 1.0])], args, grad=False)
    c.error("gelu bad approximate", "gelu", lambda x: F.gelu(x, approximate="fast"), [torch.ones(2)],
            {"approximate": "fast"})
    for fn, f in [("gelu", F.gelu), ("elu", F.elu), ("silu", F.silu), ("leaky_relu", F.leaky_relu),
                  ("softplus", F.softplus)]:
        args = {"gelu": {"approximate": "none"}, "elu": {"alpha": 1.0}, "leaky_relu": {"negative_slope": 0.01},
                "softplus": {"beta": 1.0, "threshold": 20.0}}.get(fn, {})
        c.error(f"{fn} long", fn, f, [torch.tensor([1, 2])], args)


def softmax_family(c):
    for name, f in [("softmax", torch.softmax), ("log_softmax", torch.log_softmax)]:
        x2 = c.randn(4, 5) * 2
        x3 = c.randn(2, 3, 4)
        for dim in (0, 1, -1, -2):
            c.run(f"{name} 2d dim {dim}", name, lambda x, d=dim: f(x, d), [x2], {"dim": dim})
        for dim in (0, 1):
            c.run(f"{name} transposed dim {dim}", name, lambda x, d=dim: f(x, d), [Spec(x2, "transposed")],
                  {"dim": dim})
        for dim in (0, 1, 2, -1):
            c.run(f"{name} 3d dim {dim}", name, lambda x, d=dim: f(x, d), [x3], {"dim": dim})
            c.run(f"{name} 3d transposed dim {dim}", name, lambda x, d=dim: f(x, d), [Spec(x3, "transposed")],
                  {"dim": dim})
        big = torch.tensor([[1000.0, 999.0, -1000.0], [1e4, 1e4 + 1, 1e4 - 3], [-1e4, -1e4 - 2, -1e4 + 0.5]])
        c.run(f"{name} large magnitude", name, lambda x: f(x, 1), [big], {"dim": 1})
        c.run(f"{name} f64", name, lambda x: f(x, -1), [c.randn(3, 6, dtype=torch.float64) * 10], {"dim": -1})
        masked = torch.tensor([[0.5, float("-inf"), 1.0], [float("-inf")] * 3, [2.0, 1.0, float("inf")]])
        c.run(f"{name} infinities", name, lambda x: f(x, 1), [masked], {"dim": 1}, grad=False)
        c.run(f"{name} scalar", name, lambda x: f(x, 0), [torch.tensor(1.5)], {"dim": 0})
        c.run(f"{name} empty rows", name, lambda x: f(x, 1), [torch.zeros(0, 4)], {"dim": 1})
        c.run(f"{name} empty dim", name, lambda x: f(x, 1), [torch.zeros(2, 0)], {"dim": 1})
        c.run(f"{name} expanded", name, lambda x: f(x, 0),
              [Spec(c.randn(1, 4).expand(3, 4).contiguous(), "expanded", expand_from=(1, 4))], {"dim": 0})
        c.run(f"{name} wide row", name, lambda x: f(x, -1), [c.randn(2, 100) * 4], {"dim": -1})
        c.error(f"{name} long", name, lambda x: f(x, 0), [torch.tensor([1, 2])], {"dim": 0})
        c.error(f"{name} long dim0", name, lambda x: f(x, 0), [torch.ones(2, 3, dtype=torch.long)], {"dim": 0})
        c.error(f"{name} bad dim", name, lambda x: f(x, 2), [torch.ones(2, 3)], {"dim": 2})

    x3 = c.randn(2, 3, 4) * 3
    for dims in ([0], [1], [-1], [0, 2], [2, 0], [0, 1, 2]):
        for keep in (False, True):
            c.run(f"logsumexp {dims} keepdim={keep}", "logsumexp", lambda x, d=dims, k=keep: torch.logsumexp(x, d, k),
                  [x3], {"dims": dims, "keepdim": keep})
    c.run("logsumexp transposed", "logsumexp", lambda x: torch.logsumexp(x, [1], False), [Spec(x3, "transposed")],
          {"dims": [1], "keepdim": False})
    c.run("logsumexp transposed two dims", "logsumexp", lambda x: torch.logsumexp(x, [0, 1], True),
          [Spec(x3, "transposed")], {"dims": [0, 1], "keepdim": True})
    big = torch.tensor([[1000.0, 999.0, -1000.0], [1e4, 1e4 + 1, 1e4 - 3], [-1e4, -1e4 - 2, -1e4 + 0.5]])
    c.run("logsumexp large magnitude", "logsumexp", lambda x: torch.logsumexp(x, [1], False), [big],
          {"dims": [1], "keepdim": False})
    inf = torch.tensor([[float("-inf")] * 2, [float("inf"), 1.0], [float("nan"), 1.0]])
    c.run("logsumexp infinities", "logsumexp", lambda x: torch.logsumexp(x, [1], False), [inf],
          {"dims": [1], "keepdim": False}, grad=False)
    c.run("logsumexp f64", "logsumexp", lambda x: torch.logsumexp(x, [0], False), [c.randn(5, 3, dtype=torch.float64)],
          {"dims": [0], "keepdim": False})
    c.run("logsumexp long", "logsumexp", lambda x: torch.logsumexp(x, [0], False), [torch.tensor([1, 2, 3])],
          {"dims": [0], "keepdim": False})
    c.run("logsumexp scalar", "logsumexp", lambda x: torch.logsumexp(x, [0], False), [torch.tensor(2.5)],
          {"dims": [0], "keepdim": False})
    c.run("logsumexp empty dim", "logsumexp", lambda x: torch.logsumexp(x, [1], False), [torch.zeros(2, 0)],
          {"dims": [1], "keepdim": False})
    c.error("logsumexp repeated dim", "logsumexp", lambda x: torch.logsumexp(x, [0, 0], False), [torch.ones(2, 3)],
            {"dims": [0, 0], "keepdim": False})


def dropout_cases(c):
    cases = []

    def record(name, seed, x, p, training, layout=None):
        torch.manual_seed(seed)
        xs = Spec(x, layout, True)
        xt, leaf = xs.torch()
        out = F.dropout(xt, p, training)
        go = c.randn(*out.shape)
        (out * go).sum().backward()
        cases.append({"name": name, "seed": seed, "p": p, "training": training, "input": xs.json(),
                      "out": tj(out), "grad_output": tj(go), "grad": tj(leaf.grad), "same": out is xt})

    record("golden ones(10) p=0.5 seed 0", 0, torch.ones(10), 0.5, True)
    for seed in (1, 7, 42):
        for p in (0.2, 0.5, 0.9):
            record(f"seed {seed} p {p}", seed, c.randn(4, 5), p, True)
        record(f"seed {seed} transposed", seed, c.randn(4, 6), 0.3, True, "transposed")
        record(f"seed {seed} f64", seed, c.randn(3, 5, dtype=torch.float64), 0.4, True)
        record(f"seed {seed} large", seed, c.randn(20, 10), 0.5, True)
    record("p=1", 3, c.randn(2, 3), 1.0, True)
    record("p=0", 3, c.randn(2, 3), 0.0, True)
    record("eval", 3, c.randn(2, 3), 0.5, False)
    return cases


def functional_fixture():
    c = Cases()
    activations(c)
    softmax_family(c)
    drop = dropout_cases(c)
    c.error("dropout p out of range", "dropout", lambda x: F.dropout(x, 1.5), [torch.ones(2)],
            {"p": 1.5, "training": True})
    c.error("dropout negative p", "dropout", lambda x: F.dropout(x, -0.5), [torch.ones(2)],
            {"p": -0.5, "training": True})
    c.error("dropout long", "dropout", lambda x: F.dropout(x, 0.5), [torch.tensor([1, 2])],
            {"p": 0.5, "training": True})
    return {"torch": torch.__version__, "cases": c.cases, "dropout": drop}



# ---------------------------------------------------------------------------------------------
# Losses

REDUCTIONS = ("none", "mean", "sum")


def regression_losses(c):
    variants = [
        ("mse_loss", F.mse_loss, [{}]),
        ("l1_loss", F.l1_loss, [{}]),
        ("smooth_l1_loss", F.smooth_l1_loss, [{"beta": 1.0}, {"beta": 0.5}, {"beta": 0.0}]),
        ("huber_loss", F.huber_loss, [{"delta": 1.0}, {"delta": 0.5}, {"delta": 2.0}]),
    ]
    for fn, f, extras in variants:
        for ex in extras:
            tag = " ".join(f"{k}={v}" for k, v in ex.items())
            for red in REDUCTIONS:
                args = {"reduction": red, **ex}
                call = lambda a, b, red=red, ex=ex: f(a, b, reduction=red, **ex)  # noqa: E731
                x, y = c.randn(3, 4) * 2, c.randn(3, 4) * 2
                c.run(f"{fn} {tag} {red}", fn, call, [x, y], args)
                c.run(f"{fn} {tag} {red} transposed", fn, call, [Spec(x, "transposed"), Spec(y, "transposed")], args)
                c.run(f"{fn} {tag} {red} empty", fn, call, [torch.zeros(0, 3), torch.zeros(0, 3)], args)
            args = {"reduction": "mean", **ex}
            call = lambda a, b, ex=ex: f(a, b, **ex)  # noqa: E731
            c.run(f"{fn} {tag} broadcast target", fn, call, [c.randn(3, 4), c.randn(4)], args)
            c.run(f"{fn} {tag} f64", fn, call, [c.randn(3, 4, dtype=torch.float64), c.randn(3, 4, dtype=torch.float64)],
                  args)
        c.error(f"{fn} batchmean", fn, lambda a, b: f(a, b, reduction="batchmean"), [torch.ones(2), torch.ones(2)],
                {"reduction": "batchmean", **extras[0]})
        c.error(f"{fn} shapes", fn, lambda a, b: f(a, b), [torch.ones(2, 3), torch.ones(4)],
                {"reduction": "mean", **extras[0]})
    c.error("smooth_l1_loss negative beta", "smooth_l1_loss", lambda a, b: F.smooth_l1_loss(a, b, beta=-1.0),
            [torch.ones(2), torch.ones(2)], {"reduction": "mean", "beta": -1.0})
    c.error("huber_loss zero delta", "huber_loss", lambda a, b: F.huber_loss(a, b, delta=0.0),
            [torch.ones(2), torch.ones(2)], {"reduction": "mean", "delta": 0.0})


def bce_losses(c):
    fn = "binary_cross_entropy"
    for red in REDUCTIONS:
        x, y = torch.sigmoid(c.randn(3, 4)), c.rand(3, 4)
        call = lambda a, b, red=red: F.binary_cross_entropy(a, b, reduction=red)  # noqa: E731
        c.run(f"bce {red}", fn, call, [x, y], {"reduction": red})
        c.run(f"bce {red} transposed", fn, call, [Spec(x, "transposed"), Spec(y, "transposed")], {"reduction": red})
        w = c.rand(3, 4) * 2
        callw = lambda a, b, w, red=red: F.binary_cross_entropy(a, b, weight=w, reduction=red)  # noqa: E731
        c.run(f"bce {red} weight", fn, callw, [x, y, Spec(w, grad=False)], {"reduction": red, "weight": True})
        w5 = c.rand(4) * 2
        c.run(f"bce {red} broadcast weight", fn, callw, [x, y, Spec(w5, grad=False)], {"reduction": red, "weight": True})
    specials = torch.tensor([0.0, 1.0, 0.5, 1e-20, 1 - 1e-7, 0.3])
    c.run("bce clamped logs", fn, lambda a, b: F.binary_cross_entropy(a, b, reduction="none"),
          [specials, Spec(torch.tensor([1.0, 0.0, 1.0, 0.0, 1.0, 0.3]), grad=False)], {"reduction": "none"})
    c.run("bce empty", fn, lambda a, b: F.binary_cross_entropy(a, b), [torch.zeros(0), torch.zeros(0)],
          {"reduction": "mean"})
    c.run("bce f64", fn, lambda a, b: F.binary_cross_entropy(a, b, reduction="sum"),
          [torch.sigmoid(c.randn(3, 4, dtype=torch.float64)), c.rand(3, 4, dtype=torch.float64)], {"reduction": "sum"})
    c.error("bce size", fn, lambda a, b: F.binary_cross_entropy(a, b), [torch.rand(3), torch.rand(2)],
            {"reduction": "mean"})
    c.error("bce input range", fn, lambda a, b: F.binary_cross_entropy(a, b),
            [torch.tensor([0.5, 1.5]), torch.tensor([2.0, 0.5])], {"reduction": "mean"})
    c.error("bce target range", fn, lambda a, b: F.binary_cross_entropy(a, b),
            [torch.tensor([0.5, 0.5]), torch.tensor([0.5, -0.1])], {"reduction": "mean"})
    c.error("bce nan input", fn, lambda a, b: F.binary_cross_entropy(a, b),
            [torch.tensor([float("nan")]), torch.tensor([0.5])], {"reduction": "mean"})

    fn = "binary_cross_entropy_with_logits"
    for red in REDUCTIONS:
        x, y = c.randn(3, 4) * 3, c.rand(3, 4)
        w, pw = c.rand(3, 4) * 2, c.rand(4) * 3
        call = lambda a, b, red=red: F.binary_cross_entropy_with_logits(a, b, reduction=red)  # noqa: E731
        c.run(f"bcel {red}", fn, call, [x, y], {"reduction": red})
        c.run(f"bcel {red} transposed", fn, call, [Spec(x, "transposed"), Spec(y, "transposed")], {"reduction": red})
        callw = lambda a, b, w, red=red: F.binary_cross_entropy_with_logits(a, b, weight=w, reduction=red)  # noqa
        c.run(f"bcel {red} weight", fn, callw, [x, y, Spec(w, grad=False)], {"reduction": red, "weight": True})
        callp = lambda a, b, p, red=red: F.binary_cross_entropy_with_logits(a, b, reduction=red, pos_weight=p)  # noqa
        c.run(f"bcel {red} pos_weight", fn, callp, [x, y, Spec(pw, grad=False)], {"reduction": red, "pos_weight": True})
        callwp = lambda a, b, w, p, red=red: F.binary_cross_entropy_with_logits(  # noqa: E731
            a, b, weight=w, reduction=red, pos_weight=p)
        c.run(f"bcel {red} weight pos_weight", fn, callwp, [x, y, Spec(w, grad=False), Spec(pw, grad=False)],
              {"reduction": red, "weight": True, "pos_weight": True})
    sx, sy = torch.tensor([100.0, -100.0, 0.5, 0.0, 30.0, -30.0]), torch.tensor([1.0, 0.0, 1.0, 0.5, 0.0, 1.0])
    c.run("bcel large logits", fn, lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction="none"),
          [sx, sy], {"reduction": "none"})
    c.run("bcel large logits pos_weight", fn,
          lambda a, b, p: F.binary_cross_entropy_with_logits(a, b, reduction="none", pos_weight=p),
          [sx, sy, Spec(torch.full((6,), 2.0), grad=False)], {"reduction": "none", "pos_weight": True})
    c.run("bcel f64", fn, lambda a, b: F.binary_cross_entropy_with_logits(a, b),
          [c.randn(3, 4, dtype=torch.float64), c.rand(3, 4, dtype=torch.float64)], {"reduction": "mean"})
    c.run("bcel empty", fn, lambda a, b: F.binary_cross_entropy_with_logits(a, b), [torch.zeros(0), torch.zeros(0)],
          {"reduction": "mean"})
    c.error("bcel size", fn, lambda a, b: F.binary_cross_entropy_with_logits(a, b), [torch.rand(3), torch.rand(2)],
            {"reduction": "mean"})


def kl_losses(c):
    fn = "kl_div"
    for red in REDUCTIONS + ("batchmean",):
        for log_target in (False, True):
            x = torch.log_softmax(c.randn(3, 4), 1)
            y = torch.softmax(c.randn(3, 4), 1)
            if log_target:
                y = y.log()
            call = lambda a, b, red=red, lt=log_target: F.kl_div(a, b, reduction=red, log_target=lt)  # noqa: E731
            args = {"reduction": red, "log_target": log_target}
            c.run(f"kl {red} log_target={log_target}", fn, call, [x, y], args)
            c.run(f"kl {red} log_target={log_target} transposed", fn, call,
                  [Spec(x, "transposed"), Spec(y, "transposed")], args)
    c.run("kl zero target", fn, lambda a, b: F.kl_div(a, b, reduction="none"),
          [torch.tensor([-1.0, -2.0, -0.5]), Spec(torch.tensor([0.0, 0.25, 0.75]), grad=False)], {"reduction": "none"})
    c.run("kl scalar batchmean", fn, lambda a, b: F.kl_div(a, b, reduction="batchmean"),
          [torch.tensor(-0.3), torch.tensor(0.2)], {"reduction": "batchmean"})
    c.run("kl f64", fn, lambda a, b: F.kl_div(a, b, reduction="batchmean"),
          [torch.log_softmax(c.randn(3, 4, dtype=torch.float64), 1), torch.softmax(c.randn(3, 4, dtype=torch.float64), 1)],
          {"reduction": "batchmean"})


def class_targets(c, shape, ignore=None, n_ignore=0, high=None):
    """Random class indices for an input shape (class dim 1, or 0 for 1-D)."""
    cls = shape[0] if len(shape) == 1 else shape[1]
    tshape = () if len(shape) == 1 else (shape[0],) + tuple(shape[2:])
    t = torch.randint(0, high or cls, tshape, generator=c.gen)
    if n_ignore and t.numel():
        flat = t.view(-1)
        idx = torch.randperm(flat.numel(), generator=c.gen)[:n_ignore]
        flat[idx] = ignore
    return t


def index_losses(c):
    shapes = [(6, 4), (5,), (3, 4, 5), (2, 3, 2, 3), (2, 3, 1, 2, 2)]
    for name, fn, f in [("nll", "nll_loss", F.nll_loss), ("ce", "cross_entropy", F.cross_entropy)]:
        for shape in shapes:
            cls = shape[0] if len(shape) == 1 else shape[1]
            x = c.randn(*shape) * 2
            if name == "nll":
                x = torch.log_softmax(x, 0 if len(shape) == 1 else 1)
            layout = "transposed" if len(shape) >= 3 else None
            for red in REDUCTIONS:
                args = {"reduction": red}
                t = class_targets(c, shape)
                call = lambda a, b, red=red: f(a, b, reduction=red)  # noqa: E731
                c.run(f"{name} {shape} {red}", fn, call, [x, Spec(t, grad=False)], args)
                # PyTorch's nll_loss2d backward rejects a non-contiguous 4-D input.
                transposable = (layout or len(shape) == 2) and not (name == "nll" and len(shape) == 4)
                if transposable and red == "mean":
                    c.run(f"{name} {shape} {red} transposed", fn, call, [Spec(x, "transposed"), Spec(t, grad=False)],
                          args)
                w = c.rand(cls) + 0.5
                callw = lambda a, b, w, red=red: f(a, b, weight=w, reduction=red)  # noqa: E731
                c.run(f"{name} {shape} {red} weight", fn, callw, [x, Spec(t, grad=False), Spec(w, grad=False)],
                      {"reduction": red, "weight": True})
                if len(shape) > 1:
                    ti = class_targets(c, shape, -100, 2)
                    c.run(f"{name} {shape} {red} weight ignore -100", fn, callw,
                          [x, Spec(ti, grad=False), Spec(w, grad=False)], {"reduction": red, "weight": True})
                if len(shape) == 2:
                    c.run(f"{name} {shape} {red} ignore -100", fn, call, [x, Spec(ti, grad=False)], args)
                    t1 = class_targets(c, shape)
                    calli = lambda a, b, w, red=red: f(a, b, weight=w, reduction=red, ignore_index=1)  # noqa: E731
                    c.run(f"{name} {shape} {red} weight ignore 1", fn, calli,
                          [x, Spec(t1, grad=False), Spec(w, grad=False)],
                          {"reduction": red, "weight": True, "ignore_index": 1})
                if name == "ce":
                    ti = class_targets(c, shape, -100, 2 if len(shape) > 1 else 0)
                    calls = lambda a, b, red=red: f(a, b, reduction=red, label_smoothing=0.3)  # noqa: E731
                    c.run(f"ce {shape} {red} ls 0.3", fn, calls, [x, Spec(ti, grad=False)],
                          {"reduction": red, "label_smoothing": 0.3})
                    callsw = lambda a, b, w, red=red: f(a, b, weight=w, reduction=red, label_smoothing=0.1)  # noqa
                    c.run(f"ce {shape} {red} ls 0.1 weight", fn, callsw, [x, Spec(ti, grad=False), Spec(w, grad=False)],
                          {"reduction": red, "label_smoothing": 0.1, "weight": True})
        for red in REDUCTIONS:
            x = c.randn(3, 4)
            if name == "nll":
                x = torch.log_softmax(x, 1)
            allign = Spec(torch.full((3,), -100), grad=False)
            c.run(f"{name} all ignored {red}", fn, lambda a, b, red=red: f(a, b, reduction=red), [x, allign],
                  {"reduction": red})
            c.run(f"{name} all ignored weight {red}", fn, lambda a, b, w, red=red: f(a, b, weight=w, reduction=red),
                  [x, allign, Spec(torch.rand(4, generator=c.gen), grad=False)], {"reduction": red, "weight": True})
            c.run(f"{name} empty {red}", fn, lambda a, b, red=red: f(a, b, reduction=red),
                  [torch.zeros(0, 4), Spec(torch.zeros(0, dtype=torch.long), grad=False)], {"reduction": red})
            c.run(f"{name} empty 3d {red}", fn, lambda a, b, red=red: f(a, b, reduction=red),
                  [torch.zeros(2, 4, 0), Spec(torch.zeros(2, 0, dtype=torch.long), grad=False)], {"reduction": red})
            c.run(f"{name} f64 {red}", fn, lambda a, b, red=red: f(a, b, reduction=red),
                  [c.randn(5, 3, dtype=torch.float64), Spec(torch.randint(0, 3, (5,), generator=c.gen), grad=False)],
                  {"reduction": red})
            c.run(f"{name} 1d target of size 1 {red}", fn, lambda a, b, red=red: f(a, b, reduction=red),
                  [c.randn(4), Spec(torch.tensor([2]), grad=False)], {"reduction": red}, grad=False)
        # Long batches run PyTorch's cascade summation over several levels.
        for red in ("mean", "sum"):
            x = torch.log_softmax(c.randn(300, 2), 1) if name == "nll" else c.randn(300, 2)
            t = Spec(class_targets(c, (300, 2), -100, 20), grad=False)
            c.run(f"{name} long batch {red}", fn, lambda a, b, red=red: f(a, b, reduction=red), [x, t],
                  {"reduction": red}, grad=False)
            w = Spec(c.rand(2) + 0.5, grad=False)
            c.run(f"{name} long batch weight {red}", fn, lambda a, b, w, red=red: f(a, b, weight=w, reduction=red),
                  [x, t, w], {"reduction": red, "weight": True}, grad=False)

    for red in ("mean", "sum"):
        ls = lambda a, b, red=red: F.cross_entropy(a, b, reduction=red, label_smoothing=0.2)  # noqa: E731
        c.run(f"ce all ignored ls {red}", "cross_entropy", ls, [c.randn(3, 4), Spec(torch.full((3,), -100), grad=False)],
              {"reduction": red, "label_smoothing": 0.2})
        c.run(f"ce empty ls {red}", "cross_entropy", ls,
              [torch.zeros(0, 4), Spec(torch.zeros(0, dtype=torch.long), grad=False)],
              {"reduction": red, "label_smoothing": 0.2})


def probability_losses(c):
    fn = "cross_entropy"
    for shape in [(6, 4), (5,), (2, 3, 4)]:
        cd = 0 if len(shape) == 1 else 1
        for red in REDUCTIONS:
            x, p = c.randn(*shape) * 2, torch.softmax(c.randn(*shape), cd)
            call = lambda a, b, red=red: F.cross_entropy(a, b, reduction=red)  # noqa: E731
            c.run(f"ce probs {shape} {red}", fn, call, [x, p], {"reduction": red})
            if len(shape) > 1:
                c.run(f"ce probs {shape} {red} transposed", fn, call, [Spec(x, "transposed"), Spec(p, "transposed")],
                      {"reduction": red})
            w = c.rand(shape[cd]) + 0.5
            callw = lambda a, b, w, red=red: F.cross_entropy(a, b, weight=w, reduction=red)  # noqa: E731
            c.run(f"ce probs {shape} {red} weight", fn, callw, [x, p, Spec(w, grad=False)],
                  {"reduction": red, "weight": True})
            calls = lambda a, b, w, red=red: F.cross_entropy(a, b, weight=w, reduction=red,  # noqa: E731
                                                                 label_smoothing=0.25)
            c.run(f"ce probs {shape} {red} weight ls", fn, calls, [x, p, Spec(w, grad=False)],
                  {"reduction": red, "weight": True, "label_smoothing": 0.25})
    for red in REDUCTIONS:
        c.run(f"ce probs empty {red}", fn, lambda a, b, red=red: F.cross_entropy(a, b, reduction=red),
              [torch.zeros(0, 4), torch.zeros(0, 4)], {"reduction": red})


def class_loss_errors(c):
    x2, t = torch.randn(3, 5, generator=c.gen), torch.tensor([1, 0, 4])
    L = torch.long
    for name, fn, f in [("nll", "nll_loss", F.nll_loss), ("ce", "cross_entropy", F.cross_entropy)]:
        e = lambda label, inputs, args=None, call=None: c.error(  # noqa: E731
            f"{name} {label}", fn, call or (lambda a, b: f(a, b)),
            inputs[:2] + [Spec(w, grad=False) for w in inputs[2:]], args or {"reduction": "mean"})
        wcall = lambda a, b, w: f(a, b, weight=w)  # noqa: E731
        e("target out of bounds", [x2, torch.tensor([1, 5, 0])])
        e("target out of bounds none", [x2, torch.tensor([1, 5, 0])], {"reduction": "none"},
          lambda a, b: f(a, b, reduction="none"))
        e("negative target", [x2, torch.tensor([1, -1, 0])])
        e("target out of bounds 4d", [torch.randn(2, 5, 3, 4), torch.full((2, 3, 4), 7)])
        e("float target", [x2, t.float()])
        e("batch mismatch", [x2, torch.tensor([1, 0])])
        e("0d target with 2d input", [x2, torch.tensor(2)])
        e("multi-target", [x2, torch.zeros(3, 2, dtype=L)])
        e("1d input with long 1d target", [torch.randn(5), torch.tensor([1, 2, 3])])
        e("bad weight", [x2, t, torch.ones(3)], {"reduction": "mean", "weight": True}, wcall)
        e("2d weight", [x2, t, torch.ones(5, 1)], {"reduction": "mean", "weight": True}, wcall)
        e("bad weight 4d", [torch.randn(2, 5, 3, 4), torch.zeros(2, 3, 4, dtype=L), torch.ones(3)],
          {"reduction": "mean", "weight": True}, wcall)
        e("bad weight 3d", [torch.randn(2, 5, 3), torch.zeros(2, 3, dtype=L), torch.ones(3)],
          {"reduction": "mean", "weight": True}, wcall)
        e("double weight", [x2, t, torch.ones(5, dtype=torch.float64)], {"reduction": "mean", "weight": True}, wcall)
        e("4d target dims", [torch.randn(2, 5, 3, 4), torch.zeros(2, 12, dtype=L)])
        e("4d size mismatch", [torch.randn(2, 5, 3, 4), torch.zeros(2, 3, 5, dtype=L)])
        e("3d size mismatch", [torch.randn(2, 5, 3), torch.zeros(2, 4, dtype=L)])
        e("5d size mismatch", [torch.randn(2, 5, 3, 2, 2), torch.zeros(2, 3, 2, dtype=L)])
        e("batchmean", [x2, t], {"reduction": "batchmean"}, lambda a, b: f(a, b, reduction="batchmean"))
    c.error("nll 0d input", "nll_loss", lambda a, b: F.nll_loss(a, b), [torch.tensor(1.0), torch.tensor(0)],
            {"reduction": "mean"})
    c.error("nll long input", "nll_loss", lambda a, b: F.nll_loss(a, b), [torch.ones(3, 5, dtype=L), t],
            {"reduction": "mean"})
    c.error("ce probs long", "cross_entropy", lambda a, b: F.cross_entropy(a, b), [x2, torch.zeros(3, 5, dtype=L)],
            {"reduction": "mean"})
    c.error("ce probs ignore_index", "cross_entropy", lambda a, b: F.cross_entropy(a, b, ignore_index=1),
            [x2, torch.zeros(3, 5)], {"reduction": "mean", "ignore_index": 1})
    c.error("ce label_smoothing above 1", "cross_entropy", lambda a, b: F.cross_entropy(a, b, label_smoothing=1.5),
            [x2, t], {"reduction": "mean", "label_smoothing": 1.5})
    c.error("ce probs label_smoothing above 1", "cross_entropy",
            lambda a, b: F.cross_entropy(a, b, label_smoothing=1.5), [x2, torch.zeros(3, 5)],
            {"reduction": "mean", "label_smoothing": 1.5})
    c.error("ce probs bad weight", "cross_entropy", lambda a, b, w: F.cross_entropy(a, b, weight=w),
            [x2, torch.zeros(3, 5), Spec(torch.ones(3), grad=False)], {"reduction": "mean", "weight": True})
    c.error("ce 0d", "cross_entropy", lambda a, b: F.cross_entropy(a, b), [torch.tensor(1.0), torch.tensor(0)],
            {"reduction": "mean"})
    c.error("ce long input", "cross_entropy", lambda a, b: F.cross_entropy(a, b), [torch.ones(3, 5, dtype=L), t],
            {"reduction": "mean"})
    c.run("ce negative label_smoothing is none", "cross_entropy",
          lambda a, b: F.cross_entropy(a, b, label_smoothing=-0.5), [x2, Spec(t, grad=False)],
          {"reduction": "mean", "label_smoothing": -0.5})


def losses_fixture():
    c = Cases()
    regression_losses(c)
    bce_losses(c)
    kl_losses(c)
    index_losses(c)
    probability_losses(c)
    class_loss_errors(c)
    return {"torch": torch.__version__, "cases": c.cases}


if __name__ == "__main__":
    os.makedirs(ROOT, exist_ok=True)
    for name, build_fixture in [("functional.json", functional_fixture), ("losses.json", losses_fixture)]:
        with open(os.path.join(ROOT, name), "w") as fh:
            json.dump(build_fixture(), fh, separators=(",", ":"))
        print(name, os.path.getsize(os.path.join(ROOT, name)), "bytes")
