#!/usr/bin/env python3
"""Write tests/fixtures/elementwise.json: unary and binary elementwise ops recorded from PyTorch.

Run by hand (never by CI) from the repository root:

    ~/torchenv/bin/python scripts/gen_elementwise_fixtures.py

Tensors use the format of tests/common/mod.rs: {"shape", "dtype", "data", "layout",
"requires_grad"}, data in logical row-major order, float32 values as the exact double of the
float, nan/inf as strings. A Rust number operand is {"scalar": value, "kind": "float"|"int"|"bool"}.

Every op case holds its inputs, the forward result (or PyTorch's error message), and, when an
input requires grad, a random `go` and the gradients of `(out * go).sum()` for each input.
"""

import json
import math
import os

import torch

torch.manual_seed(0)
torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "elementwise.json")
f32, f64, i64, b8 = torch.float32, torch.float64, torch.int64, torch.bool


def num(v):
    if isinstance(v, bool) or isinstance(v, int):
        return v
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def enc(t, layout="contiguous", requires_grad=False, expand_from=None):
    t = t.detach()
    d = {
        "shape": list(t.shape),
        "dtype": str(t.dtype).replace("torch.", ""),
        "data": [num(v) for v in t.reshape(-1).tolist()],
    }
    if layout != "contiguous":
        d["layout"] = layout
    if expand_from is not None:
        d["expand_from"] = list(expand_from)
    if requires_grad:
        d["requires_grad"] = True
    return d


def make_input(t, layout, requires_grad):
    """The torch tensor with the same layout as tests/common/mod.rs builds."""
    t = t.detach()
    if layout == "transposed":
        t = t.transpose(-2, -1).contiguous().transpose(-2, -1)
    elif isinstance(layout, tuple):  # ("expanded", small shape with 1s where expanded)
        small = t[tuple(slice(0, 1) if s == 1 else slice(None) for s in layout[1])]
        t = small.expand(t.shape)
    if requires_grad:
        t = t.detach().requires_grad_(True)
    return t


def spec(t, layout="contiguous", rg=None, raw=False):
    """An input description: (tensor, layout, requires_grad). Float values are rounded to
    multiples of 1/256 unless `raw`."""
    if t.dtype.is_floating_point and not raw:
        t = q(t)
    if rg is None:
        rg = t.dtype.is_floating_point
    return (t, layout, rg)


def enc_spec(s):
    t, layout, rg = s
    if isinstance(layout, tuple):
        # Store the expanded values; the Rust side rebuilds the stride-0 view.
        return enc(t, "expanded", rg, layout[1])
    return enc(t, layout, rg)


def q(t):
    """Rounds to a multiple of 1/256: exact in every float dtype and short in JSON."""
    return torch.round(t * 256) / 256


def run(fn, specs):
    """Runs fn on fresh inputs; returns (case dict without inputs) with out / grads or error."""
    ins = [make_input(*s) if isinstance(s, tuple) else s for s in specs]
    try:
        out = fn(*ins)
    except Exception as e:  # noqa: BLE001 - the message is the expected value
        return {"error": str(e), "error_type": type(e).__name__}
    case = {"out": enc(out)}
    if out.grad_fn is not None:
        case["grad_fn"] = type(out.grad_fn).__name__
    grads_needed = [isinstance(x, torch.Tensor) and x.requires_grad for x in ins]
    if any(grads_needed) and out.requires_grad:
        go = q(torch.randn(out.shape, dtype=out.dtype))
        (out * go).sum().backward()
        case["go"] = enc(go)
        case["grads"] = [enc(x.grad) if (need and x.grad is not None) else None for x, need in zip(ins, grads_needed)]
    return case


