#!/usr/bin/env python3
"""Write tests/fixtures/shape_ops.json: PyTorch's results for the view, join, index and
slicing ops, read by tests/shape_ops.rs.

Run by hand with PyTorch 2.15, from the repository root:
    python scripts/gen_shape_fixtures.py

Each case names an op and its arguments, lists its inputs (with the layout the Rust test
builds: contiguous, transposed or expanded), and stores what torch gave: the outputs with
their strides, storage offsets and whether they share the first input's storage, the
input gradients of sum(out_i * grad_output_i), and for double backward the gradient of
sum(grad_input_i * v_i) with respect to the grad_outputs. Error cases store torch's
exception class and the first line of its message.
"""
import json
import math

import torch

torch.manual_seed(0)
torch.set_num_threads(1)

DTYPES = {"float32": torch.float32, "float64": torch.float64, "int64": torch.int64, "bool": torch.bool}


def enc_value(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, float) and math.isnan(v):
        return "nan"
    if isinstance(v, float) and math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def enc(t, **extra):
    """A tensor in the shared fixture format (logical order; f32 stored as exact double)."""
    t = t.detach()
    data = t.reshape(-1).tolist() if t.dtype != torch.float32 else t.double().reshape(-1).tolist()
    d = {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "data": [enc_value(v) for v in data]}
    d.update(extra)
    return d


# ---- inputs -----------------------------------------------------------------------------

def make_input(spec):
    """spec: (shape, dtype, layout) plus options; returns (torch tensor, fixture dict)."""
    shape, dtype, layout = spec["shape"], spec.get("dtype", "float32"), spec.get("layout", "contiguous")
    dt = DTYPES[dtype]
    if "values" in spec:
        base = torch.tensor(spec["values"], dtype=dt).reshape(shape)
    elif dt == torch.bool:
        base = torch.rand(shape) > 0.5
    elif dt == torch.int64:
        base = torch.randint(-5, 6, shape)
    elif layout == "expanded":
        # Multiples of 1/4: the Rust helper rebuilds the small tensor with exact sums.
        base = (torch.randint(-8, 9, spec["expand_from"]) / 4).to(dt)
    else:
        base = torch.randn(shape, dtype=dt)
    if layout == "transposed":
        t = base.transpose(-2, -1).contiguous().transpose(-2, -1)
    elif layout == "expanded":
        t = base.expand(shape)
    else:
        t = base
    rg = spec.get("requires_grad", dt.is_floating_point and layout != "expanded_nograd")
    if rg:
        t.requires_grad_(True)
    extra = {"layout": layout, "requires_grad": bool(rg)}
    if layout == "expanded":
        extra["expand_from"] = list(spec["expand_from"])
    return t, enc(t, **extra)


def inp(shape, dtype="float32", layout="contiguous", **kw):
    return dict(shape=list(shape), dtype=dtype, layout=layout, **kw)


def idx(values, shape=None):
    shape = list(shape) if shape is not None else [len(values)]
    return dict(shape=shape, dtype="int64", values=values, requires_grad=False)


def mask(values, shape=None):
    shape = list(shape) if shape is not None else [len(values)]
    return dict(shape=shape, dtype="bool", values=values, requires_grad=False)


# ---- ops (mirrored by `run` in tests/shape_ops.rs) --------------------------------------

def index_items(items):
    out = []
    for it in items:
        if it["t"] == "int":
            out.append(it["v"])
        elif it["t"] == "slice":
            out.append(slice(it.get("start"), it.get("end"), it.get("step", 1)))
        elif it["t"] == "none":
            out.append(None)
        else:
            out.append(Ellipsis)
    return tuple(out) if len(out) != 1 else out[0]


def operand(a, inputs, key):
    """A where operand: input number a[key] (an int) or a scalar {"scalar": v}."""
    v = a[key]
    return inputs[v] if isinstance(v, int) and not isinstance(v, bool) else v["scalar"]


