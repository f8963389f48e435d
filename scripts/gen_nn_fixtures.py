#!/usr/bin/env python3
"""Write tests/fixtures/nn.json: torch.nn behaviour recorded from real PyTorch, for
tests/nn_module.rs and tests/nn_layers.rs.

Run by hand (never by CI) with PyTorch 2.15 on an x86-64 AVX2 machine:

    ~/torchenv/bin/python scripts/gen_nn_fixtures.py

Sections:
* registration: names of parameters, buffers, state_dict keys, modules and children of small
  models (each model is rebuilt the same way in the Rust test).
* load: load_state_dict outcomes (error text or missing/unexpected keys).
* train_eval, grads, repr: mode propagation, zero_grad / requires_grad_, printed modules.
* linear_init, init, gain, fan: initial values and nn.init streams (bit for bit) per seed.
* linear, layernorm, dropout, embedding, activations, flatten: forward and input/parameter gradients of
  (out * grad_output).sum() on contiguous, transposed, expanded and empty inputs.
* errors: messages.
* seed3, seed5: the first step of the seed programs.

Tensors use the format of tests/common/mod.rs: {"shape", "dtype", "data"} with float32 values stored
as the exact double of the f32, optionally "layout" and "requires_grad" for inputs.
"""

import math
import os
import warnings

import torch
import torch.nn as nn
from fixture_json import T, error_of, write_fixture

warnings.filterwarnings("ignore")
torch.set_num_threads(1)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "nn.json")
SEEDS = [0, 1, 42]


def make_input(t, layout):
    """The input tensor with the requested layout (same logical values), requiring grad."""
    if layout == "transposed":
        x = t.transpose(-2, -1).contiguous().transpose(-2, -1)
    elif layout == "expanded":
        x = t[:1].expand(t.shape)
    else:
        x = t
    return x.detach().clone() if layout == "contiguous" else x.detach()


def inp(t, layout="contiguous"):
    """Fixture entry of an input; for "expanded" the logical value is its first row repeated."""
    extra = {"layout": layout, "requires_grad": True}
    if layout == "expanded":
        extra["expand_from"] = [1] + list(t.shape[1:])
        t = t[:1].expand(t.shape)
    return T(t, **extra)


# ---------------------------------------------------------------------------------------------
# Models shared with the Rust tests (keep in step with tests/nn_module.rs).


def model_mixed():
    return nn.Sequential(nn.Linear(2, 3), nn.Identity(), nn.Dropout(0.1), nn.LayerNorm(3), nn.Linear(3, 1))


class AttrOrder(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc2 = nn.Linear(1, 2)
        self.w = nn.Parameter(torch.zeros(2))
        self.fc1 = nn.Linear(2, 1)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(4, 3), nn.Dropout(0.5), nn.Linear(3, 2))
        self.scale = nn.Parameter(torch.ones(2))
        self.register_buffer("running", torch.zeros(2))
        self.register_buffer("scratch", torch.zeros(2), persistent=False)
        self.heads = nn.ModuleList([nn.Linear(2, 1), nn.Linear(2, 1)])
        self.norm = nn.LayerNorm(2, elementwise_affine=False)
        self.extra = nn.ModuleDict({"b": nn.Linear(2, 2), "a": nn.Identity()})


class Stack(nn.Module):
    """A Rust `Vec<Linear>` field is a ModuleList in PyTorch."""

    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2), nn.Linear(2, 2)])
        self.out = nn.Linear(2, 1, bias=False)


