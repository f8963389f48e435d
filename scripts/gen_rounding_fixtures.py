#!/usr/bin/env python3
"""Write tests/fixtures/rounding.json: floor, ceil, round, trunc, frac, remainder (and `%`),
fmod, floor_divide and div with rounding_mode, recorded from real PyTorch, for
tests/rounding.rs.

Run by hand (never by CI) with PyTorch 2.15, from the repository root:

    ~/torchenv/bin/python scripts/gen_rounding_fixtures.py

Each case holds its inputs (tensors in tests/common's format, with the layout the Rust test
builds, or a number {"scalar", "kind"}), the output, the grad_fn name, a random grad_output
and the gradients of (out * grad_output).sum() for the float tensor inputs (or the error the
backward raises). Inputs mix random values with the special ones: signed zeros, infinities,
NaN, halves, zero divisors (floats) and operands of both signs. "errors" maps a case name to
PyTorch's message. The in-place forms (floor_, remainder_, div_(rounding_mode=...), ...) give
the out-of-place values, so the Rust test checks them against the same cases.
"""

import math
import os

import torch
from fixture_json import DT, T, error_of, num, write_fixture

torch.set_num_threads(1)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "rounding.json")
F32, F64, I64 = torch.float32, torch.float64, torch.int64


def operand(v, layout):
    if isinstance(v, (int, float)):
        return {"scalar": num(float(v)) if isinstance(v, float) else v, "kind": "float" if isinstance(v, float) else "int"}
    return T(v, layout=layout, requires_grad=v.dtype.is_floating_point)


def make(v, layout):
    """The input PyTorch computes with: same values, the requested layout, grad if float."""
    if not isinstance(v, torch.Tensor):
        return v
    x = v.clone()
    if layout == "transposed":
        x = x.transpose(-2, -1).contiguous().transpose(-2, -1)
    return x.requires_grad_(x.dtype.is_floating_point)


def values(shape, dtype, seed, divisor=False):
    g = torch.Generator().manual_seed(seed)
    if dtype == I64:
        t = torch.randint(-20, 21, shape, generator=g)
        if divisor:
            t = torch.where(t == 0, torch.full_like(t, 7), t)
        return t
    t = torch.randn(shape, generator=g, dtype=F64) * 6
    if divisor:
        t = torch.where(t.abs() < 0.5, t + 1.5, t)
    return t.to(dtype)


SPECIAL_A = [5.5, -5.5, 5.5, -5.5, 0.0, -0.0, math.inf, -math.inf, math.nan, 7.0, 1e30, 3.0, -7.0, 2.5, -0.5, 1e-30]
SPECIAL_B = [2.0, 2.0, -2.0, -2.0, 3.0, 3.0, 2.0, 2.0, 2.0, 0.0, 3e-7, math.inf, 0.0, -0.0, math.inf, -math.inf]


def binary_specs(dtype):
    """(name, a, a_layout, b, b_layout) for one dtype."""
    s = [
        ("contiguous", values((3, 4), dtype, 1), None, values((3, 4), dtype, 2, True), None),
        ("transposed", values((4, 3), dtype, 3), "transposed", values((4, 3), dtype, 4, True), "transposed"),
        ("broadcast_row", values((3, 4), dtype, 5), None, values((4,), dtype, 6, True), None),
        ("broadcast_col", values((3, 1), dtype, 7), None, values((1, 4), dtype, 8, True), None),
        ("empty", values((0, 4), dtype, 9), None, values((4,), dtype, 10, True), None),
        ("scalar_int", values((2, 5), dtype, 11), None, -3, None),
        ("scalar_float", values((2, 5), dtype, 12), None, 2.5, None),
    ]
    if dtype != I64:
        s.append(("special", torch.tensor(SPECIAL_A, dtype=dtype), None, torch.tensor(SPECIAL_B, dtype=dtype), None))
    else:
        s.append(("signs", torch.tensor([7, -7, 7, -7, 0, 6, -6, 1], dtype=I64), None,
                  torch.tensor([2, 2, -2, -2, 5, 3, 3, -9], dtype=I64), None))
        s.append(("int_by_float_tensor", values((2, 3), I64, 13), None, values((2, 3), F32, 14, True), None))
    return s


BINARY = {
    "remainder": lambda a, b: torch.remainder(a, b),
    "fmod": lambda a, b: torch.fmod(a, b),
    "floor_divide": lambda a, b: torch.floor_divide(a, b),
    "div_trunc": lambda a, b: torch.div(a, b, rounding_mode="trunc"),
    "div_floor": lambda a, b: torch.div(a, b, rounding_mode="floor"),
}