def run(op, a, x):
    if op == "view":
        return [x[0].view(a["shape"])]
    if op == "reshape":
        return [x[0].reshape(a["shape"])]
    if op == "flatten":
        return [x[0].flatten(a["start"], a["end"])]
    if op == "squeeze":
        return [x[0].squeeze()]
    if op == "squeeze_dim":
        return [x[0].squeeze(a["dim"])]
    if op == "unsqueeze":
        return [x[0].unsqueeze(a["dim"])]
    if op == "permute":
        return [x[0].permute(a["dims"])]
    if op == "transpose":
        return [x[0].transpose(a["dim0"], a["dim1"])]
    if op == "t":
        return [x[0].t()]
    if op == "expand":
        return [x[0].expand(a["shape"])]
    if op == "narrow":
        return [x[0].narrow(a["dim"], a["start"], a["length"])]
    if op == "select":
        return [x[0].select(a["dim"], a["index"])]
    if op == "contiguous":
        return [x[0].contiguous()]
    if op == "cat":
        return [torch.cat(x, a["dim"])]
    if op == "stack":
        return [torch.stack(x, a["dim"])]
    if op == "split":
        return list(x[0].split(a["size"], a["dim"]))
    if op == "split_with_sizes":
        return list(x[0].split_with_sizes(a["sizes"], a["dim"]))
    if op == "chunk":
        return list(x[0].chunk(a["chunks"], a["dim"]))
    if op == "chunk_last":
        return [x[0].chunk(a["chunks"], a["dim"])[-1]]
    if op == "unbind":
        return list(x[0].unbind(a["dim"]))
    if op == "index_select":
        return [x[0].index_select(a["dim"], x[1])]
    if op == "gather":
        return [x[0].gather(a["dim"], x[1])]
    if op == "scatter":
        return [x[0].scatter(a["dim"], x[1], x[2])]
    if op == "scatter_value":
        return [x[0].scatter(a["dim"], x[1], a["value"])]
    if op == "scatter_add":
        return [x[0].scatter_add(a["dim"], x[1], x[2])]
    if op == "scatter_":
        y = x[0].clone()
        y.scatter_(a["dim"], x[1], x[2])
        return [y]
    if op == "scatter_add_":
        y = x[0].clone()
        y.scatter_add_(a["dim"], x[1], x[2])
        return [y]
    if op == "where":
        return [torch.where(x[0], operand(a, x, "x"), operand(a, x, "y"))]
    if op == "masked_select":
        return [x[0].masked_select(x[1])]
    if op == "slice":
        return [torch.ops.aten.slice(x[0], a["dim"], a.get("start"), a.get("end"), a["step"])]
    if op == "index":
        return [x[0][index_items(a["items"])]]
    if op == "unflatten":
        return [x[0].unflatten(a["dim"], a["sizes"])]
    raise ValueError(op)


def shares(out, x):
    return out.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()


def case(name, op, args, inputs, double=True):
    ts, encs = zip(*[make_input(s) for s in inputs])
    ts = list(ts)
    outs = run(op, args, ts)
    c = {"name": name, "op": op, "args": args, "inputs": list(encs)}
    c["outs"] = [enc(o, stride=list(o.stride()), offset=o.storage_offset(), shares=shares(o, ts[0])) for o in outs]
    diff = [t for t in ts if t.requires_grad]
    if diff and outs[0].dtype.is_floating_point:
        gos = [torch.randn(o.shape, dtype=o.dtype, requires_grad=True) for o in outs]
        grads = torch.autograd.grad(outs, diff, gos, create_graph=True, allow_unused=True)
        c["grad_outputs"] = [enc(g) for g in gos]
        it = iter(grads)
        c["grads"] = [enc(next(it)) if t.requires_grad else None for t in ts]
        live = [(g, torch.randn(g.shape, dtype=g.dtype)) for g in grads if g is not None and g.requires_grad]
        if double and live:
            total = sum((g * v).sum() for g, v in live)
            gg = torch.autograd.grad(total, gos, allow_unused=True, materialize_grads=True)
            it = iter(v for _, v in live)
            c["double_v"] = [enc(next(it)) if (g is not None and g.requires_grad) else None for g in grads]
            c["grad_grad_outputs"] = [enc(g) for g in gg]
    return c