class Polynomial3(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Parameter(torch.randn(()))
        self.b = nn.Parameter(torch.randn(()))
        self.c = nn.Parameter(torch.randn(()))
        self.d = nn.Parameter(torch.randn(()))

    def forward(self, x):
        return self.a + self.b * x + self.c * x**2 + self.d * x**3


def model_shared():
    lin = nn.Linear(2, 2)
    return nn.Sequential(lin, lin, nn.Linear(2, 1))


def model_tied():
    a, b = nn.Linear(3, 3), nn.Linear(3, 3)
    b.weight = a.weight
    return nn.Sequential(a, b)


def names(m):
    return {
        "params": [n for n, _ in m.named_parameters()],
        "buffers": [n for n, _ in m.named_buffers()],
        "state_dict": list(m.state_dict().keys()),
        "modules": [n for n, _ in m.named_modules()],
        "module_types": [type(x).__name__ for x in m.modules()],
        "children": [n for n, _ in m.named_children()],
    }


def registration():
    return {
        "mixed": names(model_mixed()),
        "attr_order": names(AttrOrder()),
        "net": names(Net()),
        "stack": names(Stack()),
        "shared": names(model_shared()),
        "tied": names(model_tied()),
        "polynomial3": names(Polynomial3()),
    }


# ---------------------------------------------------------------------------------------------
# load_state_dict


def load_case(name, model_fn, entries, strict):
    """`entries`: list of (key, tensor). Records the error text or the incompatible keys, and the
    values of the model's state after a successful load."""
    torch.manual_seed(0)
    m = model_fn()
    sd = dict(entries)
    case = {"name": name, "strict": strict, "entries": [[k, T(v)] for k, v in entries]}
    try:
        r = m.load_state_dict(sd, strict=strict)
        case["error"] = None
        case["missing"] = list(r.missing_keys)
        case["unexpected"] = list(r.unexpected_keys)
        case["after"] = [[k, T(v)] for k, v in m.state_dict().items()]
    except RuntimeError as e:
        case["error"] = str(e)
    return case


def load_cases():
    torch.manual_seed(123)
    seq = lambda: nn.Sequential(nn.Linear(3, 2), nn.Flatten(0, 1))  # noqa: E731
    w, b = torch.randn(2, 3), torch.randn(2)
    z1 = torch.zeros(1)
    full = [("0.weight", w), ("0.bias", b)]
    net = Net()
    net_sd = [(k, torch.randn(v.shape)) for k, v in net.state_dict().items()]
    net_bad = [e for e in net_sd if e[0] != "running"] + [("scratch", torch.zeros(2)), ("heads.1.weight.x", z1)]
    return [
        load_case("empty", seq, [], True),
        load_case("unexpected", seq, full + [("extra", z1), ("0.foo", z1), ("1.x.y", z1)], True),
        load_case("all_three", seq, [("0.weight", torch.zeros(4, 3)), ("extra", z1)], True),
        load_case("mismatch_not_strict", seq, [("0.weight", torch.zeros(4, 3)), ("extra", z1)], False),
        load_case("not_strict", seq, [("0.weight", w), ("extra", z1)], False),
        load_case("full", seq, full, True),
        load_case("f64_into_f32", seq, [(k, v.double()) for k, v in full], True),
        load_case("net_full", Net, net_sd, True),
        load_case("net_bad", Net, net_bad, True),
        load_case("net_bad_not_strict", Net, net_bad, False),
        load_case("scalar_from_vector", Polynomial3, [(k, torch.tensor([float(i)])) for i, k in enumerate("abcd")], True),
    ]


# ---------------------------------------------------------------------------------------------
# Modes, gradients, printing


def train_eval():
    net = Net()
    out = {}
    out["initial"] = [m.training for m in net.modules()]
    net.eval()
    out["after_eval"] = [m.training for m in net.modules()]
    net.heads.train()
    out["after_heads_train"] = [m.training for m in net.modules()]
    net.train()
    out["after_train"] = [m.training for m in net.modules()]
    return out


def grads():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    x = torch.randn(5, 3)
    model[0].requires_grad_(False)
    model(x).sum().backward()
    out = {
        "x": T(x),
        "params": [T(p) for p in model.parameters()],
        "requires_grad": [p.requires_grad for p in model.parameters()],
        "grad_is_none": [p.grad is None for p in model.parameters()],
        "grads": [T(p.grad) if p.grad is not None else None for p in model.parameters()],
    }
    model.zero_grad()
    out["after_zero_grad_is_none"] = [p.grad is None for p in model.parameters()]
    return out


def reprs():
    big = nn.ModuleList([nn.Linear(1, 1), nn.Linear(1, 1), nn.Identity(), nn.Linear(1, 1)])
    return {
        "mixed": repr(model_mixed()),
        "net": repr(Net()),
        "stack": repr(Stack()),
        "module_list": repr(big),
        "empty_sequential": repr(nn.Sequential()),
        "empty_module_list": repr(nn.ModuleList()),
        "parameter_list_1": repr(nn.ParameterList([nn.Parameter(torch.zeros(2, 3))])),
        "parameter_list_2": repr(nn.ParameterList([nn.Parameter(torch.zeros(2, 3)), nn.Parameter(torch.zeros(2))])),
        "linear_no_bias": repr(nn.Linear(3, 2, bias=False)),
        "dropout": repr(nn.Dropout(0.25)),
        "layernorm_23": repr(nn.LayerNorm([2, 3], eps=1e-6, elementwise_affine=False)),
        "layernorm_no_bias": repr(nn.LayerNorm(5, bias=False)),
        "flatten": repr(nn.Flatten()),
        "unflatten": repr(nn.Unflatten(1, (6,))),
        "embedding": repr(nn.Embedding(10, 3)),
        "embedding_padding": repr(nn.Embedding(10, 3, padding_idx=-2)),
    }


# ---------------------------------------------------------------------------------------------
# Initialisation


def linear_init():
    cases = []
    for seed in SEEDS:
        for fin, fout, bias in [(3, 2, True), (3, 1, True), (5, 4, True), (1, 1, True), (16, 8, True), (7, 3, False), (0, 3, True)]:
            torch.manual_seed(seed)
            lin = nn.Linear(fin, fout, bias=bias)
            cases.append({
                "seed": seed, "in": fin, "out": fout, "bias": bias,
                "weight": T(lin.weight), "bias_t": T(lin.bias) if bias else None,
                "next": T(torch.rand(3)),
            })
    return cases


def init_cases():
    I = nn.init  # noqa: E741
    specs = [
        ("uniform_", [5], {"a": -1.0, "b": 2.0}, lambda t: I.uniform_(t, -1.0, 2.0)),
        ("uniform_", [4, 6], {"a": 0.0, "b": 1.0}, lambda t: I.uniform_(t)),
        ("uniform_f64", [4, 6], {"a": -0.5, "b": 0.5}, lambda t: I.uniform_(t, -0.5, 0.5)),
        ("normal_", [5], {"mean": 0.5, "std": 2.0}, lambda t: I.normal_(t, 0.5, 2.0)),
        ("normal_", [4, 6], {"mean": 0.0, "std": 1.0}, lambda t: I.normal_(t)),
        ("normal_", [17], {"mean": -1.0, "std": 0.1}, lambda t: I.normal_(t, -1.0, 0.1)),
        ("normal_f64", [20], {"mean": 0.0, "std": 3.0}, lambda t: I.normal_(t, 0.0, 3.0)),
        ("xavier_uniform_", [3, 5], {"gain": 1.0}, lambda t: I.xavier_uniform_(t)),
        ("xavier_uniform_", [4, 3, 2], {"gain": 2.0}, lambda t: I.xavier_uniform_(t, 2.0)),
        ("xavier_normal_", [3, 5], {"gain": 1.0}, lambda t: I.xavier_normal_(t)),
        ("xavier_normal_", [8, 4], {"gain": 0.5}, lambda t: I.xavier_normal_(t, 0.5)),
        ("kaiming_uniform_", [4, 3, 2, 2], {"a": 0.0, "mode": "fan_out", "nonlinearity": "relu"},
         lambda t: I.kaiming_uniform_(t, 0, "fan_out", "relu")),
        ("kaiming_uniform_", [6, 5], {"a": math.sqrt(5), "mode": "fan_in", "nonlinearity": "leaky_relu"},
         lambda t: I.kaiming_uniform_(t, a=math.sqrt(5))),
        ("kaiming_normal_", [5, 6], {"a": 0.1, "mode": "fan_in", "nonlinearity": "leaky_relu"},
         lambda t: I.kaiming_normal_(t, 0.1)),
        ("kaiming_normal_", [3, 2], {"a": 0.0, "mode": "fan_out", "nonlinearity": "relu"},
         lambda t: I.kaiming_normal_(t, 0, "fan_out", "relu")),
        ("trunc_normal_", [20], {"mean": 0.0, "std": 1.0, "a": -2.0, "b": 2.0}, lambda t: I.trunc_normal_(t)),
        ("trunc_normal_", [40], {"mean": 0.0, "std": 1.0, "a": -1.5, "b": 0.5},
         lambda t: I.trunc_normal_(t, 0.0, 1.0, -1.5, 0.5)),
        ("trunc_normal_", [4, 5], {"mean": 0.0, "std": 1.0, "a": 2.0, "b": 3.0},
         lambda t: I.trunc_normal_(t, 0.0, 1.0, 2.0, 3.0)),
        ("trunc_normal_", [30], {"mean": 1.0, "std": 0.02, "a": -2.0, "b": 2.0},
         lambda t: I.trunc_normal_(t, 1.0, 0.02)),
        ("orthogonal_", [3, 5], {"gain": 1.0}, lambda t: I.orthogonal_(t)),
        ("orthogonal_", [6, 4], {"gain": 1.0}, lambda t: I.orthogonal_(t)),
        ("orthogonal_", [2, 3, 4], {"gain": 1.5}, lambda t: I.orthogonal_(t, 1.5)),
        ("constant_", [2, 3], {"val": 0.25}, lambda t: I.constant_(t, 0.25)),
        ("eye_", [2, 3], {}, lambda t: I.eye_(t)),
    ]
    cases = []
    for seed in SEEDS:
        for fn, shape, args, f in specs:
            torch.manual_seed(seed)
            dtype = torch.float64 if fn.endswith("_f64") else torch.float32
            t = torch.empty(shape, dtype=dtype)
            f(t)
            cases.append({"seed": seed, "fn": fn.replace("_f64", "_"), "shape": shape, "args": args,
                          "out": T(t), "next": T(torch.rand(2))})
    return cases


def gains():
    out = []
    for nl in ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
               "sigmoid", "tanh", "relu", "selu"]:
        out.append({"nonlinearity": nl, "param": None, "gain": float(nn.init.calculate_gain(nl))})
    for p in [None, 0.2, math.sqrt(5), 0.0]:
        out.append({"nonlinearity": "leaky_relu", "param": p, "gain": nn.init.calculate_gain("leaky_relu", p)})
    return out


