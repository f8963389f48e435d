#!/usr/bin/env python3
"""Write tests/fixtures/reductions.json: PyTorch's results for the reduction ops
(sum, mean, sum_to_size, max/min, argmax/argmin, amax/amin, prod, var/std, norm) that
tests/reductions.rs checks torchlight against.

Run by hand with PyTorch 2.15 (AVX2 CPU), from the repository root:
    ~/torchenv/bin/python scripts/gen_reduce_fixtures.py

Each case gives an input (values, dtype, layout: contiguous, transposed or expanded),
the op and its arguments, torch's outputs, and, for float inputs, the gradient of
sum(out_i * grad_output_i) with respect to the input. Float32 values are stored as the
exact doubles of the floats. "exact" cases (sums and means) are compared bit for bit;
they also store the bit patterns of float64 tensors as hex, since JSON parsers need not
round-trip doubles. Error cases store the Python exception class and message.
"""
import json
import math
import warnings

import torch

# var/std with N - correction <= 0 warn; the nan/inf results are what we record.
warnings.filterwarnings("ignore", message=".*degrees of freedom is <= 0")

torch.manual_seed(0)
torch.set_num_threads(1)
INF, NAN = math.inf, math.nan


def num(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
    return v


def enc(t):
    t = t.detach()
    return {
        "shape": list(t.shape),
        "dtype": str(t.dtype).replace("torch.", ""),
        "data": [num(v) for v in t.reshape(-1).tolist()],
    }


def bits(t):
    """Bit patterns as hex strings: JSON number parsers need not round-trip doubles."""
    t = t.detach().contiguous().reshape(-1)
    words = t.view(torch.int32 if t.dtype == torch.float32 else torch.int64).tolist()
    width = 8 if t.dtype == torch.float32 else 16
    return ["%0*x" % (width, w & ((1 << (4 * width)) - 1)) for w in words]


def make_input(values, layout="contiguous", expand_to=None):
    """The torch input, built with the same layout tests/common/mod.rs builds."""
    if layout == "transposed":
        t = values.transpose(-2, -1).contiguous().transpose(-2, -1)
    elif layout == "expanded":
        t = values.expand(*expand_to)
    else:
        t = values.contiguous()
    d = enc(t)
    d["layout"] = layout
    if layout == "expanded":
        d["expand_from"] = list(values.shape)
    return t, d


def run(op, a, x):
    dims = a.get("dims")
    kd = a.get("keepdim", False)
    if op == "sum_family":
        # One input, the reductions whose bits must match: all, first, last dim, means.
        return [x.sum(), x.sum(0), x.sum(-1), x.mean(), x.mean(-1, keepdim=True), x.mean(0)]
    if op == "sum_family3":
        # 3-d: reduced runs before, between and after kept dims (in storage order).
        return [x.sum(1), x.sum(2), x.sum(0), x.sum((1, 2)), x.mean(1)]
    if op == "sum":
        return [x.sum()]
    if op == "sum_dim":
        return [x.sum(dim=dims, keepdim=kd)]
    if op == "mean":
        return [x.mean()]
    if op == "mean_dim":
        return [x.mean(dim=dims, keepdim=kd)]
    if op == "sum_to_size":
        return [x.sum_to_size(a["shape"])]
    if op in ("max", "min"):
        return [getattr(x, op)()]
    if op in ("max_dim", "min_dim"):
        return list(getattr(x, op[:3])(a["dim"], kd))
    if op in ("argmax", "argmin"):
        return [getattr(x, op)(a["dim"], kd)]
    if op in ("amax", "amin"):
        return [getattr(x, op)(dims, kd)]
    if op == "prod":
        return [x.prod()]
    if op == "prod_dim":
        return [x.prod(a["dim"], kd)]
    if op in ("var", "std"):
        return [getattr(x, op)(dims or None, correction=a["correction"], keepdim=kd)]
    if op in ("var_mean", "std_mean"):
        return list(getattr(torch, op)(x, dims or None, correction=a["correction"], keepdim=kd))
    if op == "norm":
        return [x.norm(p=a["p"], dim=dims or None, keepdim=kd)]
    if op == "fro":
        return [x.norm(p="fro", dim=dims or None, keepdim=kd)]
    raise ValueError(op)


cases, errors = [], []


def case(name, op, args, values, layout="contiguous", expand_to=None, grad=True, exact=False):
    x, d = make_input(values, layout, expand_to)
    grad = grad and x.dtype.is_floating_point
    if grad:
        x.requires_grad_(True)
        d["requires_grad"] = True
    outs = run(op, args, x)
    c = {"name": name, "op": op, "args": enc_args(args), "input": d, "out": [enc(o) for o in outs], "exact": exact}
    if exact:
        # float32 values survive a 1-ulp double parsing error (they round back); float64
        # ones need their bits.
        for e, o in [(d, x)] + list(zip(c["out"], outs)):
            if o.dtype == torch.float64:
                e["bits"] = bits(o)
    if grad:
        diff = [o for o in outs if o.dtype.is_floating_point]
        gos = [torch.randn(o.shape, dtype=o.dtype) for o in diff]
        torch.autograd.backward(diff, gos)
        c["grad_outputs"] = [enc(g) for g in gos]
        c["grad_input"] = None if x.grad is None else enc(x.grad)
    cases.append(c)


def error(name, op, args, values, layout="contiguous"):
    x, d = make_input(values, layout)
    try:
        run(op, args, x)
    except Exception as e:  # noqa: BLE001 - the class is what we record
        errors.append({"name": name, "op": op, "args": enc_args(args), "input": d,
                       "type": type(e).__name__, "msg": str(e).split("\n")[0]})
        return
    raise AssertionError(f"{name}: no error")


def enc_args(a):
    return {k: num(v) for k, v in a.items()}


def randn(*shape, dtype=torch.float32):
    return torch.randn(*shape, dtype=dtype)


def ints(*shape, lo=-3, hi=4, dtype=torch.float32):
    """Small integers: many ties."""
    return torch.randint(lo, hi, shape).to(dtype)


# --- sum / mean: bit-exact on contiguous tensors -----------------------------------
for shape in [(7,), (100,), (2000,), (33, 40)]:
    tag = "x".join(map(str, shape))
    case(f"sums_{tag}", "sum_family", {}, randn(*shape), grad=False, exact=True)
case("sums_f64_6x40", "sum_family", {}, randn(6, 40, dtype=torch.float64), grad=False, exact=True)
# Dense views reduce in storage order, as torch's TensorIterator does.
case("sums_transposed_20x33", "sum_family", {}, randn(20, 33), "transposed", grad=False, exact=True)
case("sums3_2x17x12", "sum_family3", {}, randn(2, 17, 12), grad=False, exact=True)
case("sums3_transposed_2x17x12", "sum_family3", {}, randn(2, 17, 12), "transposed", grad=False, exact=True)

# --- sum / mean: layouts, dims, dtypes, gradients -----------------------------------
case("sum_dims_0_2", "sum_dim", {"dims": [0, 2], "keepdim": False}, randn(2, 3, 4))
case("sum_dims_neg_keep", "sum_dim", {"dims": [-1, -3], "keepdim": True}, randn(2, 3, 4))
case("sum_all_dims_empty_list", "sum_dim", {"dims": [], "keepdim": False}, randn(3, 4))
case("sum_transposed", "sum_dim", {"dims": [0], "keepdim": False}, randn(3, 5), "transposed")
case("sum_transposed_all", "sum", {}, randn(3, 5), "transposed")
case("sum_expanded", "sum_dim", {"dims": [1], "keepdim": True}, randn(1, 4), "expanded", (4, 4))
case("sum_scalar", "sum_dim", {"dims": [0], "keepdim": True}, randn(()))
case("sum_empty", "sum_dim", {"dims": [1], "keepdim": False}, randn(2, 0))
case("sum_empty_all", "sum", {}, randn(0))
case("sum_int", "sum", {}, torch.randint(-100, 100, (5, 3)))
case("sum_int_dim", "sum_dim", {"dims": [-1], "keepdim": False}, torch.randint(-100, 100, (5, 3)))
case("sum_bool", "sum", {}, torch.rand(4, 5) > 0.5)
case("sum_bool_dim", "sum_dim", {"dims": [0], "keepdim": True}, torch.rand(4, 5) > 0.5)
case("mean_dims", "mean_dim", {"dims": [0, -1], "keepdim": False}, randn(3, 2, 5))
case("mean_transposed", "mean_dim", {"dims": [-1], "keepdim": False}, randn(4, 3), "transposed")
case("mean_expanded", "mean", {}, randn(2, 1), "expanded", (2, 4))
case("mean_empty", "mean_dim", {"dims": [1], "keepdim": False}, randn(2, 0))
case("mean_f64", "mean_dim", {"dims": [1], "keepdim": True}, randn(3, 4, dtype=torch.float64))
case("sum_to_size", "sum_to_size", {"shape": [3, 1]}, randn(3, 4))
case("sum_to_size_lead", "sum_to_size", {"shape": [4]}, randn(2, 3, 4))
case("sum_to_size_same", "sum_to_size", {"shape": [2, 3]}, randn(2, 3))
error("mean_int", "mean", {}, torch.tensor([1, 2]))
error("mean_bool", "mean_dim", {"dims": [0], "keepdim": False}, torch.tensor([True]))
error("sum_dup", "sum_dim", {"dims": [0, -2], "keepdim": False}, randn(2, 3))
error("sum_dup_scalar", "sum_dim", {"dims": [0, -1], "keepdim": False}, randn(()))
error("sum_range", "sum_dim", {"dims": [2], "keepdim": False}, randn(2, 3))
error("sum_range_scalar", "sum_dim", {"dims": [1], "keepdim": False}, randn(()))
error("mean_dup", "mean_dim", {"dims": [1, 1], "keepdim": False}, randn(2, 3))
error("sum_to_size_bad", "sum_to_size", {"shape": [2]}, randn(2, 3))

# --- max / min over all elements --------------------------------------------------------
case("max_all", "max", {}, randn(3, 4))
case("min_all_transposed", "min", {}, randn(3, 4), "transposed")
case("max_ties", "max", {}, torch.tensor([1.0, 3.0, -2.0, 3.0, 3.0]))
case("min_ties_expanded", "min", {}, ints(1, 3), "expanded", (4, 3))
case("max_nan", "max", {}, torch.tensor([1.0, NAN, 2.0, NAN]))
case("min_scalar", "min", {}, randn(()))
case("max_int", "max", {}, torch.randint(-9, 9, (4, 3)))
case("min_bool", "min", {}, torch.tensor([True, False, True]))
case("max_f64", "max", {}, randn(5, dtype=torch.float64))
error("max_empty", "max", {}, randn(0))
error("min_empty", "min", {}, randn(2, 0))

# --- max_dim / min_dim -----------------------------------------------------------------
case("max_dim_last", "max_dim", {"dim": -1, "keepdim": False}, randn(3, 5))
case("max_dim_first_keep", "max_dim", {"dim": 0, "keepdim": True}, randn(3, 5))
case("min_dim_mid", "min_dim", {"dim": 1, "keepdim": False}, randn(2, 3, 4))
case("max_dim_ties", "max_dim", {"dim": 1, "keepdim": False}, ints(4, 6))
case("min_dim_ties_transposed", "min_dim", {"dim": 0, "keepdim": False}, ints(5, 4), "transposed")
case("max_dim_expanded", "max_dim", {"dim": 0, "keepdim": False}, randn(1, 4), "expanded", (4, 4))
case("max_dim_nan", "max_dim", {"dim": 1, "keepdim": False},
     torch.tensor([[1.0, NAN, 5.0, NAN], [2.0, 1.0, 7.0, 0.0]]))
case("min_dim_nan", "min_dim", {"dim": 0, "keepdim": True}, torch.tensor([[1.0, -3.0], [NAN, 2.0], [NAN, 8.0]]))
case("max_dim_scalar", "max_dim", {"dim": -1, "keepdim": True}, randn(()))
case("max_dim_empty_other", "max_dim", {"dim": 0, "keepdim": False}, randn(2, 0))
case("max_dim_int", "max_dim", {"dim": 1, "keepdim": False}, torch.randint(-5, 5, (3, 4)))
case("min_dim_bool", "min_dim", {"dim": 0, "keepdim": False}, torch.tensor([[True, False], [True, True]]))
case("max_dim_f64", "max_dim", {"dim": -2, "keepdim": True}, randn(3, 2, dtype=torch.float64))
error("max_dim_empty", "max_dim", {"dim": -1, "keepdim": False}, randn(2, 0))
error("min_dim_empty_1d", "min_dim", {"dim": 0, "keepdim": False}, randn(0))
error("max_dim_range", "max_dim", {"dim": 2, "keepdim": False}, randn(2, 3))
error("max_dim_range_scalar", "max_dim", {"dim": 1, "keepdim": False}, randn(()))

# --- argmax / argmin -------------------------------------------------------------------
case("argmax_all", "argmax", {"dim": None, "keepdim": False}, randn(3, 4))
case("argmax_all_keep", "argmax", {"dim": None, "keepdim": True}, randn(3, 4), "transposed")
case("argmin_dim", "argmin", {"dim": -1, "keepdim": False}, ints(4, 5))
case("argmax_dim_keep", "argmax", {"dim": 0, "keepdim": True}, ints(4, 5), "transposed")
case("argmax_nan", "argmax", {"dim": None, "keepdim": False}, torch.tensor([1.0, NAN, 3.0, NAN]))
case("argmin_nan_dim", "argmin", {"dim": 1, "keepdim": False}, torch.tensor([[1.0, NAN, -3.0], [4.0, 0.0, 0.0]]))
case("argmax_int", "argmax", {"dim": None, "keepdim": False}, torch.tensor([3, 9, 9, 1]))
case("argmin_scalar", "argmin", {"dim": 0, "keepdim": False}, randn(()))
case("argmax_scalar_keep", "argmax", {"dim": None, "keepdim": True}, randn(()))
case("argmax_empty_other", "argmax", {"dim": 0, "keepdim": False}, randn(2, 0))
error("argmax_bool", "argmax", {"dim": None, "keepdim": False}, torch.tensor([True, False]))
error("argmin_bool_dim", "argmin", {"dim": 0, "keepdim": False}, torch.tensor([True]))
error("argmax_empty", "argmax", {"dim": None, "keepdim": False}, randn(0))
error("argmin_empty_dim", "argmin", {"dim": 1, "keepdim": False}, randn(2, 0))

# --- amax / amin -----------------------------------------------------------------------
case("amax_all", "amax", {"dims": [], "keepdim": False}, randn(3, 4))
case("amax_dim", "amax", {"dims": [-1], "keepdim": False}, randn(3, 4))
case("amin_dims_keep", "amin", {"dims": [0, 2], "keepdim": True}, randn(2, 3, 4))
case("amax_ties", "amax", {"dims": [1], "keepdim": False}, ints(4, 6))
case("amin_ties_all", "amin", {"dims": [], "keepdim": False}, ints(3, 4, lo=0, hi=2))
case("amax_transposed", "amax", {"dims": [0], "keepdim": False}, ints(5, 3), "transposed")
case("amax_expanded", "amax", {"dims": [0], "keepdim": True}, randn(1, 4), "expanded", (2, 4))
case("amax_nan", "amax", {"dims": [1], "keepdim": False}, torch.tensor([[1.0, NAN, 2.0], [0.0, 5.0, 5.0]]))
case("amax_scalar", "amax", {"dims": [0], "keepdim": False}, randn(()))
case("amin_empty_other", "amin", {"dims": [0], "keepdim": False}, randn(2, 0))
case("amax_int", "amax", {"dims": [0], "keepdim": False}, torch.randint(-9, 9, (3, 4)))
case("amax_bool", "amax", {"dims": [], "keepdim": False}, torch.tensor([True, False]))
error("amax_empty", "amax", {"dims": [], "keepdim": False}, randn(0))
error("amin_empty_dim", "amin", {"dims": [0, 1], "keepdim": False}, randn(2, 0))
error("amax_dup", "amax", {"dims": [0, -2], "keepdim": False}, randn(2, 3))

# --- prod ------------------------------------------------------------------------------
case("prod_all", "prod", {}, randn(3, 4))
case("prod_dim", "prod_dim", {"dim": -1, "keepdim": False}, randn(3, 4))
case("prod_dim_keep_transposed", "prod_dim", {"dim": 0, "keepdim": True}, randn(3, 4), "transposed")
case("prod_expanded", "prod_dim", {"dim": 0, "keepdim": False}, randn(1, 3), "expanded", (4, 3))
case("prod_one_zero", "prod", {}, torch.tensor([1.5, 0.0, -2.0, 3.0]))
case("prod_two_zeros", "prod", {}, torch.tensor([1.5, 0.0, -2.0, 0.0]))
case("prod_dim_zeros", "prod_dim", {"dim": 1, "keepdim": False},
     torch.tensor([[1.5, 0.0, -2.0], [0.0, 2.0, 0.0], [0.5, 4.0, 3.0]]))
case("prod_dim_zeros_keep", "prod_dim", {"dim": 0, "keepdim": True},
     torch.tensor([[1.5, 0.0, -2.0], [0.0, 2.0, 0.0], [0.5, 4.0, 3.0]]))
case("prod_scalar", "prod", {}, randn(()))
case("prod_dim_scalar", "prod_dim", {"dim": -1, "keepdim": False}, randn(()))
case("prod_empty", "prod", {}, randn(0))
case("prod_empty_dim", "prod_dim", {"dim": 1, "keepdim": False}, randn(2, 0))
case("prod_int", "prod", {}, torch.randint(-4, 5, (5,)))
case("prod_bool_dim", "prod_dim", {"dim": 0, "keepdim": False}, torch.tensor([[True, False], [True, True]]))
case("prod_f64", "prod_dim", {"dim": 0, "keepdim": False}, randn(4, 2, dtype=torch.float64))
error("prod_range", "prod_dim", {"dim": -3, "keepdim": False}, randn(2, 3))

# --- var / std -------------------------------------------------------------------------
case("var_all", "var", {"dims": [], "correction": 1, "keepdim": False}, randn(4, 5))
case("var_dim", "var", {"dims": [-1], "correction": 1, "keepdim": False}, randn(4, 5))
case("var_dims_keep_c0", "var", {"dims": [0, 2], "correction": 0, "keepdim": True}, randn(3, 2, 4))
case("var_c_float", "var", {"dims": [0], "correction": 2.5, "keepdim": False}, randn(6, 3), "transposed")
case("var_expanded", "var", {"dims": [1], "correction": 1, "keepdim": False}, randn(3, 1), "expanded", (3, 4))
case("var_f64", "var", {"dims": [0], "correction": 1, "keepdim": False}, randn(5, 2, dtype=torch.float64))
case("var_dof0_all", "var", {"dims": [], "correction": 1, "keepdim": False}, randn(1))
case("var_dof0_all_const", "var", {"dims": [], "correction": 2, "keepdim": False}, torch.tensor([2.0, 2.0]))
case("var_dofneg_all", "var", {"dims": [], "correction": 3, "keepdim": False}, torch.tensor([2.0, 3.0]))
case("var_dof0_dim", "var", {"dims": [0], "correction": 2, "keepdim": False}, torch.tensor([2.0, 3.0]))
case("var_dofneg_dim", "var", {"dims": [1], "correction": 3, "keepdim": False}, randn(2, 2))
case("var_scalar", "var", {"dims": [], "correction": 1, "keepdim": False}, randn(()))
case("var_empty", "var", {"dims": [], "correction": 1, "keepdim": False}, randn(0))
case("var_empty_dim", "var", {"dims": [1], "correction": 1, "keepdim": False}, randn(2, 0))
case("std_all", "std", {"dims": [], "correction": 1, "keepdim": False}, randn(4, 5))
case("std_dim_keep", "std", {"dims": [0], "correction": 1, "keepdim": True}, randn(4, 5), "transposed")
case("std_c0_dims", "std", {"dims": [-1, 0], "correction": 0, "keepdim": False}, randn(3, 2, 4))
case("std_const", "std", {"dims": [1], "correction": 1, "keepdim": False}, torch.tensor([[2.0, 2.0, 2.0], [1.0, 2.0, 3.0]]))
case("std_dofneg", "std", {"dims": [], "correction": 2, "keepdim": False}, torch.tensor([2.0, 3.0]))
case("var_mean_all", "var_mean", {"dims": [], "correction": 1, "keepdim": False}, randn(3, 4))
case("var_mean_dim", "var_mean", {"dims": [1], "correction": 0, "keepdim": True}, randn(3, 4))
case("std_mean_dim", "std_mean", {"dims": [-1], "correction": 1, "keepdim": False}, randn(3, 4), "transposed")
error("var_int", "var", {"dims": [], "correction": 1, "keepdim": False}, torch.tensor([1, 2]))
error("std_int_dim", "std", {"dims": [0], "correction": 1, "keepdim": False}, torch.tensor([1, 2]))
error("var_dup", "var", {"dims": [1, -1], "correction": 1, "keepdim": False}, randn(2, 3))
error("var_range", "var", {"dims": [3], "correction": 1, "keepdim": False}, randn(2, 3))

# --- norm ------------------------------------------------------------------------------
for p in [2, 1, INF, -INF, 0, 3, 0.5, -1, 1.5]:
    ptag = num(float(p))
    case(f"norm_p{ptag}_all", "norm", {"p": float(p), "dims": [], "keepdim": False}, randn(3, 4))
    case(f"norm_p{ptag}_dim", "norm", {"p": float(p), "dims": [-1], "keepdim": False}, randn(3, 4), "transposed")
    case(f"norm_p{ptag}_dims_keep", "norm", {"p": float(p), "dims": [0, 2], "keepdim": True}, randn(2, 3, 4))
    case(f"norm_p{ptag}_zero_row", "norm", {"p": float(p), "dims": [1], "keepdim": False},
         torch.tensor([[3.0, -4.0, 0.0], [0.0, 0.0, 0.0]]))
case("norm_inf_ties", "norm", {"p": INF, "dims": [1], "keepdim": False}, ints(3, 4))
case("norm_expanded", "norm", {"p": 2.0, "dims": [0], "keepdim": False}, randn(1, 3), "expanded", (4, 3))
case("norm_f64", "norm", {"p": 2.5, "dims": [0], "keepdim": False}, randn(3, 2, dtype=torch.float64))
case("norm_scalar", "norm", {"p": 1.0, "dims": [0], "keepdim": True}, randn(()))
case("norm_empty", "norm", {"p": 2.0, "dims": [], "keepdim": False}, randn(0))
case("norm_empty_dim", "norm", {"p": 1.0, "dims": [1], "keepdim": False}, randn(2, 0))
case("norm_inf_empty_other", "norm", {"p": INF, "dims": [0], "keepdim": False}, randn(2, 0))
case("fro_all", "fro", {"dims": [], "keepdim": False}, randn(2, 3, 4))
case("fro_2dims", "fro", {"dims": [0, -1], "keepdim": True}, randn(2, 3, 4))
case("fro_1dim", "fro", {"dims": [1], "keepdim": False}, randn(3, 4), "transposed")
error("norm_inf_empty", "norm", {"p": INF, "dims": [], "keepdim": False}, randn(0))
error("norm_neginf_empty", "norm", {"p": -INF, "dims": [], "keepdim": False}, randn(2, 0))
error("norm_neg_empty", "norm", {"p": -1.0, "dims": [], "keepdim": False}, randn(0))
error("norm_neg_empty_dim", "norm", {"p": -0.5, "dims": [0, -1], "keepdim": False}, randn(2, 0))
error("norm_third_empty_dim", "norm", {"p": -1 / 3, "dims": [-1], "keepdim": False}, randn(2, 0))
error("norm_big_empty_dim", "norm", {"p": -1e20, "dims": [1], "keepdim": False}, randn(2, 0))
error("norm_inf_empty_dim", "norm", {"p": INF, "dims": [1], "keepdim": True}, randn(2, 0))
error("norm_int", "norm", {"p": 2.0, "dims": [], "keepdim": False}, torch.tensor([1, 2]))
error("norm_dup", "norm", {"p": 2.0, "dims": [1, 1], "keepdim": False}, randn(2, 3))
error("fro_3dims", "fro", {"dims": [0, -1, 2], "keepdim": False}, randn(2, 3, 4))
error("fro_int", "fro", {"dims": [], "keepdim": False}, torch.tensor([1, 2]))

with open("tests/fixtures/reductions.json", "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases, "errors": errors}, f, separators=(",", ":"))
print(len(cases), "cases,", len(errors), "errors")
