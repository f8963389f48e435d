#!/usr/bin/env python3
"""Write tests/fixtures/pad.json: torch.nn.functional.pad in its four modes, recorded from
real PyTorch, for tests/pad.rs.

Run by hand (never by CI) with PyTorch 2.15, from the repository root:

    ~/torchenv/bin/python scripts/gen_pad_fixtures.py

Each case holds the input (tests/common's tensor format, with the layout the Rust test
builds), pad, mode and value, the output, the grad_fn name, and for float inputs a random
grad_output and the input's gradient of (out * grad_output).sum(). "errors" maps a case name
to PyTorch's message.
"""

import os

import torch
import torch.nn.functional as F
from fixture_json import DT, T, error_of, write_fixture
from gen_structure_fixtures import make, rnd

torch.set_num_threads(1)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "pad.json")
F32, F64, I64, B = torch.float32, torch.float64, torch.int64, torch.bool
CASES = []


def case(v, pad, mode="constant", value=None, layout=None, seed=0):
    x = make(v, layout)
    out = F.pad(x, pad, mode, value)
    c = {"pad": list(pad), "mode": mode, "value": value,
         "x": T(v, layout=layout or "contiguous", requires_grad=x.requires_grad), "y": T(out),
         "grad_fn": out.grad_fn.name() if out.grad_fn is not None else None}
    if out.requires_grad:
        g = torch.randn(out.shape, generator=torch.Generator().manual_seed(1000 + seed), dtype=F64).to(out.dtype)
        (gx,) = torch.autograd.grad((out * g).sum(), [x])
        c["grad_output"] = T(g)
        c["x_grad"] = T(gx)
    c["name"] = f"{mode} {list(pad)} {value} {DT[v.dtype]} {list(v.shape)} {layout or 'contiguous'}"
    CASES.append(c)


def build():
    s = 0
    for pad, value in (((1, 2), None), ((0, 0, 2, 1), 1.5), ((-1, 2), None), ((1, -2, -1, 1), -3.0),
                       ((1, 1, 1, 1, 1, 1), None), ((2, 0), 0.0), ((), None)):
        s += 1
        case(rnd((2, 3, 4), F32, s), pad, "constant", value, seed=s)
    case(rnd((3, 4), F64, 10), (1, 1, 2, 0), "constant", 2.0, "transposed", seed=10)
    case(rnd((2, 3), I64, 11), (1, 2), "constant", 7)
    case(rnd((2, 3), B, 12), (1, 0), "constant", 1)
    case(rnd((0, 3), F32, 13), (1, 1), "constant", None, seed=13)
    for mode in ("reflect", "replicate", "circular"):
        for shape, pad in (((2, 5), (2, 3)), ((2, 3, 5), (1, 0)), ((2, 4, 5), (2, 1, 1, 3)), ((1, 2, 4, 5), (3, 0, 0, 2)),
                           ((2, 3, 3, 4), (1, 2, 2, 1, 1, 1)), ((1, 2, 3, 3, 4), (0, 1, 1, 0, 2, 2)), ((2, 5), (-1, 2))):
            s += 1
            case(rnd(shape, F32, 20 + s), pad, mode, seed=s)
        case(rnd((3, 4, 5), F64, 60), (2, 2, 1, 1), mode, None, "transposed", seed=60)
        case(rnd((2, 4), I64, 61), (1, 2), mode)
        case(rnd((2, 4), F32, 62), (3, 3) if mode != "reflect" else (3, 2), mode, 0.0, seed=62)
    case(rnd((0, 2, 4), F32, 70), (1, 1), "reflect", seed=70)
    case(rnd((0, 2, 4), F32, 71), (2, 1), "replicate", seed=71)
    case(rnd((2, 3), F32, 72), (3, 0), "circular", seed=72)


def errors():
    x = torch.ones(2, 3, 4)
    return {
        "odd": error_of(lambda: F.pad(x, (1,))),
        "too_long": error_of(lambda: F.pad(x, (1,) * 8)),
        "crop_too_much": error_of(lambda: F.pad(x, (-5, 0))),
        "negative_size": error_of(lambda: F.pad(x, (-2, -3))),
        "reflect_value": error_of(lambda: F.pad(x, (1, 1), "reflect", 1.0)),
        "reflect_rank": error_of(lambda: F.pad(x[0, 0], (1, 1), "reflect")),
        "replicate_rank": error_of(lambda: F.pad(x, (1, 1, 1, 1, 1, 1), "replicate")),
        "reflect_size": error_of(lambda: F.pad(x, (4, 0), "reflect")),
        "reflect_size_h": error_of(lambda: F.pad(x, (1, 1, 0, 3), "reflect")),
        "reflect_empty": error_of(lambda: F.pad(torch.ones(2, 0, 3), (1, 1), "reflect")),
        "replicate_empty_2d": error_of(lambda: F.pad(torch.ones(2, 0, 3), (1, 1, 1, 1), "replicate")),
        "circular_wrap": error_of(lambda: F.pad(x, (5, 0), "circular")),
    }


def reprs():
    """The padding layers' reprs, by the Rust constructor call that builds the same layer."""
    nn = torch.nn
    return {
        "ZeroPad1d([1, 2])": repr(nn.ZeroPad1d((1, 2))),
        "ZeroPad2d([1])": repr(nn.ZeroPad2d(1)),
        "ZeroPad3d([1, 0, 2, 0, 0, 3])": repr(nn.ZeroPad3d((1, 0, 2, 0, 0, 3))),
        "ConstantPad1d([1, 2], 3.5)": repr(nn.ConstantPad1d((1, 2), 3.5)),
        "ConstantPad2d([1], 0.0)": repr(nn.ConstantPad2d(1, 0.0)),
        "ConstantPad3d([2], -1.5)": repr(nn.ConstantPad3d(2, -1.5)),
        "ReflectionPad1d([2])": repr(nn.ReflectionPad1d(2)),
        "ReflectionPad2d([1, 1, 2, 0])": repr(nn.ReflectionPad2d((1, 1, 2, 0))),
        "ReflectionPad3d([1])": repr(nn.ReflectionPad3d(1)),
        "ReplicationPad1d([0, 3])": repr(nn.ReplicationPad1d((0, 3))),
        "ReplicationPad2d([2])": repr(nn.ReplicationPad2d(2)),
        "ReplicationPad3d([1])": repr(nn.ReplicationPad3d(1)),
        "CircularPad1d([1])": repr(nn.CircularPad1d(1)),
        "CircularPad2d([1, 2, 3, 4])": repr(nn.CircularPad2d((1, 2, 3, 4))),
        "CircularPad3d([1])": repr(nn.CircularPad3d(1)),
    }


def main():
    build()
    fixture = {"torch_version": torch.__version__, "cases": CASES, "errors": errors(), "reprs": reprs()}
    write_fixture(OUT, fixture, f", {len(CASES)} cases")


if __name__ == "__main__":
    main()