def fans():
    return [{"shape": s, "fan": list(nn.init._calculate_fan_in_and_fan_out(torch.empty(s)))}
            for s in [[2, 3], [8, 3, 5, 5], [4, 0], [6, 2, 7]]]


# ---------------------------------------------------------------------------------------------
# Layers forward/backward


def run_layer(module, x, params):
    y = module(x)
    g = torch.randn(y.shape)
    (y * g).sum().backward()
    return {
        "y": T(y), "grad_output": T(g),
        "x_grad": T(x.grad) if x.grad is not None else None,
        "param_grads": [T(p.grad) if p.grad is not None else None for p in params],
    }


def linear_cases():
    cases = []
    for name, fin, fout, bias, shape, layout in [
        ("2d", 3, 4, True, [5, 3], "contiguous"),
        ("2d_transposed", 3, 4, True, [5, 3], "transposed"),
        ("2d_expanded", 3, 4, True, [5, 3], "expanded"),
        ("1d", 3, 2, True, [3], "contiguous"),
        ("3d", 3, 2, True, [2, 5, 3], "contiguous"),
        ("empty", 3, 2, True, [0, 3], "contiguous"),
        ("no_bias", 4, 3, False, [6, 4], "contiguous"),
    ]:
        torch.manual_seed(7)
        lin = nn.Linear(fin, fout, bias=bias)
        base = torch.randn(shape)
        x = make_input(base, layout).requires_grad_(True)
        case = {"name": name, "in": fin, "out": fout, "bias": bias, "x": inp(base, layout),
                "weight": T(lin.weight), "bias_t": T(lin.bias) if bias else None}
        case.update(run_layer(lin, x, list(lin.parameters())))
        cases.append(case)
    return cases


