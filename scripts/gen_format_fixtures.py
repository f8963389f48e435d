#!/usr/bin/env python
"""Generate tests/fixtures/format.json: reference `str(tensor)` output from PyTorch.

Run from the repository root with a PyTorch install:

    ~/torchenv/bin/python scripts/gen_format_fixtures.py

Each case records the shape, dtype, values (float32/float64 as hex bit
patterns so they round-trip exactly, ints as numbers, bools as booleans),
the autograd state, any non-default print options, and `str(tensor)`.
The unit test in `src/format/tests.rs` checks `format_tensor` reproduces
the string exactly.
"""

import json
import math
import os

import torch

torch.manual_seed(0)
CASES = []


def encode(t):
    flat = t.detach().reshape(-1).contiguous()
    if t.dtype == torch.float32:
        return [format(b & 0xFFFFFFFF, "08x") for b in flat.view(torch.int32).tolist()]
    if t.dtype == torch.float64:
        return [format(b & (2**64 - 1), "016x") for b in flat.view(torch.int64).tolist()]
    return flat.tolist()


def add(name, t, opts=None):
    opts = opts or {}
    with torch._tensor_str.printoptions(**opts):
        s = str(t)
    grad_fn = type(t.grad_fn).__name__ if t.grad_fn is not None else None
    CASES.append(
        {
            "name": name,
            "shape": list(t.shape),
            "dtype": str(t.dtype),
            "values": encode(t),
            "requires_grad": bool(t.requires_grad),
            "grad_fn": grad_fn,
            "opts": opts,
            "str": s,
        }
    )


f32 = torch.float32
f64 = torch.float64
nan, inf = math.nan, math.inf

# --- float32 basics -------------------------------------------------------
add("int_mode", torch.tensor([1.0, 2.0]))
add("int_mode_neg", torch.tensor([-1.0, 20.0, 300.0]))
add("fixed", torch.tensor([1.5, -2.25, 3.0]))
add("ratio_1000_fixed", torch.tensor([1.0, 1000.0]))
add("ratio_over_1000_sci_int", torch.tensor([1.0, 1001.0]))
add("max_1e8_fixed", torch.tensor([1e8, 3.0]))
add("max_exactly_1e8_fixed", torch.tensor([1e8, 2e6]))
add("max_over_1e8_sci", torch.tensor([1e9, 3.0]))
add("min_small_sci", torch.tensor([1e-5, 1.0, 0.5]))
add("sci_nan", torch.tensor([1e-5, 1.0, nan]))
add("nan_inf_fixed", torch.tensor([nan, -1.5, inf, -inf]))
add("nan_inf_int", torch.tensor([1.0, inf, -inf, nan]))
add("nan_only", torch.tensor([nan, nan]))
add("inf_only", torch.tensor([inf, -inf]))
add("zeros", torch.zeros(3))
add("neg_zero_int", torch.tensor([-0.0, 1.0]))
add("neg_zero_fixed", torch.tensor([-0.0, 1.5]))
add("neg_zero_sci", torch.tensor([-0.0, 1e-7]))
add("ties_half_even", torch.tensor([0.03125, 1.03125, 0.15625, 2.5]))
add("ties_sci", torch.tensor([1.03125e-5, 2.5, 1.5]))
add("tiny_negative", torch.tensor([-1e-5, 2e-5]))
add("huge_f32", torch.tensor([3.0e38, -1.0e-38, 1.0]))
add("subnormal_f32", torch.tensor([1e-45, 1.0]))
add("precise_int_large", torch.tensor([16777216.0, 12345678.0]))

# --- 0-dim ------------------------------------------------------------------
add("scalar_fixed", torch.tensor(1.5))
add("scalar_int_mode", torch.tensor(3.0))
add("scalar_sci", torch.tensor(1e-5))
add("scalar_nan", torch.tensor(nan))
add("scalar_neg_zero", torch.tensor(-0.0))
add("scalar_i64", torch.tensor(-7))
add("scalar_bool", torch.tensor(True))
add("scalar_f64", torch.tensor(2.0 / 3.0, dtype=f64))

# --- empty ------------------------------------------------------------------
add("empty_1d", torch.zeros(0))
add("empty_0x3", torch.zeros(0, 3))
add("empty_2x0", torch.zeros(2, 0))
add("empty_i64", torch.zeros(0, dtype=torch.int64))
add("empty_bool_0x3", torch.zeros(0, 3, dtype=torch.bool))
add("empty_f64_3d", torch.zeros(1, 0, 2, dtype=f64))