# ---------------------------------------------------------------- unary
UNARY = {
    "exp": (torch.exp, lambda n: torch.randn(n) * 2),
    "log": (torch.log, lambda n: torch.rand(n) * 3 + 0.1),
    "log1p": (torch.log1p, lambda n: torch.rand(n) * 3 - 0.5),
    "expm1": (torch.expm1, lambda n: torch.randn(n) * 2),
    "sqrt": (torch.sqrt, lambda n: torch.rand(n) * 3 + 0.1),
    "rsqrt": (torch.rsqrt, lambda n: torch.rand(n) * 3 + 0.1),
    "sin": (torch.sin, lambda n: torch.randn(n) * 2),
    "cos": (torch.cos, lambda n: torch.randn(n) * 2),
    "tan": (torch.tan, lambda n: torch.rand(n) * 2 - 1),
    "tanh": (torch.tanh, lambda n: torch.randn(n) * 2),
    "sigmoid": (torch.sigmoid, lambda n: torch.randn(n) * 3),
    "reciprocal": (torch.reciprocal, lambda n: (torch.rand(n) + 0.2) * torch.randn(n).sign()),
    "neg": (torch.neg, lambda n: torch.randn(n) * 2),
    "abs": (torch.abs, lambda n: torch.randn(n) * 2),
    "sign": (torch.sign, lambda n: torch.randn(n) * 2),
    "relu": (torch.relu, lambda n: torch.randn(n) * 2),
    "clamp": (lambda x: torch.clamp(x, min=-0.5, max=0.7), lambda n: torch.randn(n)),
    "clamp_min": (lambda x: torch.clamp_min(x, -0.5), lambda n: torch.randn(n)),
    "clamp_max": (lambda x: torch.clamp_max(x, 0.7), lambda n: torch.randn(n)),
    "clamp_int_bounds": (lambda x: torch.clamp(x, min=-1, max=2), lambda n: torch.randn(n) * 3),
    "logical_not": (torch.logical_not, lambda n: torch.randn(n).clamp(min=0)),
}
# Added later: recorded after every other section (see main), so that the random values of the
# cases above stay as they were.
MORE_UNARY = {
    "log2": (torch.log2, lambda n: torch.rand(n) * 3 + 0.1),
    "log10": (torch.log10, lambda n: torch.rand(n) * 3 + 0.1),
    "exp2": (torch.exp2, lambda n: torch.randn(n) * 2),
    "asin": (torch.asin, lambda n: torch.rand(n) * 1.8 - 0.9),
    "acos": (torch.acos, lambda n: torch.rand(n) * 1.8 - 0.9),
    "atan": (torch.atan, lambda n: torch.randn(n) * 2),
    "sinh": (torch.sinh, lambda n: torch.randn(n) * 2),
    "cosh": (torch.cosh, lambda n: torch.randn(n) * 2),
    "asinh": (torch.asinh, lambda n: torch.randn(n) * 3),
    "acosh": (torch.acosh, lambda n: torch.rand(n) * 3 + 1.1),
    "atanh": (torch.atanh, lambda n: torch.rand(n) * 1.8 - 0.9),
    "erfc": (torch.erfc, lambda n: torch.randn(n) * 2),
    "square": (torch.square, lambda n: torch.randn(n) * 2),
}
# Ops whose CPU kernels are exactly rounded (no MKL / SLEEF): compared bit for bit.
EXACT = {"neg", "abs", "sign", "relu", "clamp", "clamp_min", "clamp_max", "clamp_int_bounds", "reciprocal", "rsqrt",
         "logical_not", "square"}
SPECIAL = torch.tensor([math.nan, math.inf, -math.inf, 0.0, -0.0, 1.0, -1.0, 0.5, -2.0, 1e-30, 80.0, -100.0])


def unary_cases(ops=UNARY):
    cases = []
    for name, (fn, gen) in ops.items():
        def add(x, layout="contiguous", rg=None, tag=""):
            s = spec(x, layout, rg, raw=tag.startswith("special"))
            c = {"op": name, "tag": tag, "exact": name in EXACT, "x": enc_spec(s)}
            c.update(run(fn, [s]))
            cases.append(c)

        add(gen(12).reshape(3, 4), tag="f32")
        add(gen(12).reshape(4, 3), "transposed", tag="f32 transposed")
        add(gen(6).reshape(1, 6).expand(2, 6).contiguous(), ("expanded", (1, 6)), tag="f32 expanded")
        add(gen(7).to(f64), tag="f64")
        add(gen(1).reshape(()), tag="0-dim")
        add(gen(0).reshape(0, 3), tag="empty")
        add(SPECIAL.clone(), rg=False, tag="special values")
        add(SPECIAL.to(f64), rg=False, tag="special values f64")
        add(torch.tensor([3, -2, 0, 1, 7]), tag="int64")
        add(torch.tensor([True, False]), tag="bool")
    return cases


# ---------------------------------------------------------------- binary
def sc(v):
    kind = "bool" if isinstance(v, bool) else "int" if isinstance(v, int) else "float"
    return {"scalar": num(v), "kind": kind}


BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "add_scaled": lambda a, b: torch.add(a, b, alpha=2.5),
    "sub_scaled": lambda a, b: torch.sub(a, b, alpha=-1.5),
    "add_scaled_int": lambda a, b: torch.add(a, b, alpha=3),
    "maximum": torch.maximum,
    "minimum": torch.minimum,
    "eq": torch.eq,
    "ne": torch.ne,
    "lt": torch.lt,
    "le": torch.le,
    "gt": torch.gt,
    "ge": torch.ge,
    "logical_and": torch.logical_and,
    "logical_or": torch.logical_or,
    "logical_xor": torch.logical_xor,
    "pow": torch.pow,
}
ARITH = {"add", "sub", "mul", "div"}
# Ops that get the whole dtype matrix; the others share kernels with one of these and get a core set.
FULL = {"add", "sub", "mul", "div", "maximum", "eq", "lt", "logical_and"}
CORE_TAGS = {"same shape", "broadcast (3,1,2)x(2,1)", "broadcast ()x(2,0)", "transposed x contiguous", "expanded",
             "f32 x f64", "f32 x f64 0-dim", "i64 x f32", "i64 x i64", "bool x bool", "f32 x float", "i64 x float",
             "i64 x int", "nan and ties", "mismatch (3)x(4)"}
TENSOR_ONLY = {"maximum", "minimum", "logical_and", "logical_or", "logical_xor"}


def rn(*shape, dtype=f32):
    return q(torch.randn(shape, dtype=dtype))


def ints(*shape):
    return torch.randint(-4, 5, shape)


def bools(*shape):
    return torch.rand(shape) > 0.5


def binary_cases():
    cases = []

    def add(op, a, b, tag, pos_base=False):
        if op not in FULL and tag not in CORE_TAGS:
            return
        fn = BINARY[op]
        specs = []
        enc_in = []
        for x in (a, b):
            if isinstance(x, tuple):
                specs.append(x)
                enc_in.append(enc_spec(x))
            else:
                specs.append(x)
                enc_in.append(sc(x))
        c = {"op": op, "tag": tag, "a": enc_in[0], "b": enc_in[1]}
        c.update(run(fn, specs))
        cases.append(c)

    def with_ties(a, b):
        # maximum/minimum/comparisons: make some elements equal.
        if a.shape == b.shape and a.dtype == b.dtype and a.numel() > 2:
            b = b.clone()
            b.view(-1)[::3] = a.reshape(-1)[::3]
        return b

    for op in BINARY:
        if op == "pow":
            continue
        scalar_ok = op not in TENSOR_ONLY
        a, b = rn(3, 4), rn(3, 4)
        if op == "div":
            b = b.sign() * (b.abs() + 0.3)
        b = with_ties(a, b)
        add(op, spec(a), spec(b), "same shape")
        if op in ("add", "mul"):
            add(op, spec(rn(5, 1, 4)), spec(rn(3, 1)), "broadcast (5,1,4)x(3,1)")
        add(op, spec(rn(3, 1, 2)), spec(rn(2, 1) + 3.0 if op == "div" else rn(2, 1)), "broadcast (3,1,2)x(2,1)")
        add(op, spec(rn()), spec(rn(2, 0)), "broadcast ()x(2,0)")
        add(op, spec(rn(0, 4)), spec(rn(1, 4)), "empty (0,4)x(1,4)")
        t1, t2 = rn(2, 3), rn(2, 3)
        add(op, spec(t1, "transposed"), spec(t2.abs() + 0.5), "transposed x contiguous")
        add(op, spec(t2), spec(t1.abs() + 0.5, "transposed"), "contiguous x transposed")
        add(op, spec(rn(2, 3)), spec(rn(1, 3).expand(2, 3).contiguous(), ("expanded", (1, 3))), "expanded")
        add(op, spec(rn(3, dtype=f64)), spec(rn(3, dtype=f64) + 3.0), "f64")
        add(op, spec(rn(3)), spec(rn(3, dtype=f64) + 3.0), "f32 x f64")
        add(op, spec(rn(3)), spec(rn(dtype=f64) + 3.0), "f32 x f64 0-dim")
        add(op, spec(rn(dtype=f32) + 3.0), spec(rn(3, dtype=f64)), "f32 0-dim x f64")
        add(op, spec(ints(3)), spec(rn(3) + 3.0), "i64 x f32")
        add(op, spec(rn(3) + 3.0), spec(ints(3)), "f32 x i64")
        add(op, spec(ints(3)), spec(rn(dtype=f64) + 3.0), "i64 x f64 0-dim")
        add(op, spec(ints(2, 3)), spec(ints(3)), "i64 x i64")
        add(op, spec(bools(4)), spec(bools(4)), "bool x bool")
        add(op, spec(bools(4)), spec(ints(4)), "bool x i64")
        add(op, spec(ints(4)), spec(bools(4)), "i64 x bool")
        add(op, spec(bools(3)), spec(rn(3) + 3.0), "bool x f32")
        add(op, spec(ints()), spec(ints(3)), "i64 0-dim x i64")
        if scalar_ok:
            add(op, spec(rn(2, 3)), 2.5, "f32 x float")
            add(op, spec(rn(2, 3)), 3, "f32 x int")
            add(op, spec(rn(2, 3, dtype=f64)), 2.5, "f64 x float")
            add(op, spec(ints(4)), 2.5, "i64 x float")
            add(op, spec(ints(4)), 3, "i64 x int")
            add(op, spec(ints(4)), True, "i64 x bool")
            add(op, spec(bools(4)), True, "bool x bool scalar")
            add(op, spec(bools(4)), 2, "bool x int")
            add(op, spec(bools(4)), 1.5, "bool x float")
            add(op, spec(rn()), 2.5, "0-dim x float")
        if op in ARITH:
            add(op, 2.0, spec(rn(2, 3) + 3.0), "float x f32")
            add(op, 3, spec(rn(2, 3) + 3.0), "int x f32")
            add(op, 3, spec(ints(4).abs() + 1), "int x i64")
            add(op, 2.5, spec(ints(4).abs() + 1), "float x i64")
            add(op, 2.0, spec(rn(3, dtype=f64) + 3.0), "float x f64")
        if op in ("maximum", "minimum", "eq", "ne", "lt", "le", "gt", "ge"):
            nan = math.nan
            add(
                op,
                spec(torch.tensor([nan, 1.0, nan, 2.0, -math.inf, 0.0])),
                spec(torch.tensor([1.0, nan, nan, 2.0, 3.0, -0.0])),
                "nan and ties",
            )
        if op in ("eq", "lt"):
            # Compared in the promoted dtype: 2**24+1 as int64 vs float32 2**24.
            add(op, spec(torch.tensor([2**24 + 1, 5])), spec(torch.tensor([2.0**24, 5.0])), "i64 x f32 precision")
        add(op, spec(rn(3)), spec(rn(4)), "mismatch (3)x(4)")
        add(op, spec(rn(2, 3)), spec(rn(3, 2)), "mismatch (2,3)x(3,2)")
    return cases