def layernorm_cases():
    cases = []
    for name, nshape, shape, layout, eps, affine, bias in [
        ("last", [4], [2, 3, 4], "contiguous", 1e-5, True, True),
        ("last_two", [3, 4], [2, 3, 4], "contiguous", 1e-5, True, True),
        ("transposed", [3], [4, 3], "transposed", 1e-5, True, True),
        ("expanded", [3], [4, 3], "expanded", 1e-5, True, True),
        ("no_affine", [5], [3, 5], "contiguous", 0.1, False, False),
        ("no_bias", [5], [3, 5], "contiguous", 1e-5, True, False),
        ("empty_batch", [4], [0, 4], "contiguous", 1e-5, True, True),
    ]:
        torch.manual_seed(11)
        ln = nn.LayerNorm(nshape, eps=eps, elementwise_affine=affine, bias=bias)
        with torch.no_grad():
            for p in ln.parameters():
                p.copy_(torch.randn(p.shape))
        base = torch.randn(shape) * 2 + 0.5
        x = make_input(base, layout).requires_grad_(True)
        case = {"name": name, "normalized_shape": nshape, "eps": eps, "affine": affine, "bias": bias,
                "x": inp(base, layout), "params": [T(p) for p in ln.parameters()]}
        case.update(run_layer(ln, x, list(ln.parameters())))
        cases.append(case)
    return cases


