#!/usr/bin/env python3
"""Write tests/fixtures/structure.json: isnan, isinf, isfinite, any, all, flip, repeat, tril,
triu, cumsum, sort, argsort, topk, nan_to_num, isclose and F.one_hot, recorded from real PyTorch, for tests/structure_ops.rs.

Run by hand (never by CI) with PyTorch 2.15, from the repository root:

    ~/torchenv/bin/python scripts/gen_structure_fixtures.py

Each case holds its input (tests/common's tensor format, with the layout the Rust test
builds), the op's arguments, the output, the grad_fn name, and for float inputs a random
grad_output and the input's gradient of (out * grad_output).sum(). "errors" maps a case name
to PyTorch's message.
"""

import math
import os

import torch
from fixture_json import DT, T, error_of, num, write_fixture

torch.set_num_threads(1)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "structure.json")
F32, F64, I64, B = torch.float32, torch.float64, torch.int64, torch.bool
SPECIAL = [math.nan, math.inf, -math.inf, 0.0, -0.0, 1.5, -2.0, 1e-40, 3e38, 0.0, math.nan, 7.0]


def make(v, layout):
    x = v.clone()
    if layout == "transposed":
        x = x.transpose(-2, -1).contiguous().transpose(-2, -1)
    return x.requires_grad_(x.dtype.is_floating_point)


def rnd(shape, dtype, seed):
    g = torch.Generator().manual_seed(seed)
    if dtype == I64:
        return torch.randint(-9, 10, shape, generator=g)
    if dtype == B:
        return torch.rand(shape, generator=g) > 0.5
    return (torch.randn(shape, generator=g, dtype=F64) * 3).to(dtype)


CASES = []


def args_other(args, x):
    """isclose's second operand, stored in the case's args."""
    back = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
    return torch.tensor([back.get(v, v) for v in args["other"]], dtype=x.dtype).reshape(x.shape)


def case(op, args, v, layout=None, seed=0):
    x = make(v, layout)
    fn = {
        "isnan": lambda x: torch.isnan(x),
        "isinf": lambda x: torch.isinf(x),
        "isfinite": lambda x: torch.isfinite(x),
        "any": lambda x: x.any() if args.get("dim") is None else x.any(args["dim"], keepdim=args["keepdim"]),
        "all": lambda x: x.all() if args.get("dim") is None else x.all(args["dim"], keepdim=args["keepdim"]),
        "flip": lambda x: x.flip(args["dims"]),
        "repeat": lambda x: x.repeat(*args["sizes"]),
        "tril": lambda x: x.tril(args["diagonal"]),
        "triu": lambda x: x.triu(args["diagonal"]),
        "cumsum": lambda x: x.cumsum(args["dim"]),
        "nan_to_num": lambda x: torch.nan_to_num(x, args["nan"], args["posinf"], args["neginf"]),
        "isclose": lambda x: torch.isclose(x, args_other(args, x), args["rtol"], args["atol"], args["equal_nan"]),
        "one_hot": lambda x: torch.nn.functional.one_hot(x, args["num_classes"]),
        "sort": lambda x: tuple(torch.sort(x, dim=args["dim"], descending=args["descending"])),
        "argsort": lambda x: torch.argsort(x, dim=args["dim"], descending=args["descending"]),
        "topk": lambda x: tuple(torch.topk(x, args["k"], dim=args["dim"], largest=args["largest"])),
    }[op]
    out = fn(x)
    indices = None
    if isinstance(out, tuple):
        out, indices = out
    c = {"op": op, "args": args, "x": T(v, layout=layout or "contiguous", requires_grad=x.requires_grad),
         "y": T(out), "grad_fn": out.grad_fn.name() if out.grad_fn is not None else None}
    if indices is not None:
        c["indices"] = T(indices)
    if out.requires_grad:
        g = (torch.randn(out.shape, generator=torch.Generator().manual_seed(1000 + seed), dtype=F64)).to(out.dtype)
        (gx,) = torch.autograd.grad((out * g).sum(), [x])
        c["grad_output"] = T(g)
        c["x_grad"] = T(gx)
    c["name"] = f"{op} {args} {DT[v.dtype]} {list(v.shape)} {layout or 'contiguous'}"
    CASES.append(c)


