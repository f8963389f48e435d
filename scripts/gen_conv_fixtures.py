#!/usr/bin/env python3
"""Write tests/fixtures/conv.json: convolution, pooling, normalisation and channel dropout
recorded from real PyTorch, for tests/conv_pool.rs.

Run by hand (never by CI) with PyTorch 2.15 on an x86-64 AVX2 machine (an AMD CPU, so that
bernoulli_ takes PyTorch's non-MKL path, as torchlight does):

    ~/torchenv/bin/python scripts/gen_conv_fixtures.py

Sections (each case: the arguments, the input, the parameters, the output, a fixed random
grad_output and the gradients of (out * grad_output).sum() with respect to the input and the
parameters; float32 and float64; contiguous, transposed (last two dims) and empty inputs):
* conv1d, conv2d, conv_transpose2d: F.conv1d / F.conv2d / F.conv_transpose2d with stride,
  padding (numbers, 'same', 'valid'), dilation, groups, output_padding, unbatched inputs.
* unfold, fold: F.unfold / F.fold.
* max_pool2d and max_pool1d (with their int64 indices), avg_pool2d, avg_pool1d,
  adaptive_avg_pool2d.
* upsample_nearest: F.interpolate(mode='nearest') by size or scale_factor (3-D to 5-D inputs).
* batch_norm (with running_mean / running_var before and after), group_norm.
* dropout2d: the channel masks after manual_seed(s), bit for bit, and the next draw.
* errors: str(e) of bad calls (the Rust test makes the same calls with tensors of ones).
* modules: Conv1d/Conv2d/ConvTranspose2d initial values per seed (bit for bit), the repr of
  every layer, and BatchNorm2d's outputs and running statistics over three training steps
  and one eval step (momentum 0.1 and None), for tests/conv_modules.rs.

Tensors use the format of tests/common/mod.rs: {"shape", "dtype", "data"} with float32 values
stored as the exact double of the f32, optionally "layout" and "requires_grad" for inputs.
"""

import os
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
from fixture_json import T, error_of, write_fixture

warnings.filterwarnings("ignore")
torch.set_num_threads(1)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "conv.json")
SEEDS = [0, 1, 42]
F32, F64 = torch.float32, torch.float64


def make_input(t, layout):
    """The input tensor with the requested layout (same logical values)."""
    if layout == "transposed":
        x = t.transpose(-2, -1).contiguous().transpose(-2, -1)
        assert not x.is_contiguous()
    else:
        x = t.clone()
    return x.detach()


def inp(t, layout):
    return T(t, layout=layout, requires_grad=True)


def rnd(shape, dtype, scale=1.0, shift=0.0):
    return (torch.randn(shape, dtype=F64) * scale + shift).to(dtype)


def run(name, fn, x_base, layout, params, args, seed=0):
    """Runs fn(x, *params) and records it. `params` may hold None (an absent bias)."""
    x = make_input(x_base, layout).requires_grad_(True)
    ps = [p.detach().clone().requires_grad_(True) if p is not None else None for p in params]
    out = fn(x, *ps)
    indices = None
    if isinstance(out, tuple):
        out, indices = out
    torch.manual_seed(1000 + seed)
    g = torch.randn(out.shape, dtype=out.dtype)
    (out * g).sum().backward()
    case = {
        "name": name,
        "args": args,
        "x": inp(x_base, layout),
        "params": [T(p) if p is not None else None for p in ps],
        "y": T(out),
        "grad_output": T(g),
        "x_grad": T(x.grad) if x.grad is not None else None,
        "param_grads": [T(p.grad) if p is not None and p.grad is not None else None for p in ps],
    }
    if indices is not None:
        case["indices"] = T(indices)
    return case


# ---------------------------------------------------------------------------------------------
# Convolutions


def conv1d_cases():
    cases = []
    # name, x shape, weight shape, bias, stride, padding, dilation, groups, layout, dtype
    specs = [
        ("basic", [2, 2, 7], [3, 2, 3], True, 1, 0, 1, 1, "contiguous", F32),
        ("stride2_pad1", [2, 2, 8], [3, 2, 3], True, 2, 1, 1, 1, "contiguous", F32),
        ("dil2_groups2", [2, 4, 9], [4, 2, 3], True, 1, 0, 2, 2, "contiguous", F32),
        ("pad_list", [1, 2, 6], [2, 2, 2], True, 1, [2], 1, 1, "contiguous", F32),
        ("same_even", [2, 2, 7], [3, 2, 4], True, 1, "same", 1, 1, "contiguous", F32),
        ("same_odd_dil2", [2, 2, 7], [3, 2, 3], True, 1, "same", 2, 1, "contiguous", F32),
        ("valid", [2, 2, 7], [3, 2, 3], False, 1, "valid", 1, 1, "contiguous", F32),
        ("unbatched", [2, 7], [3, 2, 3], True, 1, 1, 1, 1, "contiguous", F32),
        ("transposed", [2, 3, 6], [2, 3, 2], True, 1, 1, 1, 1, "transposed", F32),
        ("empty_batch", [0, 2, 7], [3, 2, 3], True, 1, 1, 1, 1, "contiguous", F32),
        ("basic_f64", [2, 2, 7], [3, 2, 3], True, 2, 1, 1, 1, "contiguous", F64),
        ("same_even_f64", [2, 4, 7], [4, 2, 4], True, 1, "same", 1, 2, "contiguous", F64),
    ]
    for i, (name, xs, ws, bias, s, p, d, g, layout, dt) in enumerate(specs):
        torch.manual_seed(100 + i)
        x, w = rnd(xs, dt), rnd(ws, dt, 0.5)
        b = rnd([ws[0]], dt) if bias else None
        fn = lambda x, w, b, s=s, p=p, d=d, g=g: F.conv1d(x, w, b, s, p, d, g)  # noqa: E731
        cases.append(run(name, fn, x, layout, [w, b], {"stride": s, "padding": p, "dilation": d, "groups": g}, i))
    return cases