def dropout_cases():
    cases = []
    for seed in SEEDS:
        for p, shape, layout in [(0.5, [4, 5], "contiguous"), (0.2, [3, 7], "contiguous"), (0.9, [20], "contiguous"),
                                 (0.5, [4, 5], "transposed"), (0.3, [3, 4], "expanded")]:
            torch.manual_seed(1000 + seed)
            base = torch.randn(shape)
            x = make_input(base, layout).requires_grad_(True)
            torch.manual_seed(seed)
            y = nn.Dropout(p)(x)
            nxt = torch.rand(2)  # the generator's position right after the mask
            g = torch.randn(y.shape)
            (y * g).sum().backward()
            cases.append({"seed": seed, "p": p, "x": inp(base, layout), "y": T(y), "next": T(nxt),
                          "grad_output": T(g), "x_grad": T(x.grad)})
    x = torch.tensor([1.0, float("nan"), -2.0])
    cases_special = {
        "p1": T(nn.Dropout(1.0)(x)),
        "p0": T(nn.Dropout(0.0)(x)),
    }
    return cases, cases_special


def embedding_cases():
    init = []
    for seed in SEEDS:
        for num, dim, pad in [(10, 3, None), (3, 2, None), (5, 4, 1), (6, 3, -1), (2, 2, 0)]:
            torch.manual_seed(seed)
            e = nn.Embedding(num, dim, padding_idx=pad)
            init.append({"seed": seed, "num": num, "dim": dim, "padding_idx": pad, "weight": T(e.weight),
                         "next": T(torch.rand(2))})
    fwd = []
    for name, pad, idx in [
        ("2d_padding", 1, torch.tensor([[1, 2, 1], [4, 1, 0]])),
        ("1d", None, torch.tensor([3, 3, 0, 4])),
        ("scalar", None, torch.tensor(2)),
        ("empty", None, torch.zeros(2, 0, dtype=torch.long)),
        ("transposed_padding", 0, torch.tensor([[0, 1], [2, 0], [3, 3]]).t()),
    ]:
        torch.manual_seed(5)
        e = nn.Embedding(5, 3, padding_idx=pad)
        with torch.no_grad():
            if pad is not None:
                e.weight[pad] = torch.tensor([7.0, -7.0, 0.5])  # a non-zero padding row still reads as itself
        y = e(idx)
        g = torch.randn(y.shape)
        (y * g).sum().backward()
        fwd.append({"name": name, "padding_idx": pad, "weight": T(e.weight), "idx": T(idx),
                    "transposed": name.startswith("transposed"), "y": T(y), "grad_output": T(g),
                    "weight_grad": T(e.weight.grad)})
    return {"init": init, "forward": fwd}


