#!/usr/bin/env python3
"""Write tests/fixtures/selection.json: diagonal, diag_embed, diag, trace, roll, tile,
cumprod, cummax, cummin, kthvalue, median, nanmedian, nonzero, argwhere and unique,
recorded from real PyTorch, for tests/selection_ops.rs.

Run by hand (never by CI) with PyTorch 2.15, from the repository root:

    ~/torchenv/bin/python scripts/gen_selection_fixtures.py

Each case holds its input (tests/common's tensor format, with the layout the Rust test
builds), the op's arguments, the outputs ("y" and, for ops with several, "extra" by name),
the grad_fn name, and for float inputs a random grad_output and the input's gradient of
(y * grad_output).sum(). "errors" maps a case name to PyTorch's message.
"""

import math
import os

import torch
from fixture_json import DT, T, error_of, write_fixture
from gen_structure_fixtures import make, rnd

torch.set_num_threads(1)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "selection.json")
F32, F64, I64, B = torch.float32, torch.float64, torch.int64, torch.bool
CASES = []


def unique(x, a):
    kw = {"return_inverse": True, "return_counts": True}
    if a.get("dim") is None:
        return torch.unique(x, **kw)
    return torch.unique(x, dim=a["dim"], **kw)


OPS = {
    "diagonal": lambda x, a: x.diagonal(a["offset"], a["dim1"], a["dim2"]),
    "diag_embed": lambda x, a: torch.diag_embed(x, a["offset"], a["dim1"], a["dim2"]),
    "diag": lambda x, a: torch.diag(x, a["offset"]),
    "trace": lambda x, a: torch.trace(x),
    "roll": lambda x, a: torch.roll(x, a["shifts"], a["dims"]),
    "tile": lambda x, a: torch.tile(x, a["dims"]),
    "cumprod": lambda x, a: torch.cumprod(x, a["dim"]),
    "cummax": lambda x, a: torch.cummax(x, a["dim"]),
    "cummin": lambda x, a: torch.cummin(x, a["dim"]),
    "kthvalue": lambda x, a: torch.kthvalue(x, a["k"], a["dim"], a["keepdim"]),
    "median": lambda x, a: torch.median(x) if a.get("dim") is None else torch.median(x, a["dim"], a["keepdim"]),
    "nanmedian": lambda x, a: torch.nanmedian(x) if a.get("dim") is None else torch.nanmedian(x, a["dim"], a["keepdim"]),
    "nonzero": lambda x, a: torch.nonzero(x),
    "argwhere": lambda x, a: torch.argwhere(x),
    "unique": unique,
}
EXTRA_NAMES = {"unique": ["inverse", "counts"]}


def case(op, args, v, layout=None, seed=0):
    x = make(v, layout)
    out = OPS[op](x, args)
    extra = {}
    if isinstance(out, tuple):
        names = EXTRA_NAMES.get(op, ["indices"])
        out, rest = out[0], out[1:]
        extra = {n: T(t) for n, t in zip(names, rest)}
    c = {"op": op, "args": args, "x": T(v, layout=layout or "contiguous", requires_grad=x.requires_grad),
         "y": T(out), "grad_fn": out.grad_fn.name() if out.grad_fn is not None else None}
    if extra:
        c["extra"] = extra
    if out.requires_grad and op != "unique":
        g = torch.randn(out.shape, generator=torch.Generator().manual_seed(1000 + seed), dtype=F64).to(out.dtype)
        (gx,) = torch.autograd.grad((out * g).sum(), [x])
        c["grad_output"] = T(g)
        c["x_grad"] = T(gx)
    c["name"] = f"{op} {args} {DT[v.dtype]} {list(v.shape)} {layout or 'contiguous'}"
    CASES.append(c)


def distinct(shape, seed, dtype=F32):
    """Values without ties, so that the index of a picked element is unambiguous."""
    n = math.prod(shape)
    p = torch.randperm(n, generator=torch.Generator().manual_seed(seed)).reshape(shape)
    return p if dtype == I64 else (p.to(F64) * 0.75 - 3.0).to(dtype)