def conv2d_cases():
    cases = []
    specs = [
        ("basic", [2, 3, 4, 4], [2, 3, 3, 3], True, 1, 0, 1, 1, "contiguous", F32),
        ("stride2_pad1", [1, 2, 6, 5], [3, 2, 3, 3], True, 2, 1, 1, 1, "contiguous", F32),
        ("dil2", [1, 2, 7, 6], [2, 2, 3, 2], True, 1, 1, 2, 1, "contiguous", F32),
        ("groups2", [1, 4, 5, 4], [4, 2, 3, 3], True, 1, 1, 1, 2, "contiguous", F32),
        ("depthwise", [1, 3, 4, 5], [6, 1, 3, 3], True, 1, 1, 1, 3, "contiguous", F32),
        ("nonsquare", [1, 2, 6, 7], [3, 2, 2, 3], True, [2, 1], [1, 0], [1, 2], 1, "contiguous", F32),
        ("same_odd_dil2", [1, 2, 6, 5], [2, 2, 3, 3], True, 1, "same", 2, 1, "contiguous", F32),
        ("same_even", [1, 2, 5, 6], [3, 2, 2, 4], True, 1, "same", 1, 1, "contiguous", F32),
        ("same_even_dil", [1, 2, 6, 6], [2, 2, 4, 3], False, 1, "same", [1, 2], 1, "contiguous", F32),
        ("valid", [1, 2, 5, 5], [2, 2, 3, 3], True, 1, "valid", 1, 1, "contiguous", F32),
        ("kernel1x1", [2, 3, 3, 4], [2, 3, 1, 1], True, 1, 0, 1, 1, "contiguous", F32),
        ("unbatched", [3, 5, 5], [2, 3, 3, 3], True, 2, 1, 1, 1, "contiguous", F32),
        ("transposed", [1, 2, 5, 6], [3, 2, 3, 3], True, 1, 1, 1, 1, "transposed", F32),
        ("no_bias", [1, 2, 4, 4], [2, 2, 2, 2], False, 2, 0, 1, 1, "contiguous", F32),
        ("empty_batch", [0, 2, 5, 5], [3, 2, 3, 3], True, 1, 1, 1, 1, "contiguous", F32),
        ("basic_f64", [2, 3, 4, 4], [2, 3, 3, 3], True, 1, 0, 1, 1, "contiguous", F64),
        ("groups_dil_f64", [1, 4, 7, 7], [4, 2, 3, 3], True, [2, 1], [2, 1], 2, 2, "contiguous", F64),
        ("same_even_f64", [1, 2, 5, 6], [2, 2, 2, 4], True, 1, "same", 1, 1, "contiguous", F64),
        ("transposed_f64", [1, 2, 5, 4], [2, 2, 3, 3], True, 1, 1, 1, 1, "transposed", F64),
    ]
    for i, (name, xs, ws, bias, s, p, d, g, layout, dt) in enumerate(specs):
        torch.manual_seed(200 + i)
        x, w = rnd(xs, dt), rnd(ws, dt, 0.5)
        b = rnd([ws[0]], dt) if bias else None
        fn = lambda x, w, b, s=s, p=p, d=d, g=g: F.conv2d(x, w, b, s, p, d, g)  # noqa: E731
        cases.append(run(name, fn, x, layout, [w, b], {"stride": s, "padding": p, "dilation": d, "groups": g}, i))
    return cases


def conv_transpose2d_cases():
    cases = []
    # name, x, weight [cin, cout/g, kh, kw], bias, stride, padding, output_padding, groups, dilation
    specs = [
        ("basic", [2, 3, 3, 3], [3, 2, 3, 3], True, 1, 0, 0, 1, 1, "contiguous", F32),
        ("stride2_pad1_outpad1", [1, 2, 3, 4], [2, 3, 3, 3], True, 2, 1, 1, 1, 1, "contiguous", F32),
        ("groups2_dil2", [1, 4, 3, 3], [4, 1, 3, 3], True, 1, 1, 0, 2, 2, "contiguous", F32),
        ("nonsquare", [1, 2, 3, 4], [2, 2, 2, 3], True, [2, 1], [0, 1], [1, 0], 1, [1, 2], "contiguous", F32),
        ("outpad_dil", [1, 2, 3, 3], [2, 2, 2, 2], False, 1, 0, 1, 1, 2, "contiguous", F32),
        ("unbatched", [2, 3, 3], [2, 3, 2, 2], True, 2, 0, 0, 1, 1, "contiguous", F32),
        ("transposed", [2, 2, 3, 4], [2, 2, 3, 3], True, 1, 1, 0, 1, 1, "transposed", F32),
        ("empty_batch", [0, 2, 3, 3], [2, 2, 3, 3], True, 1, 0, 0, 1, 1, "contiguous", F32),
        ("basic_f64", [1, 3, 3, 3], [3, 2, 3, 3], True, 2, 1, 1, 1, 1, "contiguous", F64),
        ("groups2_f64", [1, 4, 3, 2], [4, 2, 2, 3], True, [1, 2], [1, 0], [0, 1], 2, 1, "contiguous", F64),
    ]
    for i, (name, xs, ws, bias, s, p, op, g, d, layout, dt) in enumerate(specs):
        torch.manual_seed(300 + i)
        x, w = rnd(xs, dt), rnd(ws, dt, 0.5)
        b = rnd([ws[1] * g], dt) if bias else None
        fn = lambda x, w, b, s=s, p=p, op=op, g=g, d=d: F.conv_transpose2d(x, w, b, s, p, op, g, d)  # noqa: E731
        args = {"stride": s, "padding": p, "output_padding": op, "groups": g, "dilation": d}
        cases.append(run(name, fn, x, layout, [w, b], args, i))
    return cases