def record(name, op, out, tensors, seed, extra):
    case = dict(name=name, op=op, y=T(out), grad_fn=out.grad_fn.name() if out.grad_fn is not None else None, **extra)
    wrt = [t for t in tensors if isinstance(t, torch.Tensor) and t.requires_grad]
    if wrt:
        g = torch.randn(out.shape, generator=torch.Generator().manual_seed(seed), dtype=F64).to(out.dtype)
        case["grad_output"] = T(g)
        try:
            grads = torch.autograd.grad((out * g).sum(), wrt, allow_unused=True)
            case["grads"] = [T(gr) if gr is not None else None for gr in grads]
        except RuntimeError as e:
            case["backward_error"] = str(e)
    return case


def binary_cases():
    cases = []
    seed = 0
    for op, fn in BINARY.items():
        for dtype in (F32, F64, I64):
            for name, a, al, b, bl in binary_specs(dtype):
                seed += 1
                x, y = make(a, al), make(b, bl)
                out = fn(x, y)
                extra = {"a": operand(a, al), "b": operand(b, bl)}
                cases.append(record(f"{op}_{DT[dtype]}_{name}", op, out, [x, y], seed, extra))
    # A number on the left: Python's `s % t`, which PyTorch does not differentiate.
    for dtype in (F32, I64):
        seed += 1
        t = make(values((2, 3), dtype, 40, True), None)
        out = 7 % t
        cases.append(record(f"rremainder_{DT[dtype]}", "rremainder", out, [t], seed,
                            {"a": {"scalar": 7, "kind": "int"}, "b": operand(t.detach(), None)}))
    return cases


UNARY = {"floor": torch.floor, "ceil": torch.ceil, "round": torch.round, "trunc": torch.trunc, "frac": torch.frac}


def unary_cases():
    cases = []
    seed = 100
    halves = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.0, -0.0, math.inf, -math.inf, math.nan, 8388607.5, -4.4, 4.6, 1e20, 0.49999997]
    for op, fn in UNARY.items():
        for dtype in (F32, F64):
            specs = [
                ("contiguous", values((3, 4), dtype, 50), None),
                ("transposed", values((4, 3), dtype, 51), "transposed"),
                ("empty", values((0, 3), dtype, 52), None),
                ("special", torch.tensor(halves, dtype=dtype), None),
            ]
            for name, a, layout in specs:
                seed += 1
                x = make(a, layout)
                cases.append(record(f"{op}_{DT[dtype]}_{name}", op, fn(x), [x], seed, {"a": operand(a, layout)}))
        if op != "frac":
            x = values((2, 3), I64, 53)
            cases.append(record(f"{op}_int64", op, fn(x), [x], seed, {"a": operand(x, None)}))
    return cases


def errors():
    i = torch.tensor([7, -7, 0])
    z = torch.tensor([2, 0, 3])
    b = torch.tensor([True, False])
    return {
        "remainder_int_zero": error_of(lambda: torch.remainder(i, z)),
        "fmod_int_zero": error_of(lambda: torch.fmod(i, z)),
        "floor_divide_int_zero": error_of(lambda: torch.floor_divide(i, z)),
        "div_trunc_int_zero": error_of(lambda: torch.div(i, 0, rounding_mode="trunc")),
        "div_floor_int_zero": error_of(lambda: torch.div(i, z, rounding_mode="floor")),
        "rremainder_int_zero": error_of(lambda: 5 % z),
        "remainder_bool": error_of(lambda: torch.remainder(b, b)),
        "fmod_bool": error_of(lambda: torch.fmod(b, b)),
        "floor_divide_bool": error_of(lambda: torch.floor_divide(b, b)),
        "div_trunc_bool": error_of(lambda: torch.div(b, b, rounding_mode="trunc")),
        "div_floor_bool": error_of(lambda: torch.div(b, b, rounding_mode="floor")),
        "floor_bool": error_of(lambda: torch.floor(b)),
        "ceil_bool": error_of(lambda: torch.ceil(b)),
        "round_bool": error_of(lambda: torch.round(b)),
        "trunc_bool": error_of(lambda: torch.trunc(b)),
        "frac_bool": error_of(lambda: torch.frac(b)),
        "frac_int": error_of(lambda: torch.frac(i)),
        "remainder_shapes": error_of(lambda: torch.remainder(torch.ones(3), torch.ones(4))),
        "remainder_inplace_cast": error_of(lambda: torch.tensor([5]).remainder_(2.5)),
        "fmod_inplace_shape": error_of(lambda: torch.ones(4).fmod_(torch.ones(3, 4))),
        "frac_inplace_int": error_of(lambda: torch.tensor([3]).frac_()),
        "floor_divide_inplace_zero": error_of(lambda: torch.tensor([5]).floor_divide_(torch.tensor([0]))),
        "floor_inplace_leaf": error_of(lambda: torch.ones(2, requires_grad=True).floor_()),
    }


def main():
    fixture = {
        "torch_version": torch.__version__,
        "binary": binary_cases(),
        "unary": unary_cases(),
        "errors": errors(),
    }
    write_fixture(OUT, fixture)


if __name__ == "__main__":
    main()