def pow_cases():
    cases = []

    def add(a, b, tag):
        specs, enc_in = [], []
        for x in (a, b):
            if isinstance(x, tuple):
                specs.append(x)
                enc_in.append(enc_spec(x))
            else:
                specs.append(x)
                enc_in.append(sc(x))
        c = {"op": "pow", "tag": tag, "a": enc_in[0], "b": enc_in[1]}
        c.update(run(torch.pow, specs))
        cases.append(c)

    exps = [0, 1, 2, 3, 0.5, -0.5, -1, -2, 2.5, 0.0, 1.0, 2.0, 3.0, -1.0, -2.0, 1.5]
    for e in exps:
        add(spec(torch.rand(3, 4) * 2 + 0.1), e, f"f32 ** {e!r}")
        add(spec(torch.rand(5, dtype=f64) * 2 + 0.1), e, f"f64 ** {e!r}")
    for e in (2, 3, -1, -2, 0.5, 2.5, 0, 1):
        add(spec(torch.tensor([-2.0, -0.5, 0.0, -0.0, 1.5, math.nan, math.inf, -math.inf]), rg=False), e,
            f"f32 special ** {e!r}")
    add(spec(torch.rand(3, 4) + 0.5, "transposed"), 2, "transposed ** 2")
    add(spec(torch.rand(0, 3) + 0.5), 2, "empty ** 2")
    add(spec(torch.rand(()) + 0.5), 3, "0-dim ** 3")
    add(spec(torch.tensor([-2.0, 0.0, 1.5])), 2, "negative and zero base ** 2 (grad)")
    add(spec(torch.tensor([-2.0, 0.0, 1.5])), 0, "zero ** 0 (grad)")
    for e in (0, 1, 2, 3, True, -1, -2, 0.5, 2.5, 0.0, 1.0, -1.0):
        add(spec(torch.tensor([3, -2, 0, 1, 7])), e, f"i64 ** {e!r}")
    for e in (0, 2, 2.0):
        add(spec(torch.tensor([True, False])), e, f"bool ** {e!r}")
    # Tensor exponents.
    add(spec(torch.rand(3, 4) + 0.1), spec(torch.randn(3, 4)), "f32 ** f32")
    add(spec(torch.rand(3, 4) + 0.1, "transposed"), spec(torch.randn(3, 4)), "transposed ** f32")
    add(spec(torch.rand(5, 1) + 0.1, rg=True), spec(torch.tensor([1, 2, 3])), "tutorial: (5,1) ** int64 (3)")
    add(spec(torch.rand(3, dtype=f64) + 0.1), spec(torch.randn(2, 1, dtype=f64)), "f64 broadcast")
    add(spec(torch.rand(3) + 0.1), spec(torch.randn(3, dtype=f64)), "f32 ** f64")
    add(spec(torch.rand(3) + 0.1), spec(torch.randn((), dtype=f64)), "f32 ** f64 0-dim")
    add(spec(torch.tensor([0.0, 0.0, 2.0, 0.0])), spec(torch.tensor([0.0, 2.0, 0.0, -1.0])), "zeros in base/exp")
    add(spec(torch.tensor([2, 1, -1, 0, 3, -3])), spec(torch.tensor([-1, -1, -1, 2, 3, 3])), "i64 ** i64")
    add(spec(torch.tensor([2, 3])), spec(torch.tensor([0.5, 2.0])), "i64 ** f32")
    add(spec(torch.tensor([True, False])), spec(torch.tensor([True, True])), "bool ** bool")
    add(spec(torch.rand(3)), spec(torch.rand(4)), "mismatch")
    return cases


