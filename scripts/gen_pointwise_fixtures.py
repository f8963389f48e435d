#!/usr/bin/env python3
"""Write tests/fixtures/pointwise.json: addcmul, addcdiv, lerp (scalar weight) and sqrt_ from
real PyTorch, for tests/pointwise.rs.

Run by hand (never by CI) with PyTorch 2.15 on an x86-64 AVX2 machine, from the repository root:

    ~/torchenv/bin/python scripts/gen_pointwise_fixtures.py

Each case holds the op's inputs (tensors in tests/common's format, with the layout the Rust test
builds: contiguous, transposed or expanded, and requires_grad), its scalar argument, the output,
a random grad_output and the input gradients of (out * grad_output).sum(). "inplace" cases hold
the result of the in-place form. "errors" maps a case name to PyTorch's message.
"""

import json
import os

import torch

torch.manual_seed(0)
torch.set_num_threads(1)

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def tensor_json(t, layout=None, requires_grad=False, expand_from=None):
    t = t.detach()
    out = {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "data": t.flatten().tolist()}
    if layout:
        out["layout"] = layout
    if expand_from is not None:
        out["expand_from"] = list(expand_from)
    if requires_grad:
        out["requires_grad"] = True
    return out


def rand(shape, dtype=torch.float32, positive=False):
    t = torch.randn(shape, dtype=torch.float64)
    if positive:
        t = t.abs() + 0.5
    if dtype == torch.float64:
        # On a 2^-12 grid, a double's shortest decimal parses back exactly even with
        # serde_json's default (not correctly rounded) parser.
        t = torch.round(t * 4096) / 4096
    return t.to(dtype)


# Input specs: (shape, layout, expand_from). Transposed inputs hold their logical values; the
# Rust side builds the non-contiguous view.
def inputs_for(kind, dtype):
    if kind == "contiguous":
        return [((3, 4), None, None)] * 3
    if kind == "transposed":
        return [((4, 3), "transposed", None)] * 3
    if kind == "broadcast":
        return [((3, 4), None, None), ((4,), None, None), ((3, 1), None, None)]
    if kind == "expanded":
        return [((3, 4), None, None), ((3, 4), "expanded", (1, 4)), ((3, 4), "expanded", (3, 1))]
    if kind == "empty":
        return [((0, 4), None, None)] * 3
    raise ValueError(kind)


def make_inputs(op, kind, dtype, n):
    specs = inputs_for(kind, dtype)[:n]
    ts, js = [], []
    for i, (shape, layout, expand_from) in enumerate(specs):
        base_shape = expand_from if expand_from is not None else shape
        positive = op == "addcdiv" and i == 2  # keep divisors away from zero
        if expand_from:
            # tests/common rebuilds an expanded input as sum / count: values on a 2^-10 grid keep
            # that exact.
            t = (torch.round(rand(base_shape, dtype, positive) * 1024) / 1024).expand(shape).contiguous()
        else:
            t = rand(shape, dtype, positive)
        t.requires_grad_(dtype.is_floating_point)
        ts.append(t)
        js.append(tensor_json(t, layout, dtype.is_floating_point, expand_from))
    return ts, js


def run(op, ts, arg):
    if op == "addcmul":
        return ts[0].addcmul(ts[1], ts[2], value=arg)
    if op == "addcdiv":
        return ts[0].addcdiv(ts[1], ts[2], value=arg)
    return ts[0].lerp(ts[1], arg)


def forward_cases():
    cases = []
    for op, args in (("addcmul", [0.5, -1.5]), ("addcdiv", [1.0, -0.3]), ("lerp", [0.3, 0.5, 0.7, -0.2, 1.7])):
        n = 2 if op == "lerp" else 3
        for kind in ("contiguous", "transposed", "broadcast", "expanded", "empty"):
            if op == "lerp" and kind == "broadcast":
                continue
            for dtype in (torch.float32, torch.float64):
                for arg in args:
                    ts, js = make_inputs(op, kind, dtype, n)
                    out = run(op, ts, arg)
                    go = rand(out.shape, dtype)
                    grads = torch.autograd.grad((out * go).sum(), ts, allow_unused=True) if out.numel() else \
                        [torch.zeros_like(t) for t in ts]
                    cases.append({"op": op, "kind": kind, "arg": arg, "inputs": js, "out": tensor_json(out),
                                  "grad_output": tensor_json(go), "grads": [tensor_json(g) for g in grads]})
    return cases