def error_case(name, op, args, inputs):
    ts = [make_input(s)[0] for s in inputs]
    try:
        run(op, args, ts)
    except Exception as e:  # noqa: BLE001 - the class is what we record
        return {"name": name, "op": op, "args": args, "inputs": [make_input(s)[1] for s in inputs],
                "error": type(e).__name__, "message": str(e).split("\nException raised from")[0]}
    raise AssertionError(f"{name}: torch did not raise")


def I(v):
    return {"t": "int", "v": v}


def S(start=None, end=None, step=1):
    return {"t": "slice", "start": start, "end": end, "step": step}


NONE = {"t": "none"}
ELL = {"t": "ellipsis"}


def cases():
    c = []
    # view ops of src/ops/shape.rs
    c.append(case("view", "view", {"shape": [3, 4]}, [inp([2, 6])]))
    c.append(case("view_infer", "view", {"shape": [-1]}, [inp([2, 3, 2])]))
    c.append(case("view_empty", "view", {"shape": [3, 0]}, [inp([0, 3])]))
    c.append(case("view_expanded", "view", {"shape": [2, 1, 3]}, [inp([2, 3], layout="expanded", expand_from=[1, 3])]))
    c.append(case("reshape_view", "reshape", {"shape": [4, -1]}, [inp([2, 6])]))
    c.append(case("reshape_copy", "reshape", {"shape": [-1]}, [inp([3, 4], layout="transposed")]))
    c.append(case("reshape_0dim", "reshape", {"shape": [1, 1]}, [inp([])]))
    c.append(case("flatten", "flatten", {"start": 1, "end": -1}, [inp([2, 3, 4])]))
    c.append(case("flatten_transposed", "flatten", {"start": 0, "end": -1}, [inp([3, 4], layout="transposed")]))
    c.append(case("flatten_0dim", "flatten", {"start": 0, "end": -1}, [inp([])]))
    c.append(case("squeeze", "squeeze", {}, [inp([1, 3, 1, 2])]))
    c.append(case("squeeze_neg", "squeeze_dim", {"dim": -2}, [inp([3, 1, 2])]))
    c.append(case("squeeze_noop", "squeeze_dim", {"dim": 0}, [inp([3, 2])]))
    c.append(case("unsqueeze_neg", "unsqueeze", {"dim": -1}, [inp([2, 3])]))
    c.append(case("unsqueeze_transposed", "unsqueeze", {"dim": 1}, [inp([3, 2], layout="transposed")]))
    c.append(case("unsqueeze_0dim", "unsqueeze", {"dim": -1}, [inp([])]))
    c.append(case("permute", "permute", {"dims": [2, 0, -2]}, [inp([2, 3, 4])]))
    c.append(case("transpose", "transpose", {"dim0": 0, "dim1": -1}, [inp([2, 3, 4])]))
    c.append(case("t", "t", {}, [inp([2, 3])]))
    c.append(case("t_transposed", "t", {}, [inp([2, 3], layout="transposed")]))
    c.append(case("t_1d", "t", {}, [inp([3])]))
    c.append(case("expand", "expand", {"shape": [2, 3, 4]}, [inp([3, 1])]))
    c.append(case("expand_keep", "expand", {"shape": [2, -1, 4]}, [inp([3, 1])]))
    c.append(case("expand_lead1", "expand", {"shape": [1, 3, 4]}, [inp([3, 1])]))
    c.append(case("expand_0dim", "expand", {"shape": [2, 3]}, [inp([])]))
    c.append(case("narrow", "narrow", {"dim": 1, "start": 1, "length": 2}, [inp([2, 4])]))
    c.append(case("narrow_neg", "narrow", {"dim": -1, "start": -2, "length": 2}, [inp([2, 4], layout="transposed")]))
    c.append(case("select", "select", {"dim": 1, "index": -1}, [inp([2, 3])]))
    c.append(case("select_transposed", "select", {"dim": 0, "index": 2}, [inp([3, 2], layout="transposed")]))
    c.append(case("contiguous_copy", "contiguous", {}, [inp([2, 3], layout="transposed")]))
    c.append(case("contiguous_noop", "contiguous", {}, [inp([2, 3])]))
    # joins
    c.append(case("cat0", "cat", {"dim": 0}, [inp([2, 3]), inp([1, 3])]))
    c.append(case("cat_neg", "cat", {"dim": -1}, [inp([2, 3], layout="transposed"), inp([2, 2])]))
    c.append(case("cat_promote", "cat", {"dim": 1}, [inp([2, 2]), inp([2, 1], dtype="float64")]))
    c.append(case("cat_int", "cat", {"dim": 0}, [inp([2], dtype="int64"), inp([1], dtype="bool")]))
    c.append(case("cat_legacy_empty", "cat", {"dim": 1}, [inp([0]), inp([2, 3])]))
    c.append(case("cat_empty", "cat", {"dim": 0}, [inp([0, 3]), inp([2, 3]), inp([0, 3])]))
    c.append(case("cat_expanded", "cat", {"dim": 0}, [inp([2, 3], layout="expanded", expand_from=[1, 3]), inp([1, 3])]))
    c.append(case("stack0", "stack", {"dim": 0}, [inp([2, 3]), inp([2, 3], layout="transposed")]))
    c.append(case("stack_last", "stack", {"dim": -1}, [inp([2, 3]), inp([2, 3]), inp([2, 3], dtype="float64")]))
    c.append(case("stack_0dim", "stack", {"dim": 0}, [inp([]), inp([])]))
    c.append(case("split", "split", {"size": 2, "dim": 1}, [inp([2, 5])]))
    c.append(case("split_transposed", "split", {"size": 2, "dim": 0}, [inp([3, 2], layout="transposed")]))
    c.append(case("split_big", "split", {"size": 10, "dim": 0}, [inp([4])]))
    c.append(case("split_empty", "split", {"size": 2, "dim": 1}, [inp([2, 0])]))
    c.append(case("split_with_sizes", "split_with_sizes", {"sizes": [1, 0, 3], "dim": -1}, [inp([2, 4])]))
    c.append(case("chunk", "chunk", {"chunks": 3, "dim": 0}, [inp([7, 2])]))
    c.append(case("chunk_fewer", "chunk", {"chunks": 4, "dim": 0}, [inp([6])]))
    c.append(case("chunk_empty", "chunk", {"chunks": 3, "dim": 1}, [inp([2, 0])]))
    c.append(case("chunk_last_only", "chunk_last", {"chunks": 2, "dim": 1}, [inp([2, 4])]))
    c.append(case("unbind", "unbind", {"dim": 1}, [inp([2, 3])]))
    c.append(case("unbind_transposed", "unbind", {"dim": 0}, [inp([3, 2], layout="transposed")]))
    # index ops
    c.append(case("index_select0", "index_select", {"dim": 0}, [inp([3, 2]), idx([2, 0, 2])]))
    c.append(case("index_select1", "index_select", {"dim": -1}, [inp([2, 3], layout="transposed"), idx([1, 1])]))
    c.append(case("index_select_1d", "index_select", {"dim": 0}, [inp([4]), idx([3, 0])]))
    c.append(case("index_select_0dim", "index_select", {"dim": 0}, [inp([]), idx([0], shape=[])]))
    c.append(case("index_select_empty", "index_select", {"dim": 0}, [inp([3, 2]), idx([])]))
    c.append(case("index_select_int", "index_select", {"dim": 1}, [inp([2, 3], dtype="int64"), idx([2, 0])]))
    c.append(case("gather1", "gather", {"dim": 1}, [inp([2, 3]), idx([0, 2, 2, 1], shape=[2, 2])]))
    c.append(case("gather0_transposed", "gather", {"dim": 0},
                  [inp([3, 2], layout="transposed"), idx([2, 0, 1, 1, 0, 2], shape=[3, 2])]))
    c.append(case("gather_big_dim", "gather", {"dim": -1}, [inp([2, 2]), idx([1, 1, 0, 1, 0], shape=[1, 5])]))
    c.append(case("gather_3d", "gather", {"dim": 1}, [inp([2, 3, 2]), idx([0, 2, 1, 1], shape=[2, 1, 2])]))
    c.append(case("gather_0dim", "gather", {"dim": 0}, [inp([]), idx([0], shape=[])]))
    c.append(case("gather_empty", "gather", {"dim": 0}, [inp([2, 3]), idx([], shape=[0, 3])]))
    c.append(case("scatter", "scatter", {"dim": 1}, [inp([2, 3]), idx([2, 0], shape=[2, 1]), inp([2, 1])]))
    # A src larger than index: torch's backward rejects a src gradient of index's shape.
    c.append(case("scatter_src_larger", "scatter", {"dim": 1},
                  [inp([2, 3]), idx([2, 0], shape=[2, 1]), inp([2, 2], requires_grad=False)]))
    c.append(case("scatter_dim0", "scatter", {"dim": 0},
                  [inp([3, 2], layout="transposed"), idx([2, 0, 1, 2], shape=[2, 2]), inp([2, 2])]))
    c.append(case("scatter_value", "scatter_value", {"dim": -1, "value": 2.5},
                  [inp([2, 3]), idx([1, 2, 0, 0], shape=[2, 2])]))
    c.append(case("scatter_value_int", "scatter_value", {"dim": 0, "value": 7},
                  [inp([3], dtype="int64"), idx([2])]))
    c.append(case("scatter_add", "scatter_add", {"dim": 0},
                  [inp([3, 2]), idx([0, 0, 2, 0, 0, 1], shape=[3, 2]), inp([3, 2], layout="transposed")]))
    c.append(case("scatter_add_expanded_src", "scatter_add", {"dim": 1},
                  [inp([2, 3]), idx([1, 1, 0, 2], shape=[2, 2]), inp([2, 2], layout="expanded", expand_from=[1, 2])]))
    c.append(case("scatter_inplace", "scatter_", {"dim": 1}, [inp([2, 3]), idx([1, 0], shape=[2, 1]), inp([2, 1])]))
    c.append(case("scatter_add_inplace", "scatter_add_", {"dim": 0},
                  [inp([3]), idx([1, 1, 2]), inp([3])]))
    c.append(case("where", "where", {"x": 1, "y": 2},
                  [mask([True, False, True, False, False, True], shape=[2, 3]), inp([2, 3]), inp([2, 3], layout="transposed")]))
    c.append(case("where_broadcast", "where", {"x": 1, "y": 2},
                  [mask([True, False], shape=[2, 1]), inp([3]), inp([2, 1], dtype="float64")]))
    c.append(case("where_scalar", "where", {"x": 1, "y": {"scalar": 0.5}},
                  [mask([False, True, True]), inp([3])]))
    c.append(case("where_scalar_first", "where", {"x": {"scalar": -1}, "y": 1},
                  [mask([False, True, True]), inp([2, 3], layout="expanded", expand_from=[1, 3])]))
    c.append(case("where_scalars_int", "where", {"x": {"scalar": 1}, "y": {"scalar": 2}}, [mask([False, True])]))
    c.append(case("where_scalars_float", "where", {"x": {"scalar": 1}, "y": {"scalar": 2.5}}, [mask([False, True])]))
    c.append(case("where_int_float", "where", {"x": 1, "y": {"scalar": 2.5}}, [mask([False, True]), inp([2], dtype="int64")]))
    c.append(case("masked_select", "masked_select", {},
                  [inp([2, 3]), mask([True, False, True, False, True, True], shape=[2, 3])]))
    c.append(case("masked_select_bcast_mask", "masked_select", {},
                  [inp([2, 3], layout="transposed"), mask([True, False, True])]))
    c.append(case("masked_select_bcast_self", "masked_select", {},
                  [inp([3]), mask([True, False, True, False, True, True], shape=[2, 3])]))
    c.append(case("masked_select_none", "masked_select", {}, [inp([2]), mask([False, False])]))
    # slicing
    c.append(case("slice_step", "slice", {"dim": 1, "start": 1, "end": None, "step": 2}, [inp([2, 5])]))
    c.append(case("slice_clamp", "slice", {"dim": 0, "start": -10, "end": 100, "step": 1}, [inp([3, 2])]))
    c.append(case("slice_negative", "slice", {"dim": -1, "start": -3, "end": -1, "step": 1},
                  [inp([2, 4], layout="transposed")]))
    c.append(case("slice_empty", "slice", {"dim": 0, "start": 2, "end": 1, "step": 1}, [inp([3, 2])]))
    c.append(case("slice_past_end", "slice", {"dim": 0, "start": 5, "end": None, "step": 3}, [inp([3])]))
    c.append(case("index_rows_step", "index", {"items": [S(1, 3), S(None, None, 2)]}, [inp([4, 5])]))
    c.append(case("index_ellipsis_int", "index", {"items": [ELL, I(0)]}, [inp([2, 3, 4])]))
    c.append(case("index_newaxis", "index", {"items": [S(), NONE]}, [inp([2, 3])]))
    c.append(case("index_mixed", "index", {"items": [NONE, I(-1), ELL, S(1, None, 2), NONE]}, [inp([2, 3, 5])]))
    c.append(case("index_int", "index", {"items": [I(1)]}, [inp([3, 2], layout="transposed")]))
    c.append(case("index_ints", "index", {"items": [I(1), I(-2)]}, [inp([2, 3])]))
    c.append(case("index_alias", "index", {"items": [ELL]}, [inp([2, 3])]))
    c.append(case("index_full", "index", {"items": [S(), S()]}, [inp([2, 3])]))
    c.append(case("index_0dim_none", "index", {"items": [ELL, NONE]}, [inp([])]))
    c.append(case("index_slice_1d", "index", {"items": [S(-2)]}, [inp([5])]))
    c.append(case("unflatten", "unflatten", {"dim": 1, "sizes": [3, 1]}, [inp([2, 3, 4])]))
    c.append(case("unflatten_infer", "unflatten", {"dim": -1, "sizes": [2, -1]}, [inp([2, 3, 4])]))
    c.append(case("unflatten_transposed", "unflatten", {"dim": 1, "sizes": [2, 2]}, [inp([3, 4], layout="transposed")]))
    return c


