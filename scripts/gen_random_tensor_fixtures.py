#!/usr/bin/env python3
"""Write tests/fixtures/random_tensor.json: tensor-level random streams recorded from PyTorch.

Run by hand (never by CI) with PyTorch 2.15 on an x86-64 AVX2 machine, from the repository root:

    ~/torchenv/bin/python scripts/gen_random_tensor_fixtures.py

Every case runs right after `torch.manual_seed(seed)`. Float results are bit patterns: one string
of big-endian hex digits per value (8 per float32, 16 per float64) in logical (row-major) order.
Results longer than 64 values are stored as their first 16 values plus the 64-bit FNV-1a hash of
the whole hex string, to keep the file small. Integer results are JSON lists.
"""

import json
import os
import struct

import torch

torch.set_num_threads(1)
SEEDS = [0, 1, 42]
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "random_tensor.json")
f32, f64 = torch.float32, torch.float64


def fnv1a64(s):
    h = 0xCBF29CE484222325
    for b in s.encode():
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def bits(t):
    t = t.detach().contiguous().flatten()
    if t.dtype == f32:
        vals = ["%08x" % struct.unpack("<I", struct.pack("<f", v))[0] for v in t.tolist()]
    elif t.dtype == f64:
        vals = ["%016x" % struct.unpack("<Q", struct.pack("<d", v))[0] for v in t.tolist()]
    else:
        return {"shape": list(t.shape), "ints": [int(v) for v in t.tolist()]}
    out = {"dtype": str(t.dtype).replace("torch.", ""), "n": len(vals)}
    if len(vals) > 64:
        out["head"] = "".join(vals[:16])
        out["fnv"] = fnv1a64("".join(vals))
    else:
        out["hex"] = "".join(vals)
    return out


def shaped(t):
    d = bits(t)
    d["shape"] = list(t.shape)
    return d


def cases(seed):
    c = {}

    def rec(name, fn):
        torch.manual_seed(seed)
        c[name] = shaped(fn())

    for n in ((), (5,), (16,), (17,), (2000,)):
        tag = "x".join(map(str, n)) or "0d"
        rec(f"rand_{tag}", lambda n=n: torch.rand(n))
        rec(f"randn_{tag}", lambda n=n: torch.randn(n))
        rec(f"randn_f64_{tag}", lambda n=n: torch.randn(n, dtype=f64))
    rec("rand_f64_5", lambda: torch.rand(5, dtype=f64))
    rec("rand_f64_17", lambda: torch.rand(17, dtype=f64))
    rec("rand_3x4", lambda: torch.rand(3, 4))
    rec("randn_4x5", lambda: torch.randn(4, 5))
    # The Box-Muller cache: a second 0-dim draw uses the cached r·sin(θ) (pytorch-semantics.md §6.5.1).
    rec("randn_0d_twice", lambda: torch.stack([torch.randn(()), torch.randn(())]))
    # ... and survives a vector-path fill in between.
    rec("randn_1_16_1", lambda: torch.cat([torch.randn(1), torch.randn(16), torch.randn(1)]))
    rec("randn_f32_then_f64_0d", lambda: torch.stack([torch.randn(()).double(), torch.randn((), dtype=f64)]))
    rec("normal_2_0.5_17", lambda: torch.normal(2.0, 0.5, (17,)))
    rec("normal_m1.3_0.37_5", lambda: torch.normal(-1.3, 0.37, (5,)))
    rec("uniform_m2.5_3.7_17", lambda: torch.empty(17).uniform_(-2.5, 3.7))
    rec("uniform_f64_m2.5_3.7_17", lambda: torch.empty(17, dtype=f64).uniform_(-2.5, 3.7))
    rec("normal_0.5_2_17", lambda: torch.empty(17).normal_(0.5, 2.0))
    rec("normal_0.5_2_5", lambda: torch.empty(5).normal_(0.5, 2.0))
    rec("normal_f64_0.5_2_33", lambda: torch.empty(33, dtype=f64).normal_(0.5, 2.0))
    # Non-contiguous tensors are filled in storage order; values recorded in logical order.
    rec("uniform_transposed_4x6", lambda: torch.empty(4, 6).t().uniform_())
    rec("normal_transposed_4x6", lambda: torch.empty(4, 6).t().normal_())
    rec("normal_f64_transposed_5x4", lambda: torch.empty(5, 4, dtype=f64).t().normal_())
    rec("uniform_strided_rows", lambda: torch.empty(6, 8)[:, ::2].uniform_())
    rec("uniform_strided_transposed", lambda: torch.empty(8, 6)[::2].t().uniform_())
    rec("normal_strided_transposed", lambda: torch.empty(8, 6)[::2].t().normal_())
    # Integers.
    rec("randint_0_10_8", lambda: torch.randint(0, 10, (8,)))
    rec("randint_m5_5_17", lambda: torch.randint(-5, 5, (17,)))
    rec("randint_0_2p30_5", lambda: torch.randint(0, 2**30, (5,)))
    rec("randint_3_2000_2x3", lambda: torch.randint(3, 2000, (2, 3)))
    rec("randperm_10", lambda: torch.randperm(10))
    rec("randperm_100", lambda: torch.randperm(100))
    rec("randperm_0", lambda: torch.randperm(0))
    # A private generator gives the same stream as the global one.
    c["randn_generator_5"] = shaped(torch.randn(5, generator=torch.Generator().manual_seed(seed)))
    return c


def errors():
    out = {}

    def catch(name, fn):
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - the message is the expected value
            out[name] = str(e)
            return
        raise AssertionError(name)

    catch("uniform_from_gt_to", lambda: torch.zeros(3).uniform_(1.5, 0.25))
    catch("normal_negative_std", lambda: torch.zeros(3).normal_(0.0, -0.5))
    catch("random_from_ge_to", lambda: torch.zeros(2, dtype=torch.long).random_(3, 3))
    catch("uniform_long", lambda: torch.zeros(2, dtype=torch.long).uniform_())
    catch("normal_bool", lambda: torch.zeros(2, dtype=torch.bool).normal_())
    catch("bernoulli_p", lambda: torch.zeros(2).bernoulli_(1.5))
    return out


def main():
    fx = {"torch_version": torch.__version__, "cpu_capability": torch.backends.cpu.get_cpu_capability(),
          "seeds": {str(s): cases(s) for s in SEEDS}, "errors": errors()}
    with open(OUT, "w") as f:
        f.write("{\n")
        f.write(' "torch_version": %s,\n "cpu_capability": %s,\n "errors": %s,\n "seeds": {\n' % (
            json.dumps(fx["torch_version"]), json.dumps(fx["cpu_capability"]), json.dumps(fx["errors"])))
        seeds = list(fx["seeds"].items())
        for i, (s, cs) in enumerate(seeds):
            f.write('  %s: {\n' % json.dumps(s))
            items = sorted(cs.items())
            for j, (k, v) in enumerate(items):
                f.write('   %s: %s%s\n' % (json.dumps(k), json.dumps(v, separators=(",", ":")),
                                           "," if j + 1 < len(items) else ""))
            f.write('  }%s\n' % ("," if i + 1 < len(seeds) else ""))
        f.write(" }\n}\n")
    json.load(open(OUT))
    print(f"wrote {OUT}: {os.path.getsize(OUT)} bytes")


if __name__ == "__main__":
    main()