def build():
    s = 0
    for op in ("isnan", "isinf", "isfinite"):
        for dt in (F32, F64):
            case(op, {}, torch.tensor(SPECIAL, dtype=dt).reshape(3, 4))
            case(op, {}, torch.tensor(SPECIAL, dtype=dt).reshape(4, 3), "transposed")
        case(op, {}, rnd((2, 3), I64, 1))
        case(op, {}, rnd((4,), B, 2))
        case(op, {}, torch.zeros(0, 3))
    for op in ("any", "all"):
        vals = torch.tensor([[0.0, 1.0, math.nan], [0.0, 0.0, 0.0], [2.0, -1.0, 3.0], [0.0, -0.0, 1e-45]])
        for args in ({}, {"dim": 0, "keepdim": False}, {"dim": 1, "keepdim": False}, {"dim": -1, "keepdim": True}):
            case(op, args, vals)
            case(op, args, vals.to(F64), "transposed" if args.get("dim") == 0 else None)
            case(op, args, rnd((3, 4), I64, 3).clamp(min=-1, max=1))
            case(op, args, rnd((3, 4), B, 4))
            case(op, args, torch.zeros(0, 3))
        case(op, {}, torch.tensor(0.0))
        case(op, {}, torch.ones(()))
    for dims in ([0], [1], [0, 1], [-1], [2, 0], []):
        s += 1
        case("flip", {"dims": dims}, rnd((2, 3, 4), F32, 10 + s), seed=s)
    case("flip", {"dims": [0, 1]}, rnd((3, 4), F64, 20), "transposed", seed=20)
    case("flip", {"dims": [1]}, rnd((3, 4), I64, 21))
    case("flip", {"dims": [0]}, rnd((0, 4), F32, 22), seed=22)
    for sizes in ([2, 1], [1, 3], [2, 2, 2], [0, 2], [1, 1]):
        s += 1
        case("repeat", {"sizes": sizes}, rnd((2, 3), F32, 30 + s), seed=s)
    case("repeat", {"sizes": [3]}, rnd((2,), F64, 40), seed=40)
    case("repeat", {"sizes": [2, 3]}, rnd((3, 2), F32, 41), "transposed", seed=41)
    case("repeat", {"sizes": [2, 2]}, rnd((2, 2), I64, 42))
    case("repeat", {"sizes": [2, 1, 3]}, torch.tensor(1.5), seed=43)
    for op in ("tril", "triu"):
        for d in (0, 1, -1, 5, -5):
            s += 1
            case(op, {"diagonal": d}, rnd((3, 4), F32, 50 + s), seed=s)
        case(op, {"diagonal": 0}, rnd((2, 3, 3), F64, 60), seed=60)
        case(op, {"diagonal": 0}, torch.tensor(SPECIAL, dtype=F32).reshape(3, 4), seed=61)
        case(op, {"diagonal": 1}, rnd((4, 3), F32, 62), "transposed", seed=62)
        case(op, {"diagonal": 0}, rnd((3, 3), I64, 63))
        case(op, {"diagonal": -1}, rnd((3, 3), B, 64))
        case(op, {"diagonal": 0}, rnd((0, 3), F32, 65), seed=65)
    for d in (0, 1, -1):
        s += 1
        case("cumsum", {"dim": d}, rnd((3, 4), F32, 70 + s), seed=s)
    case("cumsum", {"dim": 0}, torch.tensor([1e8, 1.0, -1e8, 3.0, 0.1, -0.1]), seed=80)
    case("cumsum", {"dim": 1}, rnd((3, 4), F64, 81), "transposed", seed=81)
    case("cumsum", {"dim": 0}, rnd((5,), I64, 82))
    case("cumsum", {"dim": -1}, rnd((2, 4), B, 83))
    case("cumsum", {"dim": 0}, torch.tensor(2.5), seed=84)
    case("cumsum", {"dim": 1}, rnd((0, 3), F32, 85), seed=85)
    case("cumsum", {"dim": 1}, torch.tensor([[1.0, math.inf, -math.inf, 2.0], [math.nan, 1.0, 2.0, 3.0]]), seed=86)
    ties = torch.tensor([[3.0, math.nan, 1.0, 3.0, -0.0, 0.0, -math.inf, 1.0], [2.0, 2.0, math.nan, math.nan, 5.0, -1.0, 2.0, 0.0]])
    for desc in (False, True):
        for d in (0, 1, -1):
            s += 1
            case("sort", {"dim": d, "descending": desc}, rnd((3, 5), F32, 90 + s), seed=s)
            case("argsort", {"dim": d, "descending": desc}, rnd((3, 5), F64, 90 + s))
        case("sort", {"dim": 1, "descending": desc}, ties, seed=95)
        case("argsort", {"dim": -1, "descending": desc}, ties.to(F64))
        case("sort", {"dim": 0, "descending": desc}, rnd((4, 3), F32, 96), "transposed", seed=96)
        case("sort", {"dim": 1, "descending": desc}, rnd((3, 6), I64, 97))
        case("sort", {"dim": 0, "descending": desc}, rnd((7,), B, 98))
        case("sort", {"dim": 1, "descending": desc}, rnd((0, 4), F32, 99), seed=99)
        case("sort", {"dim": 0, "descending": desc}, torch.tensor(1.5), seed=100)
    case("one_hot", {"num_classes": 4}, torch.tensor([0, 2, 1, 3]))
    case("one_hot", {"num_classes": -1}, torch.tensor([[0, 5], [2, 2]]))
    case("one_hot", {"num_classes": 3}, torch.tensor([[1, 0], [2, 1]]), "transposed")
    case("one_hot", {"num_classes": 3}, torch.tensor([], dtype=I64))
    case("one_hot", {"num_classes": 3}, torch.tensor(2))
    for nan, posinf, neginf in ((0.0, None, None), (1.0, 2.0, -3.0), (-0.5, 1e300, None)):
        for dt in (F32, F64):
            s += 1
            case("nan_to_num", {"nan": nan, "posinf": posinf, "neginf": neginf},
                 torch.tensor(SPECIAL, dtype=dt).reshape(3, 4), "transposed" if dt == F64 else None, seed=s)
    case("nan_to_num", {"nan": 0.0, "posinf": None, "neginf": None}, rnd((2, 3), I64, 130))
    close_a = [1.0, 1.0, 1.0, math.inf, math.inf, math.nan, math.nan, 0.0, 1e-9, 100.0, -0.0, 3.0]
    close_b = [1.0 + 1e-6, 1.0 + 1e-4, 1.0001, math.inf, -math.inf, math.nan, 1.0, 1e-9, 0.0, 100.001, 0.0, 3.0]
    for rtol, atol, equal_nan in ((1e-5, 1e-8, False), (1e-5, 1e-8, True), (0.0, 0.0, False), (1e-3, 0.0, False), (0.0, 1e-8, True)):
        for dt in (F32, F64):
            case("isclose", {"other": [num(v) for v in close_b], "rtol": rtol, "atol": atol, "equal_nan": equal_nan},
                 torch.tensor(close_a, dtype=dt))
    case("isclose", {"other": [1, 2, 5, 3], "rtol": 0.1, "atol": 1.0, "equal_nan": False}, torch.tensor([1, 3, 3, -3]))
    for largest in (True, False):
        for k, d in ((1, -1), (3, 1), (2, 0), (0, 1), (5, 1)):
            s += 1
            case("topk", {"k": k, "dim": d, "largest": largest}, rnd((3, 5), F32, 110 + s), seed=s)
        case("topk", {"k": 3, "dim": 1, "largest": largest}, (torch.randperm(15, generator=torch.Generator().manual_seed(120)) - 7).reshape(3, 5))
        case("topk", {"k": 2, "dim": 0, "largest": largest}, rnd((4, 3), F64, 121), "transposed", seed=121)
        case("topk", {"k": 2, "dim": -1, "largest": largest}, torch.tensor([1.0, math.nan, 3.0, -math.inf]), seed=122)