def build():
    s = 0
    for off, d1, d2 in ((0, 0, 1), (1, 0, 1), (-1, 0, 1), (2, 1, 0), (-5, 0, 1), (0, -1, -3), (1, 2, 0)):
        s += 1
        case("diagonal", {"offset": off, "dim1": d1, "dim2": d2}, rnd((3, 4, 2) if min(d1, d2) < -1 or max(d1, d2) > 1 else (3, 4), F32, s), seed=s)
    case("diagonal", {"offset": 0, "dim1": 0, "dim2": 1}, rnd((4, 3), F64, 10), "transposed", seed=10)
    case("diagonal", {"offset": 1, "dim1": 0, "dim2": 1}, rnd((3, 3), I64, 11))
    for off, d1, d2 in ((0, -2, -1), (1, -2, -1), (-2, 0, 2), (0, 1, 0)):
        s += 1
        case("diag_embed", {"offset": off, "dim1": d1, "dim2": d2}, rnd((2, 3), F32, 20 + s), seed=s)
    case("diag_embed", {"offset": 0, "dim1": -2, "dim2": -1}, rnd((3,), I64, 29))
    for off in (0, 1, -2):
        s += 1
        case("diag", {"offset": off}, rnd((3,), F32, 30 + s), seed=s)
        case("diag", {"offset": off}, rnd((3, 4), F64, 30 + s), "transposed" if off == 1 else None, seed=s)
    case("diag", {"offset": 0}, rnd((2, 2), B, 39))
    for shape in ((3, 3), (2, 4), (4, 2), (0, 3)):
        s += 1
        case("trace", {}, rnd(shape, F32, 40 + s), seed=s)
    case("trace", {}, rnd((3, 2), F64, 46), "transposed", seed=46)
    case("trace", {}, rnd((3, 3), I64, 47))
    for shifts, dims in (([1], [0]), ([-1], [1]), ([2, 5], [0, 1]), ([7], []), ([-3], [-1]), ([1, 1], [1, 1])):
        s += 1
        case("roll", {"shifts": shifts, "dims": dims}, rnd((3, 4), F32, 50 + s), seed=s)
    case("roll", {"shifts": [1], "dims": [0]}, rnd((3, 4), F64, 58), "transposed", seed=58)
    case("roll", {"shifts": [2], "dims": [0]}, rnd((5,), I64, 59))
    case("roll", {"shifts": [1], "dims": [0]}, rnd((0, 2), F32, 60), seed=60)
    for dims in ([2], [2, 1], [1, 1, 2], [0, 3]):
        s += 1
        case("tile", {"dims": dims}, rnd((2, 3), F32, 70 + s), seed=s)
    case("tile", {"dims": [2]}, rnd((3, 2), I64, 75), "transposed")
    for d in (0, 1, -1):
        s += 1
        case("cumprod", {"dim": d}, rnd((3, 4), F32, 80 + s) * 0.5, seed=s)
    zeros = torch.tensor([[2.0, 0.0, 3.0, 0.0, 4.0], [0.0, 1.5, -2.0, 0.5, 3.0], [1.0, 2.0, 0.0, 3.0, 0.5]])
    case("cumprod", {"dim": 1}, zeros, seed=85)
    case("cumprod", {"dim": 0}, zeros.t().contiguous().to(F64), seed=86)
    case("cumprod", {"dim": 1}, rnd((4, 3), F64, 87), "transposed", seed=87)
    case("cumprod", {"dim": 0}, rnd((6,), I64, 88))
    case("cumprod", {"dim": -1}, rnd((2, 4), B, 89))
    case("cumprod", {"dim": 0}, torch.tensor(2.5), seed=90)
    case("cumprod", {"dim": 0}, torch.tensor([1.0, math.inf, 0.0, math.nan, 2.0]), seed=91)
    special = torch.tensor([[1.0, 3.0, 3.0, math.nan, 2.0, math.nan], [-0.0, 0.0, -1.0, -1.0, math.inf, -math.inf]])
    for op in ("cummax", "cummin"):
        for d in (0, 1, -1):
            s += 1
            case(op, {"dim": d}, rnd((3, 5), F32, 100 + s), seed=s)
        case(op, {"dim": 1}, special, seed=105)
        case(op, {"dim": 0}, rnd((4, 3), F64, 106), "transposed", seed=106)
        case(op, {"dim": 1}, rnd((3, 6), I64, 107))
        case(op, {"dim": 0}, rnd((6,), B, 108))
        case(op, {"dim": 0}, torch.tensor(1.5), seed=109)
        case(op, {"dim": 1}, torch.zeros(0, 3), seed=110)
    for k, d, keep in ((1, 1, False), (3, 1, True), (2, 0, False), (5, -1, False)):
        s += 1
        case("kthvalue", {"k": k, "dim": d, "keepdim": keep}, distinct((3, 5), 120 + s), seed=s)
    case("kthvalue", {"k": 2, "dim": 0, "keepdim": False}, distinct((4, 3), 126, F64), "transposed", seed=126)
    case("kthvalue", {"k": 3, "dim": 1, "keepdim": False}, distinct((2, 5), 127, I64))
    case("kthvalue", {"k": 4, "dim": 0, "keepdim": False}, torch.tensor([1.0, math.nan, 2.0, 0.5]), seed=128)
    case("kthvalue", {"k": 1, "dim": 0, "keepdim": False}, torch.tensor(3.0), seed=129)
    # No all-NaN row: nanmedian's index there is whichever NaN std::nth_element leaves in place.
    nans = torch.tensor([[1.0, math.nan, 2.0, 0.5], [3.0, 1.0, 2.0, 4.0], [math.nan, 1.0, math.nan, 3.0]])
    for op in ("median", "nanmedian"):
        for shape in ((5,), (4,), (3, 4)):
            s += 1
            case(op, {}, distinct(shape, 130 + s), seed=s)
        case(op, {}, distinct((3, 4), 134, F64), "transposed", seed=134)
        case(op, {}, distinct((5,), 135, I64))
        case(op, {}, torch.tensor([2.0, 1.0, 2.0, 2.0, 3.0]), seed=136)
        case(op, {}, torch.tensor([1.0, math.nan, 3.0]), seed=137)
        case(op, {}, torch.tensor([math.nan, math.nan]), seed=138)
        case(op, {}, torch.zeros(0), seed=139)
        case(op, {}, torch.tensor(-2.5), seed=140)
        for d, keep in ((1, False), (0, True), (-1, False)):
            s += 1
            case(op, {"dim": d, "keepdim": keep}, distinct((3, 4), 140 + s), seed=s)
        case(op, {"dim": 0, "keepdim": False}, distinct((4, 3), 146, F64), "transposed", seed=146)
        case(op, {"dim": 1, "keepdim": False}, distinct((2, 5), 147, I64))
        case(op, {"dim": 1, "keepdim": False}, nans, seed=148)
        case(op, {"dim": 0, "keepdim": False}, torch.tensor(7.0), seed=149)
        case(op, {"dim": 1, "keepdim": False}, torch.zeros(0, 3), seed=150)
    for op in ("nonzero", "argwhere"):
        case(op, {}, torch.tensor([[0.0, -0.0, math.nan], [1.0, 0.0, -2.0]]))
        case(op, {}, rnd((3, 4), I64, 160).clamp(-1, 1), "transposed")
        case(op, {}, rnd((2, 3, 2), B, 161))
        case(op, {}, torch.tensor(3.0))
        case(op, {}, torch.tensor(0))
        case(op, {}, torch.zeros(0, 2))
    vals = torch.tensor([2.0, 1.0, math.nan, 2.0, -0.0, 0.0, math.nan, 1.0, -math.inf])
    case("unique", {}, vals)
    case("unique", {}, vals.to(F64).reshape(3, 3), "transposed")
    case("unique", {}, rnd((3, 4), I64, 170).clamp(-2, 2))
    case("unique", {}, rnd((7,), B, 171))
    case("unique", {}, torch.tensor(3.0))
    case("unique", {}, torch.zeros(0))
    # No NaN in slices: PyTorch sorts them with `<`, which is no ordering once NaN is in, so
    # their place depends on std::sort's internals.
    rows = torch.tensor([[1.0, 2.0], [1.0, 2.0], [0.0, 5.0], [1.0, -1.0], [-0.0, 5.0], [1.0, 2.5]])
    case("unique", {"dim": 0}, rows)
    case("unique", {"dim": 1}, rows.t().contiguous().to(F64), "transposed")
    case("unique", {"dim": 1}, torch.tensor([[2, 1, 2], [1, 3, 1]]))
    case("unique", {"dim": -1}, rnd((2, 3, 4), I64, 172).clamp(0, 1))
    case("unique", {"dim": 0}, torch.zeros(0, 2))


