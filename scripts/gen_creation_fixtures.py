#!/usr/bin/env python3
"""Write tests/fixtures/creation.json: tensor creation, conversion and printing from PyTorch.

Run by hand (never by CI) from the repository root:

    ~/torchenv/bin/python scripts/gen_creation_fixtures.py

Float values are stored as hex bit patterns (8 digits per float32, 16 per float64) so that the
bit-exact cases (arange, linspace) compare exactly; other dtypes as JSON numbers / booleans.
tests/creation.rs builds each named case the same way in Rust.
"""

import json
import math
import os
import struct

import torch

torch.manual_seed(0)
torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "creation.json")
f32, f64, i64 = torch.float32, torch.float64, torch.int64


def enc(t):
    t = t.detach().contiguous()
    flat = t.reshape(-1).tolist()
    if t.dtype == f32:
        vals = "".join("%08x" % struct.unpack("<I", struct.pack("<f", v))[0] for v in flat)
    elif t.dtype == f64:
        vals = "".join("%016x" % struct.unpack("<Q", struct.pack("<d", v))[0] for v in flat)
    else:
        vals = flat
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "values": vals}


def err(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the message is the expected value
        return {"type": type(e).__name__, "msg": str(e)}
    raise AssertionError("expected an error")


def literals():
    return {
        "f_0d": enc(torch.tensor(2.5)),
        "i_0d": enc(torch.tensor(-7)),
        "b_0d": enc(torch.tensor(True)),
        "f_1d": enc(torch.tensor([1.5, -2.0, 0.1])),
        "i_1d": enc(torch.tensor([1, -2, 3])),
        "b_1d": enc(torch.tensor([True, False])),
        "mixed_int_float": enc(torch.tensor([1, 2.5])),
        "mixed_bool_int": enc(torch.tensor([True, 2])),
        "empty": enc(torch.tensor([])),
        "empty_2d": enc(torch.tensor([[]])),
        "f_2d": enc(torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])),
        "i_2d": enc(torch.tensor([[1, 2], [3, 4], [5, 6]])),
        "f_3d": enc(torch.tensor([[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]], [[9.0, 0.5], [0.25, 0.125]]])),
        "i_3d": enc(torch.tensor([[[1], [2]], [[3], [4]]])),
        "ragged": err(lambda: torch.tensor([[1, 2], [3]])),
        "ragged_3d": err(lambda: torch.tensor([[[1, 2], [3]], [[4, 5], [6, 7]]])),
    }


def factories():
    x_int = torch.tensor([[1, 2, 3], [4, 5, 6]])
    x_f64 = torch.tensor([1.0, 2.0], dtype=f64)
    return {
        "zeros": enc(torch.zeros(2, 3)),
        "ones": enc(torch.ones(4)),
        "zeros_0d": enc(torch.zeros(())),
        "empty_0x3": enc(torch.empty(0, 3)),
        "full_int": enc(torch.full((2,), 1)),
        "full_float": enc(torch.full((2,), 1.0)),
        "full_bool": enc(torch.full((2,), True)),
        "full_f64_value": enc(torch.full((3,), 0.1)),
        "full_dtype_long_1.5": enc(torch.full((2,), 1.5, dtype=i64)),
        "eye_3": enc(torch.eye(3)),
        "eye_2x3": enc(torch.eye(2, 3)),
        "eye_0": enc(torch.eye(0)),
        "zeros_like_int": enc(torch.zeros_like(x_int)),
        "ones_like_f64": enc(torch.ones_like(x_f64)),
        "full_like_int_2.7": enc(torch.full_like(x_int, 2.7)),
        "full_like_f64": enc(torch.full_like(x_f64, 0.1)),
        "empty_like_int": {"shape": list(torch.empty_like(x_int).shape), "dtype": "int64"},
    }


def ranges():
    r = {}
    r["arange_5"] = enc(torch.arange(5))
    r["arange_5.0"] = enc(torch.arange(5.0))
    r["arange_1_10_3"] = enc(torch.arange(1, 10, 3))
    r["arange_10_0_m3"] = enc(torch.arange(10, 0, -3))
    r["arange_0_2_0.1"] = enc(torch.arange(0, 2, 0.1))
    r["arange_m1.5_2.5"] = enc(torch.arange(-1.5, 2.5))
    r["arange_0_1_0.25"] = enc(torch.arange(0, 1, 0.25))
    r["arange_1_0_m0.1"] = enc(torch.arange(1, 0, -0.1))
    r["arange_0_100_0.7"] = enc(torch.arange(0, 100, 0.7))
    r["arange_f64_0_2_0.1"] = enc(torch.arange(0, 2, 0.1, dtype=f64))
    r["arange_empty"] = enc(torch.arange(3, 3))
    r["linspace_m1_1_7"] = enc(torch.linspace(-1, 1, 7))
    r["linspace_0_1_5"] = enc(torch.linspace(0, 1, 5))
    r["linspace_0.1_0.9_9"] = enc(torch.linspace(0.1, 0.9, 9))
    r["linspace_mpi_pi_2000"] = enc(torch.linspace(-math.pi, math.pi, 2000))
    r["linspace_f64_mpi_pi_2000"] = enc(torch.linspace(-math.pi, math.pi, 2000, dtype=f64))
    r["linspace_int_0_10_5"] = enc(torch.linspace(0, 10, 5, dtype=i64))
    r["linspace_int_0_10_4"] = enc(torch.linspace(0, 10, 4, dtype=i64))
    r["linspace_2_3_1"] = enc(torch.linspace(2, 3, 1))
    r["linspace_2_3_0"] = enc(torch.linspace(2, 3, 0))
    return r