def activation_cases():
    x1 = torch.tensor([-25.0, -3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0, 25.0])
    torch.manual_seed(3)
    x2 = torch.randn(3, 4) * 2
    cases = []
    for name, args, m, x in [
        ("ReLU", {}, nn.ReLU(), x1),
        ("LeakyReLU", {}, nn.LeakyReLU(), x1),
        ("LeakyReLU", {"negative_slope": 0.2}, nn.LeakyReLU(0.2), x1),
        ("ELU", {}, nn.ELU(), x1),
        ("ELU", {"alpha": 0.5}, nn.ELU(0.5), x1),
        ("GELU", {}, nn.GELU(), x1),
        ("GELU", {"approximate": "tanh"}, nn.GELU("tanh"), x1),
        ("SiLU", {}, nn.SiLU(), x1),
        ("Sigmoid", {}, nn.Sigmoid(), x1),
        ("Tanh", {}, nn.Tanh(), x1),
        ("Softmax", {"dim": 1}, nn.Softmax(dim=1), x2),
        ("Softmax", {"dim": 0}, nn.Softmax(dim=0), x2),
        ("LogSoftmax", {"dim": -1}, nn.LogSoftmax(dim=-1), x2),
        ("Softplus", {}, nn.Softplus(), x1),
        ("Softplus", {"beta": 2.0, "threshold": 5.0}, nn.Softplus(2.0, 5.0), x1),
    ]:
        xr = x.clone().requires_grad_(True)
        y = m(xr)
        g = torch.randn(y.shape)
        (y * g).sum().backward()
        cases.append({"name": name, "args": args, "repr": repr(m), "x": T(x, requires_grad=True), "y": T(y),
                      "grad_output": T(g), "x_grad": T(xr.grad)})
    return cases


def flatten_cases():
    x = torch.zeros(2, 3, 4, 5)
    out = []
    for s, e in [(1, -1), (0, 1), (0, -1), (2, 3), (-3, -2), (1, 1)]:
        out.append({"start": s, "end": e, "in": list(x.shape), "out": list(nn.Flatten(s, e)(x).shape)})
    for d, sizes in [(1, [3, 1]), (-1, [5, 1]), (0, [1, 2]), (2, [2, -1])]:
        out.append({"dim": d, "sizes": sizes, "in": list(x.shape), "out": list(nn.Unflatten(d, sizes)(x).shape)})
    return out