# ---------------------------------------------------------------- in-place
def inplace_cases():
    cases = []

    def add(op, self_t, other, tag, alpha=None, layout="contiguous"):
        def fn(s, o):
            s = make_input(s, layout, False).clone() if layout != "contiguous" else s.clone()
            if op == "add_":
                s.add_(o) if alpha is None else s.add_(o, alpha=alpha)
            elif op == "sub_":
                s.sub_(o) if alpha is None else s.sub_(o, alpha=alpha)
            elif op == "mul_":
                s.mul_(o)
            elif op == "div_":
                s.div_(o)
            elif op == "copy_":
                s.copy_(o)
            elif op == "fill_":
                s.fill_(o)
            elif op == "zero_":
                s.zero_()
            elif op == "clamp_":
                s.clamp_(min=o[0], max=o[1])
            return s

        other_enc = enc(other) if isinstance(other, torch.Tensor) else (
            {"min": other[0], "max": other[1]} if op == "clamp_" else sc(other))
        c = {"op": op, "tag": tag, "self": enc(self_t, layout), "other": other_enc}
        if alpha is not None:
            c["alpha"] = sc(alpha)
        try:
            c["out"] = enc(fn(self_t, other))
        except Exception as e:  # noqa: BLE001
            c["error"] = str(e)
        cases.append(c)

    for op in ("add_", "sub_", "mul_", "div_"):
        add(op, rn(2, 3), rn(2, 3) + 3, "same shape")
        add(op, rn(2, 3), rn(3) + 3, "broadcast other")
        add(op, rn(2, 3), 2.5, "float scalar")
        add(op, rn(2, 3), 3, "int scalar")
        add(op, rn(2, 3, dtype=f64), rn(3) + 3, "f64 self, f32 other")
        add(op, rn(3), rn(3, dtype=f64) + 3, "f32 self, f64 other")
        add(op, ints(4), ints(4).abs() + 1, "i64 self, i64 other")
        add(op, ints(4), 2, "i64 self, int scalar")
        add(op, ints(4), 1.5, "i64 self, float scalar")
        add(op, ints(4), rn(4), "i64 self, f32 other")
        add(op, rn(3), rn(2, 3), "grow self")
        add(op, bools(3), bools(3), "bool self, bool other")
        add(op, bools(3), 1, "bool self, int scalar")
        add(op, rn(4), ints(4).abs() + 1, "f32 self, i64 other")
    add("add_", rn(5), rn(5), "alpha", alpha=0.3)
    add("sub_", rn(5), rn(5), "alpha", alpha=0.3)
    add("add_", ints(5), ints(5), "int alpha", alpha=2)
    # f32.add_(f64) computes in f64 (pytorch-semantics.md §5.3): 1 + (2^-24 + 2^-50) rounds up only in f64.
    add("add_", torch.ones(1), torch.tensor([2.0**-24 + 2.0**-50], dtype=f64), "f32 += f64 computed in f64")
    add("add_", torch.ones(1), torch.tensor([2.0**-24 + 2.0**-50], dtype=f64).float(), "f32 += f32 of same value")
    add("copy_", rn(2, 3), rn(3, dtype=f64), "broadcast + cast")
    add("copy_", ints(3), torch.tensor([1.7, -1.7, 2.5]), "float into int truncates")
    add("copy_", rn(3), rn(2, 3), "grow self")
    add("copy_", bools(3), torch.tensor([0.0, 0.5, -2.0]), "float into bool")
    add("fill_", rn(2, 3), 1.7, "float")
    add("fill_", ints(3), 1.7, "float into int")
    add("fill_", bools(3), 2, "int into bool")
    add("zero_", rn(2, 3), 0, "f32")
    add("zero_", ints(3), 0, "i64")
    add("add_", rn(2, 3), rn(3), "transposed self", layout="transposed")
    add("mul_", rn(2, 3), 2.5, "transposed self", layout="transposed")
    add("copy_", rn(2, 3), rn(2, 1), "transposed self", layout="transposed")
    add("fill_", rn(2, 3), 0.5, "transposed self", layout="transposed")
    add("clamp_", rn(6), (-0.5, 0.5), "both")
    add("clamp_", rn(6), (None, 0.5), "max only")
    add("clamp_", ints(6), (-1, 2), "int bounds")
    add("clamp_", ints(6), (1.5, None), "float bound on int")
    return cases