def unfold_cases():
    cases = []
    specs = [
        ("k2", [2, 1, 4, 5], 2, 1, 0, 1, "contiguous", F32),
        ("all_args", [1, 2, 5, 6], [2, 3], [1, 2], 1, [2, 1], "contiguous", F32),
        ("unbatched", [2, 4, 4], 3, 1, 1, 2, "contiguous", F32),
        ("transposed", [1, 2, 4, 5], 2, 1, 1, 1, "transposed", F32),
        ("empty_batch", [0, 2, 4, 4], 2, 1, 0, 1, "contiguous", F32),
        ("all_args_f64", [1, 2, 5, 6], [2, 3], [2, 1], [0, 1], [1, 2], "contiguous", F64),
    ]
    for i, (name, xs, k, d, p, s, layout, dt) in enumerate(specs):
        torch.manual_seed(400 + i)
        x = rnd(xs, dt)
        fn = lambda x, k=k, d=d, p=p, s=s: F.unfold(x, k, d, p, s)  # noqa: E731
        cases.append(run(name, fn, x, layout, [], {"kernel_size": k, "dilation": d, "padding": p, "stride": s}, i))
    return cases


def fold_cases():
    cases = []
    # name, input shape, output_size, kernel, dilation, padding, stride
    specs = [
        ("k2", [1, 8, 9], 4, 2, 1, 0, 1, "contiguous", F32),
        ("all_args", [1, 12, 12], [5, 6], [2, 3], [1, 2], 1, [2, 1], "contiguous", F32),
        ("overlap_pad", [1, 9, 9], 3, 3, 1, 1, 1, "contiguous", F32),
        ("unbatched", [4, 6], [3, 4], 2, 1, 0, 1, "contiguous", F32),
        ("transposed", [2, 4, 6], [3, 4], 2, 1, 0, 1, "transposed", F32),
        ("empty_batch", [0, 8, 9], 4, 2, 1, 0, 1, "contiguous", F32),
        ("all_args_f64", [1, 12, 12], [5, 6], [2, 3], [1, 2], 1, [2, 1], "contiguous", F64),
    ]
    for i, (name, xs, o, k, d, p, s, layout, dt) in enumerate(specs):
        torch.manual_seed(500 + i)
        x = rnd(xs, dt)
        fn = lambda x, o=o, k=k, d=d, p=p, s=s: F.fold(x, o, k, d, p, s)  # noqa: E731
        args = {"output_size": o, "kernel_size": k, "dilation": d, "padding": p, "stride": s}
        cases.append(run(name, fn, x, layout, [], args, i))
    return cases


# ---------------------------------------------------------------------------------------------
# Pooling


def max_pool_cases():
    cases = []
    # name, x shape, kernel, stride, padding, dilation, ceil_mode, layout, dtype, values
    specs = [
        ("k2", [2, 2, 4, 6], 2, 2, 0, 1, False, "contiguous", F32, "randn"),
        ("k3_s2_p1", [1, 2, 6, 6], 3, 2, 1, 1, False, "contiguous", F32, "randn"),
        ("ceil_mode", [1, 2, 6, 6], 3, 2, 1, 1, True, "contiguous", F32, "randn"),
        ("ceil_mode_nopad", [1, 1, 5, 7], 2, 2, 0, 1, True, "contiguous", F32, "randn"),
        ("dil2", [1, 2, 6, 7], 2, 1, 1, 2, False, "contiguous", F32, "randn"),
        ("nonsquare", [2, 1, 5, 6], [2, 3], [1, 2], [1, 1], [2, 1], False, "contiguous", F32, "randn"),
        ("ceil_mode_dil2", [1, 1, 6, 7], 2, 2, 1, 2, True, "contiguous", F32, "randn"),
        ("ties", [1, 2, 5, 5], 3, 1, 1, 1, False, "contiguous", F32, "ties"),
        ("nan", [1, 1, 4, 4], 2, 1, 0, 1, False, "contiguous", F32, "nan"),
        ("unbatched", [2, 5, 5], 2, 2, 1, 1, True, "contiguous", F32, "randn"),
        ("transposed", [1, 2, 5, 6], 3, 2, 1, 1, False, "transposed", F32, "randn"),
        ("empty_batch", [0, 2, 4, 4], 2, 2, 0, 1, False, "contiguous", F32, "randn"),
        ("k3_s2_p1_f64", [1, 2, 6, 5], 3, 2, 1, 1, True, "contiguous", F64, "randn"),
        ("ties_f64", [1, 1, 4, 5], 2, 1, 1, 1, False, "contiguous", F64, "ties"),
    ]
    for i, (name, xs, k, s, p, d, ceil, layout, dt, vals) in enumerate(specs):
        torch.manual_seed(600 + i)
        x = rnd(xs, dt)
        if vals == "ties":
            x = torch.round(x)  # many equal values: the first maximum in the window wins
        elif vals == "nan":
            x[0, 0, 1, 2] = float("nan")
        fn = lambda x, k=k, s=s, p=p, d=d, c=ceil: F.max_pool2d(x, k, s, p, d, c, True)  # noqa: E731
        args = {"kernel_size": k, "stride": s, "padding": p, "dilation": d, "ceil_mode": ceil}
        cases.append(run(name, fn, x, layout, [], args, i))
    return cases