def inplace_cases():
    """In-place forms, including promotion (f32 self with f64 operands) and integer self."""
    cases = []
    specs = [
        ("addcmul_", torch.float32, torch.float32, 0.5),
        ("addcmul_", torch.float32, torch.float64, -2.0),
        ("addcmul_", torch.int64, torch.int64, 3),
        ("addcdiv_", torch.float32, torch.float32, -0.7),
        ("addcdiv_", torch.float64, torch.float32, 0.25),
        ("lerp_", torch.float32, torch.float32, 0.1),
        ("lerp_", torch.float64, torch.float64, 0.9),
        ("sqrt_", torch.float64, torch.float64, None),
    ]
    for op, self_dtype, other_dtype, arg in specs:
        if self_dtype == torch.int64:
            s = torch.randint(-5, 5, (3, 4))
            a, b = torch.randint(-5, 5, (3, 4)), torch.randint(-5, 5, (4,))
        else:
            s = rand((3, 4), self_dtype, positive=op == "sqrt_")
            a, b = rand((3, 4), other_dtype), rand((4,), other_dtype, positive=True)
        r = s.clone()
        if op == "lerp_":
            r.lerp_(a, arg)
        elif op == "sqrt_":
            r.sqrt_()
        else:
            getattr(r, op)(a, b, value=arg)
        cases.append({"op": op, "arg": arg, "self": tensor_json(s), "t1": tensor_json(a), "t2": tensor_json(b),
                      "out": tensor_json(r)})
    # Integer addcmul with a float value: the value is truncated to the tensor's type.
    s, a = torch.randint(-5, 5, (5,)), torch.randint(-5, 5, (5,))
    cases.append({"op": "addcmul", "arg": 2.7, "self": tensor_json(s), "t1": tensor_json(a), "t2": tensor_json(a),
                  "out": tensor_json(s.addcmul(a, a, value=2.7))})
    # Integer self, float operands: the result is float.
    f = rand((5,))
    cases.append({"op": "addcmul", "arg": 1.5, "self": tensor_json(s), "t1": tensor_json(f), "t2": tensor_json(f),
                  "out": tensor_json(s.addcmul(f, f, value=1.5))})
    return cases


def message(f):
    try:
        f()
    except (RuntimeError, NotImplementedError) as e:
        return str(e)
    raise AssertionError("no error")


def errors():
    f, d, i = torch.ones(3), torch.ones(3, dtype=torch.float64), torch.ones(3, dtype=torch.long)
    return {
        "addcdiv_int": message(lambda: torch.addcdiv(i, i, i)),
        "addcmul_broadcast": message(lambda: f.addcmul(torch.ones(2), f)),
        "addcmul_inplace_shape": message(lambda: f.clone().addcmul_(torch.ones(2, 3), f)),
        "addcdiv_inplace_shape": message(lambda: f.clone().addcdiv_(torch.ones(2, 3), f)),
        "addcmul_inplace_cast": message(lambda: i.clone().addcmul_(f, f)),
        "lerp_dtype_float_double": message(lambda: f.lerp(d, 0.5)),
        "lerp_dtype_double_float": message(lambda: d.lerp(f, 0.5)),
        "lerp_dtype_float_long": message(lambda: f.lerp(i, 0.5)),
        "lerp_long": message(lambda: i.lerp(i, 0.5)),
        "lerp_inplace_shape": message(lambda: f.clone().lerp_(torch.ones(2, 3), 0.5)),
        "sqrt_long": message(lambda: i.clone().sqrt_()),
        "leaf_inplace": message(lambda: torch.ones(3, requires_grad=True).addcmul_(f, f)),
    }


def main():
    out = {"forward": forward_cases(), "inplace": inplace_cases(), "errors": errors()}
    path = os.path.join(ROOT, "tests", "fixtures", "pointwise.json")
    with open(path, "w") as fh:
        json.dump(out, fh, separators=(",", ":"))
        fh.write("\n")
    print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
