#!/usr/bin/env python3
"""Write tests/fixtures/distance.json: F.normalize, F.cosine_similarity and
F.pairwise_distance, recorded from real PyTorch, for tests/distance.rs.

Run by hand (never by CI) with PyTorch 2.15, from the repository root:

    ~/torchenv/bin/python scripts/gen_distance_fixtures.py

Each case holds the inputs (tests/common's tensor format), the arguments, the output, a
random grad_output and each input's gradient of (out * grad_output).sum().
"""

import os

import torch
import torch.nn.functional as F
from fixture_json import T, error_of, num, write_fixture

torch.set_num_threads(1)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "distance.json")
F32, F64 = torch.float32, torch.float64
CASES = []


def rnd(shape, dtype, seed, zero_row=False):
    t = torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=F64).to(dtype)
    if zero_row:
        t[0] = 0
    return t


def case(op, args, vs, seed):
    xs = [v.clone().requires_grad_(True) for v in vs]
    fn = {
        "normalize": lambda: F.normalize(xs[0], args["p"], args["dim"], args["eps"]),
        "cosine_similarity": lambda: F.cosine_similarity(xs[0], xs[1], args["dim"], args["eps"]),
        "pairwise_distance": lambda: F.pairwise_distance(xs[0], xs[1], args["p"], args["eps"], args["keepdim"]),
    }[op]
    out = fn()
    g = rnd(out.shape, out.dtype, 1000 + seed)
    grads = torch.autograd.grad((out * g).sum(), xs)
    CASES.append({"op": op, "args": {k: num(v) for k, v in args.items()}, "inputs": [T(v) for v in vs], "y": T(out), "grad_output": T(g),
                  "grads": [T(gx) for gx in grads], "name": f"{op} {args} {[list(v.shape) for v in vs]} {vs[0].dtype}"})


def build():
    s = 0
    for p, dim in ((2.0, 1), (1.0, 0), (float("inf"), -1), (3.0, 1)):
        for dt in (F32, F64):
            s += 1
            case("normalize", {"p": p, "dim": dim, "eps": 1e-12}, [rnd((3, 4), dt, s, zero_row=True)], s)
    case("normalize", {"p": 2.0, "dim": 1, "eps": 0.5}, [rnd((2, 3, 2), F32, 20) * 0.1], 20)
    for dim, shapes in ((1, ((3, 4), (3, 4))), (-1, ((2, 3, 4), (4,))), (0, ((5, 2), (5, 1)))):
        for dt in (F32, F64):
            s += 1
            case("cosine_similarity", {"dim": dim, "eps": 1e-8}, [rnd(shapes[0], dt, s), rnd(shapes[1], dt, s + 50)], s)
    case("cosine_similarity", {"dim": 1, "eps": 1e-8}, [rnd((3, 4), F32, 60, zero_row=True), rnd((3, 4), F32, 61)], 60)
    case("cosine_similarity", {"dim": 1, "eps": 0.5}, [rnd((3, 4), F64, 62) * 0.1, rnd((3, 4), F64, 63)], 62)
    for p, keepdim, shapes in ((2.0, False, ((3, 4), (3, 4))), (1.0, True, ((3, 4), (4,))), (3.0, False, ((2, 3, 4), (3, 4))),
                               (float("inf"), False, ((3, 4), (3, 4)))):
        for dt in (F32, F64):
            s += 1
            case("pairwise_distance", {"p": p, "eps": 1e-6, "keepdim": keepdim},
                 [rnd(shapes[0], dt, s), rnd(shapes[1], dt, s + 50)], s)


def main():
    build()
    a = torch.tensor([1, 2])
    errors = {"cosine_int": error_of(lambda: F.cosine_similarity(a, a, 0))}
    write_fixture(OUT, {"torch_version": torch.__version__, "cases": CASES, "errors": errors}, f", {len(CASES)} cases")


if __name__ == "__main__":
    main()