def errors():
    x = torch.ones(2, 6)
    return {
        "dropout_1.5": error_of(lambda: nn.Dropout(1.5)),
        "dropout_-0.5": error_of(lambda: nn.Dropout(-0.5)),
        "dropout_2": error_of(lambda: nn.Dropout(2)),
        "linear_2d": error_of(lambda: nn.Linear(3, 2)(torch.ones(2, 4))),
        "linear_no_bias": error_of(lambda: nn.Linear(3, 2, bias=False)(torch.ones(2, 4))),
        "linear_1d": error_of(lambda: nn.Linear(3, 2)(torch.ones(4))),
        "linear_3d": error_of(lambda: nn.Linear(3, 2)(torch.ones(5, 2, 4))),
        "linear_0d": error_of(lambda: nn.Linear(3, 2)(torch.ones(()))),
        "layernorm": error_of(lambda: nn.LayerNorm(4)(torch.ones(2, 3))),
        "layernorm_23": error_of(lambda: nn.LayerNorm([2, 3])(torch.ones(3))),
        "unflatten": error_of(lambda: nn.Unflatten(1, (2, 2))(x)),
        "unflatten_neg": error_of(lambda: nn.Unflatten(-1, (4, 2))(x)),
        "unflatten_empty": error_of(lambda: nn.Unflatten(1, ())(x)),
        "fan": error_of(lambda: nn.init.xavier_uniform_(torch.empty(3))),
        "orthogonal": error_of(lambda: nn.init.orthogonal_(torch.empty(3))),
        "eye": error_of(lambda: nn.init.eye_(torch.empty(3))),
        "gain": error_of(lambda: nn.init.calculate_gain("swish")),
        "gelu": error_of(lambda: nn.GELU("fast")(x)),
        "fan_mode": error_of(lambda: nn.init.kaiming_uniform_(torch.empty(2, 2), mode="fan_avg")),
        "missing_forward": error_of(lambda: nn.ModuleList()(x)),
        "embedding_padding": error_of(lambda: nn.Embedding(3, 2, padding_idx=3)),
        "embedding_range": error_of(lambda: nn.Embedding(3, 2)(torch.tensor([3]))),
        "embedding_negative": error_of(lambda: nn.Embedding(3, 2)(torch.tensor([-1]))),
        "embedding_float": error_of(lambda: nn.Embedding(3, 2)(torch.tensor([1.0]))),
        "embedding_bool": error_of(lambda: nn.Embedding(3, 2)(torch.tensor([True]))),
    }


# ---------------------------------------------------------------------------------------------
# Seed programs: the first step


def seed3():
    torch.manual_seed(0)
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    xx = x.unsqueeze(-1).pow(torch.tensor([1, 2, 3]))
    model = nn.Sequential(nn.Linear(3, 1), nn.Flatten(0, 1))
    w0, b0 = T(model[0].weight), T(model[0].bias)
    loss = ((model(xx) - y) ** 2).sum()
    loss.backward()
    return {"weight": w0, "bias": b0, "loss": loss.item(),
            "weight_grad": T(model[0].weight.grad), "bias_grad": T(model[0].bias.grad)}


def seed5():
    torch.manual_seed(0)
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    model = Polynomial3()
    init = {k: T(v) for k, v in model.named_parameters()}
    loss = ((model(x) - y) ** 2).sum()
    loss.backward()
    return {"init": init, "loss": loss.item(), "grads": {k: T(v.grad) for k, v in model.named_parameters()}}


def main():
    dropout, dropout_special = dropout_cases()
    fixture = {
        "torch_version": torch.__version__,
        "registration": registration(),
        "load": load_cases(),
        "train_eval": train_eval(),
        "grads": grads(),
        "repr": reprs(),
        "linear_init": linear_init(),
        "init": init_cases(),
        "gain": gains(),
        "fan": fans(),
        "linear": linear_cases(),
        "layernorm": layernorm_cases(),
        "dropout": dropout,
        "dropout_special": dropout_special,
        "embedding": embedding_cases(),
        "activations": activation_cases(),
        "flatten": flatten_cases(),
        "errors": errors(),
        "seed3": seed3(),
        "seed5": seed5(),
    }
    write_fixture(OUT, fixture)


if __name__ == "__main__":
    main()