def avg_pool_cases():
    cases = []
    # name, x shape, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override
    specs = [
        ("k2", [2, 2, 4, 6], 2, 2, 0, False, True, None, "contiguous", F32),
        ("k3_s2_p1", [1, 2, 6, 6], 3, 2, 1, False, True, None, "contiguous", F32),
        ("exclude_pad", [1, 2, 6, 6], 3, 2, 1, False, False, None, "contiguous", F32),
        ("ceil_mode", [1, 2, 6, 6], 3, 2, 1, True, True, None, "contiguous", F32),
        ("ceil_mode_exclude_pad", [1, 2, 6, 6], 3, 2, 1, True, False, None, "contiguous", F32),
        ("ceil_mode_nopad", [1, 1, 5, 7], 2, 2, 0, True, True, None, "contiguous", F32),
        ("ceil_mode_stride3", [1, 1, 7, 8], 2, 3, 1, True, True, None, "contiguous", F32),
        ("divisor_override", [1, 2, 5, 5], 3, 2, 1, False, True, 3, "contiguous", F32),
        ("divisor_override_ceil", [1, 1, 5, 5], 2, 2, 1, True, False, 7, "contiguous", F32),
        ("nonsquare", [2, 1, 5, 6], [2, 3], [1, 2], [1, 0], False, True, None, "contiguous", F32),
        ("stride1", [1, 2, 4, 4], 2, 1, 0, False, True, None, "contiguous", F32),
        ("unbatched", [2, 5, 5], 2, 2, 1, True, False, None, "contiguous", F32),
        ("transposed", [1, 2, 5, 6], 3, 2, 1, False, True, None, "transposed", F32),
        ("empty_batch", [0, 2, 4, 4], 2, 2, 0, False, True, None, "contiguous", F32),
        ("exclude_pad_f64", [1, 2, 6, 5], 3, 2, 1, True, False, None, "contiguous", F64),
        ("divisor_override_f64", [1, 2, 5, 4], [3, 2], [2, 1], [1, 1], False, True, 5, "contiguous", F64),
    ]
    for i, (name, xs, k, s, p, ceil, cip, div, layout, dt) in enumerate(specs):
        torch.manual_seed(700 + i)
        x = rnd(xs, dt)
        fn = lambda x, k=k, s=s, p=p, c=ceil, cip=cip, div=div: F.avg_pool2d(x, k, s, p, c, cip, div)  # noqa: E731
        args = {"kernel_size": k, "stride": s, "padding": p, "ceil_mode": ceil, "count_include_pad": cip,
                "divisor_override": div}
        cases.append(run(name, fn, x, layout, [], args, i))
    return cases


def max_pool1d_cases():
    cases = []
    # name, x shape, kernel, stride, padding, dilation, ceil_mode, layout, dtype, values
    specs = [
        ("k2", [2, 3, 8], 2, 2, 0, 1, False, "contiguous", F32, "randn"),
        ("k3_s2_p1", [1, 2, 9], 3, 2, 1, 1, False, "contiguous", F32, "randn"),
        ("ceil_mode", [1, 2, 8], 3, 2, 1, 1, True, "contiguous", F32, "randn"),
        ("dil2", [1, 2, 9], 2, 1, 1, 2, False, "contiguous", F32, "randn"),
        ("ties", [1, 2, 9], 3, 1, 1, 1, False, "contiguous", F32, "ties"),
        ("nan", [1, 1, 6], 2, 1, 0, 1, False, "contiguous", F32, "nan"),
        ("unbatched", [3, 7], 2, 2, 1, 1, True, "contiguous", F32, "randn"),
        ("transposed", [2, 5, 6], 3, 2, 1, 1, False, "transposed", F32, "randn"),
        ("empty_batch", [0, 2, 6], 2, 2, 0, 1, False, "contiguous", F32, "randn"),
        ("k3_s2_p1_f64", [2, 2, 7], 3, 2, 1, 1, True, "contiguous", F64, "randn"),
    ]
    for i, (name, xs, k, s, p, d, ceil, layout, dt, vals) in enumerate(specs):
        torch.manual_seed(650 + i)
        x = rnd(xs, dt)
        if vals == "ties":
            x = torch.round(x)
        elif vals == "nan":
            x[0, 0, 2] = float("nan")
        fn = lambda x, k=k, s=s, p=p, d=d, c=ceil: F.max_pool1d(x, k, s, p, d, c, True)  # noqa: E731
        args = {"kernel_size": k, "stride": s, "padding": p, "dilation": d, "ceil_mode": ceil}
        case = run(name, fn, x, layout, [], args, i)
        # The values without indices take PyTorch's separate no-grad kernel: they must agree.
        plain = F.max_pool1d(make_input(x, layout), k, s, p, d, ceil)
        assert torch.equal(plain.nan_to_num(7.0), fn(make_input(x, layout))[0].nan_to_num(7.0)), name
        cases.append(case)
    return cases


def avg_pool1d_cases():
    cases = []
    # name, x shape, kernel, stride, padding, ceil_mode, count_include_pad
    specs = [
        ("k2", [2, 3, 8], 2, 2, 0, False, True, "contiguous", F32),
        ("k3_s2_p1", [1, 2, 9], 3, 2, 1, False, True, "contiguous", F32),
        ("exclude_pad", [1, 2, 9], 3, 2, 1, False, False, "contiguous", F32),
        ("ceil_mode", [1, 2, 8], 3, 2, 1, True, True, "contiguous", F32),
        ("ceil_mode_exclude_pad", [1, 2, 8], 3, 2, 1, True, False, "contiguous", F32),
        ("stride1", [1, 2, 6], 4, 1, 2, False, True, "contiguous", F32),
        ("unbatched", [3, 7], 2, 2, 1, True, False, "contiguous", F32),
        ("transposed", [2, 5, 6], 3, 2, 1, False, True, "transposed", F32),
        ("empty_batch", [0, 2, 6], 2, 2, 0, False, True, "contiguous", F32),
        ("exclude_pad_f64", [2, 2, 7], 3, 2, 1, True, False, "contiguous", F64),
    ]
    for i, (name, xs, k, s, p, ceil, cip, layout, dt) in enumerate(specs):
        torch.manual_seed(750 + i)
        x = rnd(xs, dt)
        fn = lambda x, k=k, s=s, p=p, c=ceil, cip=cip: F.avg_pool1d(x, k, s, p, c, cip)  # noqa: E731
        args = {"kernel_size": k, "stride": s, "padding": p, "ceil_mode": ceil, "count_include_pad": cip}
        cases.append(run(name, fn, x, layout, [], args, i))
    return cases


def adaptive_cases():
    cases = []
    specs = [
        ("out3", [2, 2, 7, 5], 3, "contiguous", F32),
        ("out_2x4", [1, 2, 7, 5], [2, 4], "contiguous", F32),
        ("global", [2, 3, 4, 5], 1, "contiguous", F32),
        ("identity", [1, 2, 3, 4], [3, 4], "contiguous", F32),
        ("larger", [1, 1, 3, 4], [5, 6], "contiguous", F32),
        ("unbatched", [2, 5, 6], [2, 3], "contiguous", F32),
        ("transposed", [1, 2, 6, 5], [4, 3], "transposed", F32),
        ("empty_batch", [0, 2, 4, 4], 2, "contiguous", F32),
        ("out3_f64", [2, 2, 7, 5], [3, 2], "contiguous", F64),
    ]
    for i, (name, xs, o, layout, dt) in enumerate(specs):
        torch.manual_seed(800 + i)
        x = rnd(xs, dt)
        cases.append(run(name, lambda x, o=o: F.adaptive_avg_pool2d(x, o), x, layout, [], {"output_size": o}, i))
    return cases