def errors():
    e = []
    add = lambda *a: e.append(error_case(*a))  # noqa: E731
    f = inp
    add("view_strides", "view", {"shape": [6]}, [f([2, 3], layout="transposed")])
    add("view_two_infer", "view", {"shape": [-1, -1]}, [f([2, 3])])
    add("view_bad_size", "view", {"shape": [4]}, [f([2, 3])])
    add("view_negative", "view", {"shape": [-2, 3]}, [f([2, 3])])
    add("view_ambiguous", "view", {"shape": [0, -1]}, [f([0, 3])])
    add("reshape_bad", "reshape", {"shape": [4, -1]}, [f([2, 3])])
    add("flatten_order", "flatten", {"start": 1, "end": 0}, [f([2, 3])])
    add("squeeze_range", "squeeze_dim", {"dim": 3}, [f([2, 3])])
    add("unsqueeze_range", "unsqueeze", {"dim": -4}, [f([2, 3])])
    add("permute_len", "permute", {"dims": [0]}, [f([2, 3])])
    add("permute_dup", "permute", {"dims": [0, 0]}, [f([2, 3])])
    add("transpose_range", "transpose", {"dim0": 0, "dim1": 2}, [f([2, 3])])
    add("t_3d", "t", {}, [f([1, 2, 3])])
    add("expand_fewer", "expand", {"shape": [4]}, [f([3, 1])])
    add("expand_mismatch", "expand", {"shape": [4, 4]}, [f([3, 1])])
    add("expand_lead_infer", "expand", {"shape": [-1, 3, 4]}, [f([3, 1])])
    add("narrow_start", "narrow", {"dim": 1, "start": -4, "length": 1}, [f([2, 3])])
    add("narrow_length", "narrow", {"dim": 1, "start": 2, "length": 2}, [f([2, 3])])
    add("narrow_0dim", "narrow", {"dim": 0, "start": 0, "length": 1}, [f([])])
    add("select_range", "select", {"dim": -1, "index": 3}, [f([2, 3])])
    add("select_0dim", "select", {"dim": 0, "index": 0}, [f([])])
    add("cat_sizes", "cat", {"dim": 0}, [f([2, 3]), f([2, 4])])
    add("cat_sizes_dim1", "cat", {"dim": 1}, [f([2, 3]), f([1, 3]), f([2, 1])])
    add("cat_ndim", "cat", {"dim": 0}, [f([2, 3]), f([3])])
    add("cat_0dim", "cat", {"dim": 0}, [f([0]), f([2]), f([])])
    add("cat_dim", "cat", {"dim": 2}, [f([2, 3]), f([2, 3])])
    add("cat_none", "cat", {"dim": 0}, [])
    add("stack_sizes", "stack", {"dim": 0}, [f([2, 3]), f([2, 4])])
    add("stack_dim", "stack", {"dim": 3}, [f([2, 3]), f([2, 3])])
    add("stack_none", "stack", {"dim": 0}, [])
    add("split_zero", "split", {"size": 0, "dim": 0}, [f([2])])
    add("split_0dim", "split", {"size": 1, "dim": 0}, [f([])])
    add("split_sizes_sum", "split_with_sizes", {"sizes": [1, 1], "dim": 1}, [f([2, 3])])
    add("chunk_zero", "chunk", {"chunks": 0, "dim": 0}, [f([2])])
    add("chunk_0dim", "chunk", {"chunks": 2, "dim": 0}, [f([])])
    add("unbind_0dim", "unbind", {"dim": 0}, [f([])])
    add("unbind_dim", "unbind", {"dim": 2}, [f([2, 3])])
    add("index_select_dim1_oob", "index_select", {"dim": 1}, [f([2, 3]), idx([1, 3])])
    add("index_select_dim0_oob", "index_select", {"dim": 0}, [f([2, 3]), idx([-1])])
    add("index_select_1d_oob", "index_select", {"dim": 0}, [f([4]), idx([4])])
    add("index_select_empty_self", "index_select", {"dim": 0}, [f([0, 3]), idx([0])])
    add("index_select_empty_self_dim1", "index_select", {"dim": 1}, [f([0, 3]), idx([0, 5])])
    add("index_select_matrix", "index_select", {"dim": 0}, [f([2, 3]), idx([0, 1], shape=[1, 2])])
    add("index_select_scalar", "index_select", {"dim": 0}, [f([]), idx([0, 0])])
    add("index_select_dtype", "index_select", {"dim": 0}, [f([2, 3]), f([1], requires_grad=False)])
    add("gather_oob", "gather", {"dim": 1}, [f([2, 3]), idx([0, 3, 1, 1], shape=[2, 2])])
    add("gather_negative", "gather", {"dim": 0}, [f([2, 3]), idx([-1], shape=[1, 1])])
    add("gather_ndim", "gather", {"dim": 1}, [f([2, 3]), idx([0, 1])])
    add("gather_size", "gather", {"dim": 1}, [f([2, 3]), idx([0, 0, 0], shape=[3, 1])])
    add("gather_dtype", "gather", {"dim": 1}, [f([2, 3]), f([1, 1], requires_grad=False)])
    add("scatter_oob", "scatter", {"dim": 1}, [f([2, 3]), idx([0, 3], shape=[1, 2]), f([1, 2])])
    add("scatter_src_small", "scatter", {"dim": 1}, [f([2, 3]), idx([0, 1, 1, 1], shape=[2, 2]), f([2, 1])])
    add("scatter_self_ndim", "scatter", {"dim": 1}, [f([2, 3]), idx([0, 1]), f([2, 2])])
    add("scatter_src_ndim", "scatter", {"dim": 0}, [f([2, 3]), idx([0, 1, 1], shape=[1, 3]), f([2, 3, 1])])
    add("scatter_src_dtype", "scatter", {"dim": 1}, [f([2, 3]), idx([0], shape=[1, 1]), f([1, 1], dtype="float64")])
    add("scatter_index_dtype", "scatter", {"dim": 1}, [f([2, 3]), f([1, 1], requires_grad=False), f([1, 1])])
    add("scatter_value_size", "scatter_value", {"dim": 1, "value": 1.0}, [f([2, 3]), idx([0] * 9, shape=[3, 3])])
    add("scatter_value_oob", "scatter_value", {"dim": 0, "value": 1.0}, [f([2, 3]), idx([-1], shape=[1, 1])])
    add("scatter_add_oob", "scatter_add", {"dim": 0}, [f([3]), idx([5]), f([1])])
    add("scatter_add_dtype", "scatter_add", {"dim": 0}, [f([3]), idx([1]), f([1], dtype="float64")])
    add("scatter_inplace_oob", "scatter_", {"dim": 0}, [f([3]), idx([3]), f([1])])
    add("where_cond_dtype", "where", {"x": 1, "y": 2}, [f([2], dtype="int64"), f([2]), f([2])])
    add("where_shapes", "where", {"x": 1, "y": 2}, [mask([True, False, True]), f([3]), f([2])])
    add("masked_select_dtype", "masked_select", {}, [f([2]), f([2], dtype="int64")])
    add("masked_select_shapes", "masked_select", {}, [f([2, 3]), mask([True, False])])
    add("slice_step0", "slice", {"dim": 0, "start": 0, "end": 2, "step": 0}, [f([3])])
    add("slice_0dim", "slice", {"dim": 0, "start": 0, "end": 1, "step": 1}, [f([])])
    add("index_oob", "index", {"items": [S(), I(3)]}, [f([2, 3])])
    add("index_oob_newaxis", "index", {"items": [NONE, I(5)]}, [f([2, 3])])
    add("index_oob_neg", "index", {"items": [I(-3)]}, [f([2, 3])])
    add("index_oob_ellipsis", "index", {"items": [ELL, I(7), S()]}, [f([2, 3])])
    add("index_too_many", "index", {"items": [I(0), I(0), I(0)]}, [f([2, 3])])
    add("index_0dim_int", "index", {"items": [I(0)]}, [f([])])
    add("index_0dim_int5", "index", {"items": [I(5)]}, [f([])])
    add("index_0dim_slice", "index", {"items": [S()]}, [f([])])
    add("index_0dim_many", "index", {"items": [I(0), I(0)]}, [f([])])
    add("index_neg_step", "index", {"items": [S(None, None, -1)]}, [f([3])])
    add("unflatten_product", "unflatten", {"dim": -1, "sizes": [3, -1]}, [f([2, 3, 4])])
    add("unflatten_exact", "unflatten", {"dim": 2, "sizes": [3, 2]}, [f([2, 3, 4])])
    add("unflatten_empty_sizes", "unflatten", {"dim": 0, "sizes": []}, [f([2, 3])])
    add("unflatten_two_infer", "unflatten", {"dim": 0, "sizes": [-1, -1]}, [f([4])])
    add("unflatten_dim", "unflatten", {"dim": 3, "sizes": [2, 2]}, [f([2, 3, 4])])
    return e


def main():
    data = {"torch": torch.__version__, "cases": cases(), "errors": errors()}
    with open("tests/fixtures/shape_ops.json", "w") as fh:
        fh.write("{\n")
        fh.write(f'"torch": {json.dumps(data["torch"])},\n')
        for key in ("cases", "errors"):
            fh.write(f'"{key}": [\n' + ",\n".join(json.dumps(c) for c in data[key]) + "\n]")
            fh.write(",\n" if key == "cases" else "\n")
        fh.write("}\n")


if __name__ == "__main__":
    main()