def promotion():
    """torch.result_type through `a + b` for every pair of our dtypes, 1-d / 0-d tensors and numbers."""
    rows = []
    dts = [("float32", f32), ("float64", f64), ("int64", i64), ("bool", b8)]
    nums = [("float", 2.5), ("int", 2), ("bool", True)]
    for an, ad in dts:
        for adim in (1, 0):
            a = torch.ones([2] * adim, dtype=ad)
            for bn, bd in dts:
                for bdim in (1, 0):
                    b = torch.ones([2] * bdim, dtype=bd)
                    rows.append([an, adim, bn, bdim, str((a + b).dtype).replace("torch.", "")])
            for kind, v in nums:
                rows.append([an, adim, kind, -1, str((a + v).dtype).replace("torch.", "")])
    return rows


def errors():
    """Error messages the Rust tests compare exactly."""
    msgs = {}

    def catch(name, fn):
        try:
            fn()
        except Exception as e:  # noqa: BLE001
            msgs[name] = {"type": type(e).__name__, "msg": str(e)}
            return
        raise AssertionError(name + " did not fail")

    b = torch.tensor([True, False])
    catch("bool_sub_bool", lambda: b - b)
    catch("bool_sub_int", lambda: b - 1)
    catch("int_rsub_bool", lambda: 1 - b)
    catch("neg_bool", lambda: -b)
    catch("abs_bool", lambda: torch.abs(b))
    catch("relu_bool", lambda: torch.relu(b))
    catch("pow_int_neg", lambda: torch.tensor([2]).pow(-1))
    catch("pow_bool_bool", lambda: b.pow(b))
    catch("inplace_grow", lambda: torch.ones(3).add_(torch.ones(2, 3)))
    catch("inplace_float_into_long", lambda: torch.ones(3, dtype=i64).add_(1.5))
    catch("inplace_long_into_bool", lambda: b.clone().add_(1))
    catch("broadcast", lambda: torch.ones(2, 3) + torch.ones(2, 4))
    catch("int_alpha_float", lambda: torch.add(torch.tensor([1]), torch.tensor([1]), alpha=1.5))
    catch("clamp_float_into_long", lambda: torch.tensor([1]).clamp_(min=1.5))
    return msgs


def main():
    fx = {
        "torch_version": torch.__version__,
        "unary": unary_cases(),
        "binary": binary_cases(),
        "pow": pow_cases(),
        "inplace": inplace_cases(),
        "errors": errors(),
        "promotion": promotion(),
    }
    fx["unary"] += unary_cases(MORE_UNARY)
    with open(OUT, "w") as f:
        json.dump(fx, f, separators=(",", ":"))
        f.write("\n")
    n = sum(len(fx[k]) for k in ("unary", "binary", "pow", "inplace"))
    print(f"wrote {OUT}: {n} cases, {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