def upsample_cases():
    cases = []
    # name, x shape, size, scale_factor
    specs = [
        ("size", [2, 2, 3, 4], [5, 7], None, "contiguous", F32),
        ("scale2", [1, 2, 3, 3], None, [2.0], "contiguous", F32),
        ("scale_per_dim", [1, 2, 3, 4], None, [1.5, 2.5], "contiguous", F32),
        ("scale_half", [1, 2, 4, 6], None, [0.5], "contiguous", F32),
        ("scale_1_7", [1, 1, 3, 5], None, [1.7], "contiguous", F32),
        ("scale_0_6", [1, 1, 5, 7], None, [0.6], "contiguous", F32),
        ("size_down", [1, 1, 5, 7], [3, 4], None, "contiguous", F32),
        ("size_same", [1, 1, 3, 4], [3, 4], None, "contiguous", F32),
        ("size_one_value", [1, 1, 3, 4], [6], None, "contiguous", F32),
        ("1d_scale3", [2, 2, 4], None, [3.0], "contiguous", F32),
        ("3d_scale2", [1, 1, 2, 2, 3], None, [2.0], "contiguous", F32),
        ("3d_size", [1, 1, 2, 3, 2], [3, 4, 5], None, "contiguous", F32),
        ("transposed", [1, 2, 3, 4], None, [2.0], "transposed", F32),
        ("empty_batch", [0, 2, 3, 3], None, [2.0], "contiguous", F32),
        ("scale_per_dim_f64", [1, 2, 3, 4], None, [2.5, 1.5], "contiguous", F64),
    ]
    for i, (name, xs, size, scale, layout, dt) in enumerate(specs):
        torch.manual_seed(900 + i)
        x = rnd(xs, dt)
        sz = None if size is None else (size[0] if len(size) == 1 else tuple(size))
        sf = None if scale is None else (scale[0] if len(scale) == 1 else tuple(scale))
        fn = lambda x, sz=sz, sf=sf: F.interpolate(x, size=sz, scale_factor=sf, mode="nearest")  # noqa: E731
        cases.append(run(name, fn, x, layout, [], {"size": size, "scale_factor": scale}, i))
    return cases


# ---------------------------------------------------------------------------------------------
# Normalisation


def batch_norm_cases():
    cases = []
    # name, x shape, running stats, affine (weight, bias), training, momentum, eps
    specs = [
        ("train_4d", [3, 2, 2, 3], True, (True, True), True, 0.1, 1e-5, "contiguous", F32),
        ("train_no_stats_no_affine", [2, 3, 2, 2], False, (False, False), True, 0.1, 1e-5, "contiguous", F32),
        ("train_2d", [4, 3], True, (True, True), True, 0.1, 1e-5, "contiguous", F32),
        ("train_3d_momentum", [2, 3, 4], True, (True, False), True, 0.3, 1e-3, "contiguous", F32),
        ("train_transposed", [2, 2, 3, 4], True, (True, True), True, 0.1, 1e-5, "transposed", F32),
        ("eval", [2, 3, 2, 2], True, (True, True), False, 0.1, 1e-5, "contiguous", F32),
        ("eval_empty_batch", [0, 3, 2, 2], True, (True, True), False, 0.1, 1e-5, "contiguous", F32),
        ("train_f64", [3, 2, 2, 3], True, (True, True), True, 0.2, 1e-5, "contiguous", F64),
        ("eval_f64", [2, 2, 3], True, (False, True), False, 0.1, 0.1, "contiguous", F64),
    ]
    for i, (name, xs, stats, (has_w, has_b), training, momentum, eps, layout, dt) in enumerate(specs):
        torch.manual_seed(1100 + i)
        c = xs[1]
        x = rnd(xs, dt, 2.0, 0.5)
        rm = rnd([c], dt, 0.3) if stats else None
        rv = (torch.rand(c, dtype=F64) + 0.5).to(dt) if stats else None
        w = rnd([c], dt) if has_w else None
        b = rnd([c], dt) if has_b else None
        rm_after, rv_after = (rm.clone(), rv.clone()) if stats else (None, None)
        fn = lambda x, w, b, rm=rm_after, rv=rv_after, t=training, m=momentum, e=eps: F.batch_norm(  # noqa: E731
            x, rm, rv, w, b, t, m, e)
        args = {"training": training, "momentum": momentum, "eps": eps}
        case = run(name, fn, x, layout, [w, b], args, i)
        case["running_mean"] = T(rm) if stats else None
        case["running_var"] = T(rv) if stats else None
        case["running_mean_after"] = T(rm_after) if stats else None
        case["running_var_after"] = T(rv_after) if stats else None
        cases.append(case)
    return cases


def group_norm_cases():
    cases = []
    specs = [
        ("g2", [2, 4, 3, 3], 2, True, 1e-5, "contiguous", F32),
        ("g1", [2, 3, 2, 3], 1, True, 1e-5, "contiguous", F32),
        ("instance", [1, 4, 3, 2], 4, True, 1e-5, "contiguous", F32),
        ("3d_g3", [2, 6, 5], 3, True, 1e-3, "contiguous", F32),
        ("2d", [3, 4], 2, True, 1e-5, "contiguous", F32),
        ("no_affine", [2, 4, 2, 2], 2, False, 1e-5, "contiguous", F32),
        ("transposed", [1, 4, 3, 5], 2, True, 1e-5, "transposed", F32),
        ("empty_batch", [0, 4, 2, 2], 2, True, 1e-5, "contiguous", F32),
        ("g2_f64", [2, 4, 3, 3], 2, True, 1e-5, "contiguous", F64),
    ]
    for i, (name, xs, groups, affine, eps, layout, dt) in enumerate(specs):
        torch.manual_seed(1200 + i)
        c = xs[1]
        x = rnd(xs, dt, 2.0, -0.5)
        w = rnd([c], dt) if affine else None
        b = rnd([c], dt) if affine else None
        fn = lambda x, w, b, g=groups, e=eps: F.group_norm(x, g, w, b, e)  # noqa: E731
        cases.append(run(name, fn, x, layout, [w, b], {"num_groups": groups, "eps": eps}, i))
    return cases