def errors():
    return {
        "arange_step_zero": err(lambda: torch.arange(0, 5, 0)),
        "arange_sign": err(lambda: torch.arange(0, 5, -1)),
        "arange_inf": err(lambda: torch.arange(0, math.inf)),
        "linspace_negative": err(lambda: torch.linspace(0, 1, -1)),
        "item_2": err(lambda: torch.tensor([1.0, 2.0]).item()),
        "item_0": err(lambda: torch.tensor([]).item()),
    }


def conversions():
    src_f32 = torch.tensor([1.7, -1.7, 2.5, -0.5, 0.0, -0.0, 1e10, 3e9, 16777217.0])
    src_i64 = torch.tensor([0, 1, -3, 2**24 + 1, 2**53 + 1, -(2**40) - 7])
    src_f64 = torch.tensor([0.1, 1 / 3, 1e300, -1e-300, 2.5, math.nan, math.inf], dtype=f64)
    src_b = torch.tensor([True, False, True])
    out = {"src_f32": enc(src_f32), "src_i64": enc(src_i64), "src_f64": enc(src_f64), "src_bool": enc(src_b)}
    small = torch.tensor([1.7, -1.7, 2.5, -0.5, 0.0, -0.0, 3e9])
    out["src_f32_small"] = enc(small)
    out["f32_to_i64"] = enc(small.to(i64))
    out["f32_to_f64"] = enc(src_f32.to(f64))
    out["f32_to_bool"] = enc(torch.tensor([0.0, -0.0, 0.5, math.nan, -2.0]).to(torch.bool))
    out["src_f32_bool"] = enc(torch.tensor([0.0, -0.0, 0.5, math.nan, -2.0]))
    out["i64_to_f32"] = enc(src_i64.to(f32))
    out["i64_to_f64"] = enc(src_i64.to(f64))
    out["i64_to_bool"] = enc(src_i64.to(torch.bool))
    out["f64_to_f32"] = enc(src_f64.to(f32))
    out["f64_finite_to_i64"] = enc(src_f64[[0, 1, 4]].to(i64))
    out["bool_to_f32"] = enc(src_b.to(f32))
    out["bool_to_i64"] = enc(src_b.to(i64))
    # item() gives a Python number: the f32 value widened, the int exactly.
    out["item_f32"] = torch.tensor(0.1).item()
    out["item_i64"] = torch.tensor(2**40 + 3).item()
    out["item_bool"] = torch.tensor(True).item()
    return out


def printing():
    """str(t) for varied tensors; tests/creation.rs builds each one by name."""
    cases = {}

    def add(name, t, inputs=None):
        cases[name] = {"str": str(t), "inputs": [enc(i) for i in (inputs or [])]}

    add("f32_1d", torch.tensor([1.0, 2.5, -3.0]))
    add("i64_2d", torch.tensor([[1, -20], [300, 4]]))
    add("f32_0d", torch.tensor(3.5))
    add("bool_1d", torch.tensor([True, False, True]))
    add("f64_1d", torch.tensor([0.1, 2.0, -1e-3], dtype=f64))
    add("i64_0d", torch.tensor(42))
    add("f32_sci", torch.tensor([1e10, 1.0, -3e-5]))
    add("f32_nan_inf", torch.tensor([math.nan, math.inf, -math.inf, 1.5]))
    add("empty_2x0", torch.zeros(2, 0))
    add("empty_f64", torch.zeros(0, dtype=f64))
    r = torch.randn(3, 4)
    add("randn_3x4", r, [r])
    r3 = torch.randn(2, 2, 3, dtype=f64)
    add("randn_f64_3d", r3, [r3])
    add("arange_div", torch.arange(12.0).reshape(3, 4) / 7)
    add("linspace_summarized", torch.linspace(0, 1, 2000))
    add("eye_4", torch.eye(4))
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    add("requires_grad", x)
    add("grad_fn_mul", x * 2)
    add("grad_fn_exp", x.exp())
    add("grad_fn_add_f64", x.double() + 1)
    add("grad_fn_neg", -x)
    add("grad_fn_pow", x.pow(2))
    add("int_sum_0d", torch.tensor([2, 3]).sum())
    return cases


def main():
    fx = {
        "torch_version": torch.__version__,
        "literals": literals(),
        "factories": factories(),
        "ranges": ranges(),
        "errors": errors(),
        "conversions": conversions(),
        "printing": printing(),
    }
    with open(OUT, "w") as f:
        json.dump(fx, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}: {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
