#!/usr/bin/env python3
"""Write tests/fixtures/binary_math.json: atan2, hypot and logaddexp, recorded from real
PyTorch, for tests/binary_math.rs.

Run by hand (never by CI) with PyTorch 2.15, from the repository root:

    ~/torchenv/bin/python scripts/gen_binary_math_fixtures.py

The case format is that of scripts/gen_rounding_fixtures.py (whose helpers it uses): the two
tensor operands, the output, the grad_fn name, a random grad_output and the gradients of
(out * grad_output).sum(). "errors" maps a case name to PyTorch's message.
"""

import math
import os

import torch
from fixture_json import error_of, write_fixture
from gen_rounding_fixtures import F32, F64, I64, make, operand, record, values

torch.set_num_threads(1)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "binary_math.json")
OPS = {"atan2": torch.atan2, "hypot": torch.hypot, "logaddexp": torch.logaddexp}
SPECIAL_A = [0.0, -0.0, 0.0, -0.0, 1.0, -1.0, math.inf, -math.inf, math.inf, math.nan, 1e30, 1e-30, 3.0, -80.0, 90.0, -math.inf]
SPECIAL_B = [0.0, 0.0, -0.0, -0.0, -1.0, -1.0, math.inf, -math.inf, -math.inf, 1.0, 1e30, 1e-30, 4.0, -79.0, 89.5, math.inf]


def specs(dtype):
    return [
        ("contiguous", values((3, 4), dtype, 1), None, values((3, 4), dtype, 2), None),
        ("transposed", values((4, 3), dtype, 3), "transposed", values((4, 3), dtype, 4), None),
        ("broadcast", values((3, 1), dtype, 5), None, values((4,), dtype, 6), None),
        ("empty", values((0, 4), dtype, 7), None, values((1, 4), dtype, 8), None),
        ("special", torch.tensor(SPECIAL_A, dtype=dtype), None, torch.tensor(SPECIAL_B, dtype=dtype), None),
    ]


def cases():
    out, seed = [], 0
    for op, fn in OPS.items():
        for dtype in (F32, F64):
            for name, a, al, b, bl in specs(dtype):
                seed += 1
                x, y = make(a, al), make(b, bl)
                out.append(record(f"{op}_{str(dtype)[6:]}_{name}", op, fn(x, y), [x, y], seed,
                                  {"a": operand(a, al), "b": operand(b, bl)}))
        seed += 1
        a, b = values((2, 3), F32, 9), values((3,), F64, 10)
        x, y = make(a, None), make(b, None)
        out.append(record(f"{op}_f32_x_f64", op, fn(x, y), [x, y], seed, {"a": operand(a, None), "b": operand(b, None)}))
    ia, ib = values((2, 3), I64, 11), values((2, 3), I64, 12)
    out.append(record("atan2_int64", "atan2", torch.atan2(ia, ib), [ia, ib], 0, {"a": operand(ia, None), "b": operand(ib, None)}))
    return out


def errors():
    i = torch.tensor([3, 4])
    b = torch.tensor([True])
    return {
        "hypot_int": error_of(lambda: torch.hypot(i, i)),
        "logaddexp_int": error_of(lambda: torch.logaddexp(i, i)),
        "logaddexp_bool": error_of(lambda: torch.logaddexp(b, b)),
        "atan2_shapes": error_of(lambda: torch.atan2(torch.ones(3), torch.ones(2))),
    }


def main():
    fixture = {"torch_version": torch.__version__, "cases": cases(), "errors": errors()}
    write_fixture(OUT, fixture, f", {len(fixture['cases'])} cases")


if __name__ == "__main__":
    main()