# ---------------------------------------------------------------------------------------------
# dropout2d


def dropout2d_cases():
    cases = []
    for seed in SEEDS:
        for p, shape, layout, dt in [(0.5, [2, 3, 2, 3], "contiguous", F32), (0.2, [4, 5, 1, 2], "contiguous", F32),
                                     (0.5, [2, 3, 2, 3], "transposed", F32), (0.4, [3, 4, 3], "contiguous", F32),
                                     (0.7, [2, 5, 1, 2], "contiguous", F64)]:
            torch.manual_seed(2000 + seed)
            base = rnd(shape, dt)
            x = make_input(base, layout).requires_grad_(True)
            torch.manual_seed(seed)
            y = F.dropout2d(x, p, True)
            nxt = torch.rand(2)  # the generator's position right after the mask
            g = torch.randn(y.shape, dtype=dt)
            (y * g).sum().backward()
            cases.append({"seed": seed, "p": p, "x": inp(base, layout), "y": T(y), "next": T(nxt),
                          "grad_output": T(g), "x_grad": T(x.grad)})
    return cases


# ---------------------------------------------------------------------------------------------
# Errors (the Rust test repeats each call with tensors of ones of the same shapes)


def errors():
    o = torch.ones
    return {
        "conv2d_rank": error_of(lambda: F.conv2d(o(3, 5), o(2, 3, 3, 3))),
        "conv2d_rank5": error_of(lambda: F.conv2d(o(1, 1, 3, 5, 5), o(2, 3, 3, 3))),
        "conv1d_rank": error_of(lambda: F.conv1d(o(1, 2, 5, 5), o(3, 2, 3))),
        "conv2d_channels": error_of(lambda: F.conv2d(o(1, 4, 5, 5), o(2, 3, 3, 3))),
        "conv2d_channels_unbatched": error_of(lambda: F.conv2d(o(4, 5, 5), o(2, 3, 3, 3))),
        "conv2d_channels_groups": error_of(lambda: F.conv2d(o(1, 3, 5, 5), o(4, 2, 3, 3), None, 1, 0, 1, 2)),
        "conv2d_groups_weight": error_of(lambda: F.conv2d(o(1, 4, 5, 5), o(3, 2, 3, 3), None, 1, 0, 1, 2)),
        "conv1d_channels": error_of(lambda: F.conv1d(o(1, 2, 5), o(3, 1, 2))),
        "conv2d_bias": error_of(lambda: F.conv2d(o(1, 3, 5, 5), o(2, 3, 3, 3), o(3))),
        "conv2d_dtype": error_of(lambda: F.conv2d(o(1, 3, 5, 5), o(2, 3, 3, 3, dtype=torch.float64))),
        "conv2d_kernel_too_big": error_of(lambda: F.conv2d(o(1, 1, 2, 2), o(1, 1, 3, 3))),
        "conv2d_kernel_too_big_padded": error_of(lambda: F.conv2d(o(1, 1, 2, 4), o(1, 1, 5, 3), None, 1, 1)),
        "conv2d_kernel_too_big_dilated": error_of(lambda: F.conv2d(o(1, 1, 4, 4), o(1, 1, 3, 3), None, 1, 0, 2)),
        "conv1d_kernel_too_big": error_of(lambda: F.conv1d(o(1, 1, 3), o(1, 1, 4))),
        "conv2d_same_stride2": error_of(lambda: F.conv2d(o(1, 1, 5, 5), o(1, 1, 3, 3), None, 2, "same")),
        "conv1d_same_stride2": error_of(lambda: F.conv1d(o(1, 1, 5), o(1, 1, 3), None, 2, "same")),
        "conv_transpose2d_channels": error_of(lambda: F.conv_transpose2d(o(1, 3, 2, 2), o(2, 1, 2, 2))),
        "conv_transpose2d_too_small": error_of(lambda: F.conv_transpose2d(o(1, 1, 1, 1), o(1, 1, 2, 2), None, 1, 2)),
        "conv_transpose2d_outpad": error_of(lambda: F.conv_transpose2d(o(1, 1, 3, 3), o(1, 1, 2, 2), None, 1, 0, 1)),
        "conv2d_stride0": error_of(lambda: F.conv2d(o(1, 1, 5, 5), o(1, 1, 3, 3), None, 0)),
        "conv2d_groups0": error_of(lambda: F.conv2d(o(1, 1, 5, 5), o(1, 1, 3, 3), None, 1, 0, 1, 0)),
        "unfold_rank": error_of(lambda: F.unfold(o(4, 4), 2)),
        "unfold_kernel_too_big": error_of(lambda: F.unfold(o(1, 1, 2, 2), 3)),
        "fold_rank": error_of(lambda: F.fold(o(1, 1, 4, 4), 3, 2)),
        "fold_divisible": error_of(lambda: F.fold(o(1, 3, 4), 3, 2)),
        "fold_blocks": error_of(lambda: F.fold(o(1, 4, 5), 3, 2)),
        "max_pool2d_rank": error_of(lambda: F.max_pool2d(o(4, 4), 2)),
        "max_pool2d_pad": error_of(lambda: F.max_pool2d(o(1, 1, 4, 4), 2, 2, 2)),
        "max_pool2d_too_small": error_of(lambda: F.max_pool2d(o(1, 1, 2, 2), 3)),
        "max_pool2d_too_small_unbatched": error_of(lambda: F.max_pool2d(o(2, 2, 3), 3, 1, 0, 2)),
        "avg_pool2d_rank": error_of(lambda: F.avg_pool2d(o(4, 4), 2)),
        "avg_pool2d_pad": error_of(lambda: F.avg_pool2d(o(1, 1, 4, 4), 3, 1, 2)),
        "avg_pool2d_too_small": error_of(lambda: F.avg_pool2d(o(1, 1, 2, 2), 3)),
        "avg_pool2d_divisor_zero": error_of(lambda: F.avg_pool2d(o(1, 1, 4, 4), 2, 2, 0, False, True, 0)),
        # 2-D pooling's argument checks, in PyTorch's order: stride and effective padding per
        # dim, then kernel, dilation, empty dims, plain padding, output size.
        "max_pool2d_kernel0": error_of(lambda: F.max_pool2d(o(1, 1, 4, 4), 0, 1)),
        "max_pool2d_stride0": error_of(lambda: F.max_pool2d(o(1, 1, 4, 4), 0, 0)),
        "max_pool2d_dilation0": error_of(lambda: F.max_pool2d(o(1, 1, 4, 4), 2, 1, 0, 0)),
        "max_pool2d_pad_rect": error_of(lambda: F.max_pool2d(o(1, 1, 9, 9), (4, 2), 1, (2, 2))),
        "max_pool2d_pad_dilated": error_of(lambda: F.max_pool2d(o(1, 1, 9, 9), 3, 1, (1, 2), 2)),
        "max_pool2d_empty_channels": error_of(lambda: F.max_pool2d(o(2, 0, 4, 4), 2)),
        "max_pool2d_empty_plane": error_of(lambda: F.max_pool2d(o(2, 3, 0, 4), 2)),
        "max_pool2d_empty_unbatched": error_of(lambda: F.max_pool2d(o(0, 4, 4), 2)),
        "max_pool2d_empty_kernel0": error_of(lambda: F.max_pool2d(o(1, 0, 4, 4), 0, 1)),
        "max_pool2d_empty_pad": error_of(lambda: F.max_pool2d(o(1, 0, 4, 4), 2, 1, 2)),
        "avg_pool2d_kernel0": error_of(lambda: F.avg_pool2d(o(1, 1, 4, 4), (2, 0), 1)),
        "avg_pool2d_stride0": error_of(lambda: F.avg_pool2d(o(1, 1, 4, 4), 0)),
        "avg_pool2d_empty_width": error_of(lambda: F.avg_pool2d(o(2, 3, 4, 0), 2)),
        "avg_pool2d_divisor_zero_first": error_of(lambda: F.avg_pool2d(o(1, 0, 4, 4), 0, 1, 0, False, True, 0)),
        "max_pool1d_rank": error_of(lambda: F.max_pool1d(o(10), 0)),
        "max_pool1d_rank4": error_of(lambda: F.max_pool1d(o(1, 2, 3, 10), 2)),
        "max_pool1d_empty": error_of(lambda: F.max_pool1d(o(2, 0, 4), 2)),
        "max_pool1d_empty_length": error_of(lambda: F.max_pool1d(o(3, 0), 2)),
        "max_pool1d_kernel0": error_of(lambda: F.max_pool1d(o(2, 3, 10), 0, 1)),
        "max_pool1d_stride0": error_of(lambda: F.max_pool1d(o(2, 3, 10), 3, 0)),
        "max_pool1d_pad": error_of(lambda: F.max_pool1d(o(2, 3, 10), 3, 1, 2)),
        "max_pool1d_dilation0": error_of(lambda: F.max_pool1d(o(2, 3, 10), 3, 1, 0, 0)),
        "max_pool1d_too_small": error_of(lambda: F.max_pool1d(o(2, 3, 10), 11)),
        "max_pool1d_too_small_dilated": error_of(lambda: F.max_pool1d(o(2, 3, 5), 3, 1, 0, 3)),
        "max_pool1d_long": error_of(lambda: F.max_pool1d(torch.ones(1, 10, dtype=torch.int64), 2)),
        "max_pool1d_indices_rank": error_of(lambda: F.max_pool1d(o(10), 2, return_indices=True)),
        "max_pool1d_indices_kernel0": error_of(lambda: F.max_pool1d(o(2, 3, 10), 0, 1, return_indices=True)),
        "max_pool1d_indices_pad": error_of(lambda: F.max_pool1d(o(2, 3, 10), 3, 1, 2, return_indices=True)),
        "max_pool1d_indices_empty": error_of(lambda: F.max_pool1d(o(2, 0, 10), 2, return_indices=True)),
        "max_pool1d_indices_too_small": error_of(lambda: F.max_pool1d(o(2, 3, 10), 11, return_indices=True)),
        "avg_pool1d_rank": error_of(lambda: F.avg_pool1d(o(10), 2)),
        "avg_pool1d_rank4": error_of(lambda: F.avg_pool1d(o(1, 2, 3, 10), 2)),
        "avg_pool1d_kernel0": error_of(lambda: F.avg_pool1d(o(2, 3, 4), 0, 1)),
        "avg_pool1d_stride0": error_of(lambda: F.avg_pool1d(o(2, 3, 10), 2, 0)),
        "avg_pool1d_pad": error_of(lambda: F.avg_pool1d(o(2, 3, 10), 3, 1, 2)),
        "avg_pool1d_empty": error_of(lambda: F.avg_pool1d(o(2, 0, 4), 2)),
        "avg_pool1d_too_small": error_of(lambda: F.avg_pool1d(o(2, 3, 10), 11)),
        "adaptive_avg_pool2d_rank": error_of(lambda: F.adaptive_avg_pool2d(o(4, 4), 2)),
        "adaptive_avg_pool2d_empty": error_of(lambda: F.adaptive_avg_pool2d(o(1, 0, 4, 4), 2)),
        "upsample_rank": error_of(lambda: F.interpolate(o(2, 2), scale_factor=2.0, mode="nearest")),
        "upsample_none": error_of(lambda: F.interpolate(o(1, 1, 2), mode="nearest")),
        "upsample_both": error_of(lambda: F.interpolate(o(1, 1, 2), size=4, scale_factor=2.0, mode="nearest")),
        "upsample_size_len": error_of(lambda: F.interpolate(o(1, 1, 2, 2), size=(2, 3, 4), mode="nearest")),
        "batch_norm_one_value": error_of(lambda: F.batch_norm(o(1, 3), None, None, training=True)),
        "batch_norm_one_value_4d": error_of(lambda: F.batch_norm(o(1, 2, 1, 1), o(2), o(2), training=True)),
        "batch_norm_rank": error_of(lambda: F.batch_norm(o(3), o(3), o(3), training=True)),
        "batch_norm_stats_size": error_of(lambda: F.batch_norm(o(2, 3), o(2), o(3), training=True)),
        "batch_norm_weight_size": error_of(lambda: F.batch_norm(o(2, 3), o(3), o(3), o(4), None, True)),
        "group_norm_divisible": error_of(lambda: F.group_norm(o(2, 6, 4), 4)),
        "group_norm_weight": error_of(lambda: F.group_norm(o(2, 6, 4), 3, o(5))),
        "group_norm_rank": error_of(lambda: F.group_norm(o(6), 3)),
        "dropout2d_p": error_of(lambda: F.dropout2d(o(2, 3, 4), 1.5)),
        "dropout2d_rank": error_of(lambda: F.dropout2d(o(4), 0.5)),
    }


