#!/usr/bin/env python3
"""Write tests/fixtures/range.json: torch.linspace / torch.arange results (bit
patterns) and error messages, for the tests in src/backend/cpu/range.rs.

Run by hand with a PyTorch 2.15 install (AVX2 CPU), from the repository root:
    python scripts/gen_range_fixtures.py

Float arguments are stored as repr() strings, which Rust's str::parse reads back
exactly (a JSON number might not round-trip through serde_json's default parser).
"""
import math

import torch

from gen_sum_fixtures import bits, digest, write_json

DTYPES = {"f32": torch.float32, "f64": torch.float64, "i64": torch.int64}


def out_of(t):
    if t.dtype == torch.int64:
        vals = [str(v) for v in t.tolist()]
        return {"bits": vals} if len(vals) <= 64 else digest_ints(vals)
    return digest(bits(t))


def digest_ints(vals):
    # Long integer outputs are checked by length, head and exact sum.
    return {"len": len(vals), "head": vals[:16], "sum": str(sum(int(v) for v in vals))}


def linspace_cases():
    args = [(-math.pi, math.pi, 2000), (-1.0, 1.0, 7), (0.0, 10.0, 5), (0.0, 10.0, 4),
            (-3.7, 12.1, 0), (-3.7, 12.1, 1), (-3.7, 12.1, 2), (-3.7, 12.1, 7), (-3.7, 12.1, 100),
            (5.0, -5.0, 7), (5.0, -5.0, 100), (1e-3, 7.5e3, 333), (-7.9, 13.2, 9), (-100.0, 100.0, 7),
            (1e15, 1e15 + 1000.0, 50), (0.0, 1.0, 100003), (-1e6, 3.3e5, 70001), (2.5, 2.5, 5),
            # int64 values where the FMA changes the truncated result
            (-942.0, 829.0, 56), (-220.0, 405.0, 16), (-127.0, 115.0, 56)]
    cases = []
    for start, end, steps in args:
        for name, dt in DTYPES.items():
            for nt in ([1, 2] if steps > 32768 else [1]):
                torch.set_num_threads(nt)
                t = torch.linspace(start, end, steps, dtype=dt)
                cases.append({"dtype": name, "start": repr(start), "end": repr(end), "steps": steps, "threads": nt,
                              "out": out_of(t)})
    torch.set_num_threads(1)
    return cases


def arange_cases():
    float_args = [(0.0, 2.0, 0.1), (-3.5, 40.2, 0.7), (0.0, 5.0, 1.0), (0.0, 10.0, 3.0), (10.0, -3.3, -0.3),
                  (0.0, 1.0, 0.1), (1.0, 1.0, 0.5), (-50.0, -50.0 + 100003 * 0.37, 0.37),
                  (1e8, 1e8 + 40000 * 1.1, 1.1), (0.0, 1000.0, 1.0 / 3.0)]
    cases = []
    for start, end, step in float_args:
        for name in ("f32", "f64"):
            n = math.ceil((end - start) / step)
            for nt in ([1, 2, 3] if n > 32768 else [1]):
                torch.set_num_threads(nt)
                t = torch.arange(start, end, step, dtype=DTYPES[name])
                cases.append({"dtype": name, "start": repr(start), "end": repr(end), "step": repr(step), "threads": nt,
                              "out": out_of(t)})
    for start, end, step in [(0, 5, 1), (0, 10, 3), (10, -3, -3), (-7, 7, 2), (5, 5, 1), (0, 100003, 7)]:
        t = torch.arange(start, end, step)
        assert t.dtype == torch.int64
        cases.append({"dtype": "i64", "start": repr(start), "end": repr(end), "step": repr(step), "threads": 1, "out": out_of(t)})
    torch.set_num_threads(1)
    return cases


def error_cases():
    calls = [
        ("arange", "f32", 0.0, 1.0, 0.0), ("arange", "f32", 0.0, math.inf, 1.0),
        ("arange", "f32", math.nan, 1.0, 0.5), ("arange", "f32", 1.5, -math.inf, -1.0),
        ("arange", "f32", 0.1, math.inf, 1.0), ("arange", "f32", 1e-7, math.inf, 1.0),
        ("arange", "f32", 123456789.0, math.inf, 1.0), ("arange", "f32", -0.0, math.inf, 1.0),
        ("arange", "f32", 0.0, -1.0, 1.0), ("arange", "f32", 0.0, 1.0, -0.5),
        ("arange", "f32", 0.0, 1e30, 1e-30), ("arange", "f32", 0.0, 1.0, math.nan),
        ("arange", "f32", 0.0, 1.0, math.inf), ("arange", "f64", 0.0, 1.0, -math.inf),
        ("arange", "f32", math.inf, 1.0, math.nan), ("arange", "f32", math.inf, 1.0, 0.0),
        ("arange", "f64", 0.0, 1.0, 1e-300),
        ("arange", "f64", 2.0, 1.0, 0.5),
        ("arange", "i64", 5, 10, -1), ("arange", "i64", 5, 10, 0), ("arange", "i64", 10, 5, 1),
        ("linspace", "f32", 0.0, 1.0, -1),
    ]
    cases = []
    for op, name, a, b, c in calls:
        try:
            if op == "arange":
                getattr(torch, op)(a, b, c, dtype=DTYPES[name])
            else:
                torch.linspace(a, b, c, dtype=DTYPES[name])
            msg = None
        except RuntimeError as e:
            msg = str(e).split("\n")[0]
        cases.append({"op": op, "dtype": name, "args": [repr(a), repr(b), repr(c)], "error": msg})
    return cases


def main():
    assert torch.backends.cpu.get_cpu_capability() == "AVX2", "fixtures are for the AVX2 kernels"
    data = {
        "torch": torch.__version__,
        "linspace": linspace_cases(),
        "arange": arange_cases(),
        "errors": error_cases(),
    }
    write_json("tests/fixtures/range.json", data)


if __name__ == "__main__":
    main()