def errors():
    o = torch.ones
    return {
        "tril_rank": error_of(lambda: o(3).tril()),
        "triu_rank": error_of(lambda: o(3).triu()),
        "flip_dim": error_of(lambda: o(2, 3).flip(2)),
        "flip_repeated": error_of(lambda: o(2, 3).flip(0, -2)),
        "repeat_rank": error_of(lambda: o(2, 3).repeat(2)),
        "cumsum_dim": error_of(lambda: o(2, 3).cumsum(2)),
        "any_dim": error_of(lambda: o(2, 3).any(2)),
        "all_dim": error_of(lambda: o(2, 3).all(-3)),
        "sort_dim": error_of(lambda: o(2, 3).sort(2)),
        "topk_k": error_of(lambda: torch.topk(o(3), 4)),
        "topk_dim": error_of(lambda: torch.topk(o(2, 3), 1, 2)),
        "isclose_dtype": error_of(lambda: torch.isclose(o(2), o(2, dtype=torch.float64))),
        "isclose_rtol": error_of(lambda: torch.isclose(o(2), o(2), rtol=-1.0)),
        "isclose_atol": error_of(lambda: torch.isclose(o(2), o(2), atol=-0.5)),
        "one_hot_negative": error_of(lambda: torch.nn.functional.one_hot(torch.tensor([0, -1]))),
        "one_hot_too_large": error_of(lambda: torch.nn.functional.one_hot(torch.tensor([0, 3]), 3)),
        "one_hot_dtype": error_of(lambda: torch.nn.functional.one_hot(torch.tensor([0.0, 1.0]))),
        "one_hot_empty": error_of(lambda: torch.nn.functional.one_hot(torch.tensor([], dtype=torch.int64))),
        "one_hot_num_classes": error_of(lambda: torch.nn.functional.one_hot(torch.tensor([1]), -2)),
    }


def main():
    build()
    fixture = {"torch_version": torch.__version__, "cases": CASES, "errors": errors()}
    write_fixture(OUT, fixture, f", {len(CASES)} cases")


if __name__ == "__main__":
    main()