def module_cases():
    """Layers as modules: initial values per seed (bit for bit, and the draw after them),
    repr strings, and BatchNorm's running statistics over a few training steps then eval."""
    init = []
    builders = [
        ("Conv2d(3, 8, 5)", lambda: nn.Conv2d(3, 8, 5)),
        ("Conv2d(4, 6, (3, 2), groups=2, bias=False)", lambda: nn.Conv2d(4, 6, (3, 2), groups=2, bias=False)),
        ("Conv1d(2, 4, 3)", lambda: nn.Conv1d(2, 4, 3)),
        ("ConvTranspose2d(4, 6, 3, stride=2, groups=2)", lambda: nn.ConvTranspose2d(4, 6, 3, stride=2, groups=2)),
    ]
    for seed in SEEDS:
        for name, build in builders:
            torch.manual_seed(seed)
            m = build()
            init.append({"seed": seed, "module": name, "weight": T(m.weight),
                         "bias": None if m.bias is None else T(m.bias), "next": T(torch.rand(3))})
    reprs = {
        "conv2d_pad": repr(nn.Conv2d(1, 8, 3, padding=1)),
        "conv2d_same": repr(nn.Conv2d(4, 8, (3, 5), padding="same", dilation=2, groups=2, bias=False)),
        "conv1d_stride": repr(nn.Conv1d(2, 4, 3, stride=2)),
        "conv_transpose2d": repr(nn.ConvTranspose2d(4, 6, 3, stride=2, output_padding=1)),
        "max_pool": repr(nn.MaxPool2d(2)),
        "max_pool_opts": repr(nn.MaxPool2d(3, stride=1, padding=1, ceil_mode=True)),
        "max_pool_rect": repr(nn.MaxPool2d((2, 3))),
        "avg_pool": repr(nn.AvgPool2d(2)),
        "max_pool1d": repr(nn.MaxPool1d(3)),
        "max_pool1d_opts": repr(nn.MaxPool1d(3, stride=2, padding=1, dilation=2, ceil_mode=True)),
        "avg_pool1d": repr(nn.AvgPool1d(3)),
        "avg_pool1d_opts": repr(nn.AvgPool1d(3, stride=1, padding=1, ceil_mode=True, count_include_pad=False)),
        "adaptive": repr(nn.AdaptiveAvgPool2d((2, 3))),
        "batch_norm2d": repr(nn.BatchNorm2d(16)),
        "batch_norm1d": repr(nn.BatchNorm1d(4, momentum=None, affine=False)),
        "group_norm": repr(nn.GroupNorm(2, 4)),
        "dropout2d": repr(nn.Dropout2d(0.3)),
        "upsample_scale": repr(nn.Upsample(scale_factor=2)),
        "upsample_size": repr(nn.Upsample(size=(4, 6))),
    }
    batch_norm = []
    for momentum in [0.1, None]:
        g = torch.Generator().manual_seed(3)
        bn = nn.BatchNorm2d(3, momentum=momentum)
        with torch.no_grad():
            bn.weight.copy_(torch.tensor([1.5, 0.5, -1.0]))
            bn.bias.copy_(torch.tensor([0.1, -0.2, 0.3]))
        steps = []
        for _ in range(3):
            x = torch.randn(4, 3, 5, 5, generator=g) * 2 + 1
            y = bn(x)
            steps.append({"x": T(x), "y": T(y), "running_mean": T(bn.running_mean), "running_var": T(bn.running_var),
                          "num_batches_tracked": int(bn.num_batches_tracked)})
        bn.eval()
        x = torch.randn(2, 3, 5, 5, generator=g)
        batch_norm.append({"momentum": momentum, "steps": steps, "eval_x": T(x), "eval_y": T(bn(x)),
                           "state_dict_keys": list(bn.state_dict().keys())})
    return {"init": init, "repr": reprs, "batch_norm": batch_norm}


def main():
    fixture = {
        "torch_version": torch.__version__,
        "conv1d": conv1d_cases(),
        "conv2d": conv2d_cases(),
        "conv_transpose2d": conv_transpose2d_cases(),
        "unfold": unfold_cases(),
        "fold": fold_cases(),
        "max_pool2d": max_pool_cases(),
        "avg_pool2d": avg_pool_cases(),
        "max_pool1d": max_pool1d_cases(),
        "avg_pool1d": avg_pool1d_cases(),
        "adaptive_avg_pool2d": adaptive_cases(),
        "upsample_nearest": upsample_cases(),
        "batch_norm": batch_norm_cases(),
        "group_norm": group_norm_cases(),
        "dropout2d": dropout2d_cases(),
        "errors": errors(),
        "modules": module_cases(),
    }
    write_fixture(OUT, fixture)


if __name__ == "__main__":
    main()