def errors():
    o = torch.ones
    return {
        "diagonal_same": error_of(lambda: o(2, 2).diagonal(0, 1, -1)),
        "diagonal_dim": error_of(lambda: o(3).diagonal()),
        "diag_embed_same": error_of(lambda: torch.diag_embed(o(2), 0, 0, 0)),
        "diag_rank": error_of(lambda: torch.diag(o(2, 2, 2))),
        "trace_rank": error_of(lambda: torch.trace(o(3))),
        "trace_bool": error_of(lambda: torch.trace(o(2, 2, dtype=torch.bool))),
        "roll_align": error_of(lambda: torch.roll(o(2, 3), [1], [0, 1])),
        "roll_empty": error_of(lambda: torch.roll(o(2), [], [])),
        "roll_scalar": error_of(lambda: torch.roll(torch.tensor(1.0), 1, 0)),
        "cumprod_dim": error_of(lambda: o(2, 3).cumprod(-3)),
        "cummax_dim": error_of(lambda: o(2).cummax(1)),
        "kthvalue_k": error_of(lambda: torch.kthvalue(o(2, 3), 4, 1)),
        "kthvalue_zero": error_of(lambda: torch.kthvalue(o(2, 3), 0, -1)),
        "median_bool": error_of(lambda: torch.median(torch.tensor([True]))),
        "median_empty_dim": error_of(lambda: torch.median(o(2, 0), 1)),
        "nanmedian_bool": error_of(lambda: torch.nanmedian(torch.tensor([True]), 0)),
        "unique_zero_dims": error_of(lambda: torch.unique(o(2, 0), dim=0)),
        "unique_backward": error_of(lambda: torch.unique(o(2, requires_grad=True)).sum().backward()),
        "unique_dim_backward": error_of(lambda: torch.unique(o(2, 2, requires_grad=True), dim=0).sum().backward()),
    }


def main():
    build()
    fixture = {"torch_version": torch.__version__, "cases": CASES, "errors": errors()}
    write_fixture(OUT, fixture, f", {len(CASES)} cases")


if __name__ == "__main__":
    main()
