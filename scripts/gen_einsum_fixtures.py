#!/usr/bin/env python3
"""Write tests/fixtures/einsum.json: torch.einsum on many equations (products, sums,
diagonals, ellipsis broadcasting, implicit outputs, three operands), recorded from real
PyTorch, for tests/einsum.rs.

Run by hand (never by CI) with PyTorch 2.15, from the repository root:

    ~/torchenv/bin/python scripts/gen_einsum_fixtures.py

Each case holds the equation, the operands (tests/common's tensor format, with the layout
the Rust test builds), the output, a random grad_output and each operand's gradient of
(out * grad_output).sum(). "errors" maps an equation to PyTorch's message. PyTorch here has
no opt_einsum, so it contracts left to right, as torchlight does.
"""

import os

import torch
from fixture_json import T, error_of, write_fixture

torch.set_num_threads(1)
assert not torch.backends.opt_einsum.is_available()

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "einsum.json")
F32, F64, I64 = torch.float32, torch.float64, torch.int64
CASES = []


def rnd(shape, dtype, seed):
    g = torch.Generator().manual_seed(seed)
    if dtype == I64:
        return torch.randint(-5, 6, shape, generator=g)
    return torch.randn(shape, generator=g, dtype=F64).to(dtype)


def make(v, layout):
    x = v.clone()
    if layout == "transposed":
        x = x.transpose(-2, -1).contiguous().transpose(-2, -1)
    return x.requires_grad_(x.dtype.is_floating_point)


def case(eq, shapes, dtype=F32, layouts=None, seed=0):
    layouts = layouts or [None] * len(shapes)
    vs = [rnd(s, dtype, seed * 10 + i) for i, s in enumerate(shapes)]
    xs = [make(v, l) for v, l in zip(vs, layouts)]
    out = torch.einsum(eq, *xs)
    c = {"equation": eq, "operands": [T(v, layout=l or "contiguous", requires_grad=x.requires_grad)
                                      for v, l, x in zip(vs, layouts, xs)], "y": T(out)}
    if out.requires_grad:
        g = rnd(out.shape, dtype, 1000 + seed)
        c["grad_output"] = T(g)
        c["grads"] = [T(gx) for gx in torch.autograd.grad((out * g).sum(), xs)]
    c["name"] = f"{eq!r} {[list(s) for s in shapes]} {dtype} {layouts}"
    CASES.append(c)


def build():
    s = 0
    table = [
        ("ij,jk->ik", [(3, 4), (4, 5)]),
        ("ij,jk", [(3, 4), (4, 2)]),
        ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
        ("i,i->", [(6,), (6,)]),
        ("i,i", [(6,), (6,)]),
        ("i,j->ij", [(3,), (4,)]),
        ("ii->i", [(4, 4)]),
        ("ii", [(4, 4)]),
        ("ij->ji", [(3, 4)]),
        ("ij->", [(3, 4)]),
        ("ij->j", [(3, 4)]),
        ("ji", [(3, 4)]),
        ("...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]),
        ("bhqd,bhkd->bhqk", [(2, 3, 4, 5), (2, 3, 6, 5)]),
        ("i,i,i->", [(5,), (5,), (5,)]),
        ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
        ("iij->j", [(3, 3, 4)]),
        ("bii->bi", [(2, 3, 3)]),
        ("iji->ij", [(3, 2, 3)]),
        ("ijk,ikl->ijl", [(2, 3, 4), (2, 4, 5)]),
        ("Ab,bA->A", [(3, 4), (4, 3)]),
        ("a...,a...->...", [(3, 2, 4), (3, 2, 4)]),
        (" i j , j k -> i k ", [(2, 3), (3, 2)]),
        ("ij,kl->ijkl", [(2, 3), (2, 2)]),
        ("ij,ij->ij", [(3, 4), (3, 4)]),
        ("ij,ij->ij", [(3, 1), (3, 4)]),
        ("ij,jk->ik", [(0, 3), (3, 2)]),
        ("ij,jk->ik", [(2, 0), (0, 3)]),
        ("bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)]),
        ("ijk->kji", [(2, 3, 4)]),
        ("...->...", [(2, 3)]),
        ("...i->...", [(2, 3, 4)]),
        ("i...->i", [(2, 3, 4)]),
        ("ij,j->i", [(3, 4), (4,)]),
        ("i,->i", [(3,), ()]),
        ("ab,cd,ef->", [(2, 2), (2, 3), (1, 2)]),
        ("ijkl,jl->ik", [(2, 3, 4, 5), (3, 5)]),
        ("bqk,bkd->bqd", [(1, 3, 4), (2, 4, 5)]),
    ]
    for eq, shapes in table:
        s += 1
        case(eq, shapes, seed=s)
    case("ij,jk->ik", [(3, 4), (4, 5)], F64, ["transposed", "transposed"], seed=50)
    case("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)], F64, [None, "transposed"], seed=51)
    case("ii->i", [(3, 3)], F32, ["transposed"], seed=52)
    case("ij,jk->ik", [(3, 4), (4, 2)], I64, seed=53)
    case("i,i->", [(5,), (5,)], I64, seed=54)


def errors():
    o = torch.ones
    table = {
        "ijk": [o(2, 3)],
        "ij,jk": [o(2, 3)],
        "ij": [o(2, 3), o(3)],
        "i1": [o(2, 3)],
        "ij->ii": [o(2, 3)],
        "ij->k": [o(2, 3)],
        "ii": [o(2, 3)],
        "ij,ij->": [o(2, 3), o(2, 4)],
        "...ij": [o(2)],
        "i.j": [o(2, 3)],
        "......": [o(2)],
        "i->i.": [o(2)],
        "i,j.": [o(2), o(2)],
        "i->i1": [o(2)],
        "...i,...i": [o(2, 3), o(4, 3)],
        "i,i": [o(2), o(2, dtype=torch.float64)],
        "i->i": [],
    }
    return {eq: error_of(lambda eq=eq, ops=ops: torch.einsum(eq, *ops)) for eq, ops in table.items()}


def main():
    build()
    fixture = {"torch_version": torch.__version__, "cases": CASES, "errors": errors()}
    write_fixture(OUT, fixture, f", {len(CASES)} cases")


if __name__ == "__main__":
    main()