# --- random values, several magnitudes --------------------------------------
for scale, nm in [(1.0, "1"), (1e-3, "1e-3"), (1e3, "1e3"), (1e6, "1e6"), (1e-6, "1e-6")]:
    add(f"randn_2x3_scale_{nm}", torch.randn(2, 3) * scale)
add("randn_2x3x4", torch.randn(2, 3, 4))
add("randn_1x1x1", torch.randn(1, 1, 1))
add("randn_2x2x2x2", torch.randn(2, 2, 2, 2))
add("randn_30_wrap", torch.randn(30))
add("randn_3x25_wrap", torch.randn(3, 25) * 10)
add("randn_2x2x30_wrap", torch.randn(2, 2, 30))
add("mixed_sign_magnitudes", torch.tensor([-123.456, 0.001, 7.0, -0.5, 42.0]))
add("randn_3000_summ", torch.randn(3000))
add("randn_40x40_summ", torch.randn(40, 40))
add("randn_10x10x20_summ", torch.randn(10, 10, 20) * 100)
x = torch.randn(1001)
x[500] = 1e-9  # hidden by summarization: must not force sci mode
x[501] = nan
add("summ_hidden_values", x)
add("arange_1001_int_mode", torch.arange(1001, dtype=f32))

# --- float64 ----------------------------------------------------------------
add("f64_basic", torch.tensor([1.0, 2.5, -3.25], dtype=f64))
add("f64_int_mode", torch.tensor([1.0, 2.0], dtype=f64))
add("f64_extreme", torch.tensor([1e100, 1e-300, -5.0], dtype=f64))
add("f64_randn_3x4", torch.randn(3, 4, dtype=f64))
add("f64_summ", torch.randn(1001, dtype=f64))
add("f64_wrap_suffix", torch.randn(9, dtype=f64))

# --- int64 / bool -----------------------------------------------------------
add("i64_basic", torch.tensor([1, -2, 300]))
add("i64_2x3", torch.tensor([[1, -20, 3], [400, 5, -6000]]))
add("i64_big", torch.tensor([2**62, -(2**63), 0]))
add("i64_wrap", torch.arange(-50, 50))
add("i64_summ", torch.arange(1100).reshape(11, 100) - 500)
add("bool_1d", torch.tensor([True, False]))
add("bool_all_true", torch.tensor([True, True]))
add("bool_2x3", torch.tensor([[True, False, True], [False, False, True]]))

# --- autograd suffixes ------------------------------------------------------
leaf = torch.tensor([1.5, -2.0, 3.25], requires_grad=True)
add("requires_grad", leaf)
add("grad_fn_mul", leaf * 2)
add("scalar_requires_grad", torch.tensor(1.0, requires_grad=True))
leaf64 = torch.randn(9, dtype=f64, requires_grad=True)
add("f64_requires_grad_wrap", leaf64)
add("f64_grad_fn_wrap", leaf64 * 2)
add("grad_fn_2x3", torch.randn(2, 3, requires_grad=True) * 2)

# --- non-default print options ---------------------------------------------
add("opt_sci_false", torch.tensor([1e-5, 1.0, 1e9]), {"sci_mode": False})
add("opt_sci_true", torch.tensor([1.5, 2.0]), {"sci_mode": True})
add("opt_sci_true_int", torch.tensor([1.0, 2.0, nan]), {"sci_mode": True})
add("opt_precision_2", torch.randn(2, 3), {"precision": 2})
add("opt_precision_6_sci", torch.randn(4) * 1e-6, {"precision": 6})
add("opt_threshold_5", torch.arange(10), {"threshold": 5})
add("opt_edgeitems_1", torch.randn(5, 5), {"threshold": 10, "edgeitems": 1})
add("opt_edgeitems_0_1d", torch.randn(8), {"threshold": 5, "edgeitems": 0})
add("opt_edgeitems_0_2d", torch.randn(4, 4), {"threshold": 5, "edgeitems": 0})
add("opt_linewidth_20", torch.randn(12), {"linewidth": 20})
add("opt_linewidth_3", torch.randn(3, 3), {"linewidth": 3})
add("opt_linewidth_suffix", torch.randn(4, dtype=f64), {"linewidth": 30})

out = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "format.json")
with open(out, "w") as f:
    json.dump({"torch_version": torch.__version__, "cases": CASES}, f, indent=0)
    f.write("\n")
print(f"wrote {len(CASES)} cases to {os.path.normpath(out)} ({os.path.getsize(out)} bytes)")
