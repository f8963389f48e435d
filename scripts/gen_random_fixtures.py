#!/usr/bin/env python3
"""Write tests/fixtures/random.json: CPU random streams recorded from real PyTorch.

Run by hand (never by CI) with a PyTorch 2.15 on an x86-64 AVX2 machine:

    ~/torchenv/bin/python scripts/gen_random_fixtures.py

The unit tests in src/random/ compare torchlight's generator against these values bit for bit.
Float arrays are stored as one string of concatenated big-endian hex bit patterns (8 hex digits per
f32, 16 per f64) to keep the file small; integer results are plain JSON lists.

Every case starts right after `torch.manual_seed(seed)` unless its name says otherwise.
"""

import json
import os
import struct
import warnings

import torch
import torch.nn.functional as F

# The float randint cases below deliberately go past 2**24; torch warns about that.
warnings.filterwarnings("ignore", message=".*out of bounds.*")

SEEDS = [0, 1, 42]
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "random.json")


def hex_bits(t):
    """Concatenated hex bit patterns of a float tensor, in storage (here: row-major) order."""
    t = t.detach().contiguous().flatten()
    if t.dtype == torch.float32:
        return "".join("%08x" % struct.unpack("<I", struct.pack("<f", v))[0] for v in t.tolist())
    if t.dtype == torch.float64:
        return "".join("%016x" % struct.unpack("<Q", struct.pack("<d", v))[0] for v in t.tolist())
    raise TypeError(t.dtype)


def state_hex(state):
    return bytes(state.tolist()).hex()


def to_json_lines(obj, depth=0):
    """JSON with one line per leaf entry (compact lists), so diffs of the fixture stay readable."""
    if not isinstance(obj, dict):
        return json.dumps(obj, separators=(",", ":"))
    pad = " " * (depth + 1)
    items = [pad + json.dumps(k) + ":" + to_json_lines(v, depth + 1) for k, v in sorted(obj.items())]
    return "{\n" + ",\n".join(items) + "\n" + " " * depth + "}" + ("\n" if depth == 0 else "")


def seeded(seed):
    torch.manual_seed(seed)


def per_seed(seed):
    c = {}

    def f(name, fn):
        seeded(seed)
        c[name] = hex_bits(fn())

    def ints(name, fn):
        seeded(seed)
        c[name] = [int(v) for v in fn().flatten().tolist()]

    f32, f64 = torch.float32, torch.float64

    # uniform
    f("rand_f32_17", lambda: torch.rand(17))
    f("rand_f64_17", lambda: torch.rand(17, dtype=f64))
    f("uniform_f32_m2.5_3.7_17", lambda: torch.empty(17).uniform_(-2.5, 3.7))
    f("uniform_f64_m2.5_3.7_17", lambda: torch.empty(17, dtype=f64).uniform_(-2.5, 3.7))

    # normal, both paths
    f("randn_f32_0d", lambda: torch.randn(()))
    f("randn_f32_0d_twice", lambda: torch.stack([torch.randn(()), torch.randn(())]))
    for n in (5, 16, 17, 100, 2000):
        f("randn_f32_%d" % n, lambda n=n: torch.randn(n))
    f("randn_f64_0d", lambda: torch.randn((), dtype=f64))
    for n in (5, 16, 17, 100):
        f("randn_f64_%d" % n, lambda n=n: torch.randn(n, dtype=f64))

    # non-contiguous 4x5 (transpose of a contiguous 5x4), recorded in storage order
    def transposed(dtype):
        t = torch.empty(5, 4, dtype=dtype).t()
        t.normal_()
        return t.t().contiguous()

    f("randn_f32_t4x5_storage", lambda: transposed(f32))
    f("randn_f64_t4x5_storage", lambda: transposed(f64))

    # the scalar path's cached second sample survives a fill-path call
    f("randn_f32_cache_1_16_1", lambda: torch.cat([torch.randn(1), torch.randn(16), torch.randn(1)]))
    # ... and is shared between float32 and float64 requests
    seeded(seed)
    c["randn_mixed_first_f32"] = hex_bits(torch.randn(1))
    c["randn_mixed_second_f64"] = hex_bits(torch.randn(1, dtype=f64))

    for n in (5, 17):
        f("normal_f32_m1.3_s0.37_%d" % n, lambda n=n: torch.empty(n).normal_(-1.3, 0.37))
        f("normal_f64_m1.3_s0.37_%d" % n, lambda n=n: torch.empty(n, dtype=f64).normal_(-1.3, 0.37))

    # integers
    ints("randint_0_10_8", lambda: torch.randint(0, 10, (8,)))
    ints("randint_m5_5_6", lambda: torch.randint(-5, 5, (6,)))
    ints("randint_m2p40_2p40_6", lambda: torch.randint(-(2**40), 2**40, (6,)))
    ints("randint_0_2p28_4", lambda: torch.randint(0, 2**28, (4,)))
    ints("randint_0_2p28m1_4", lambda: torch.randint(0, 2**28 - 1, (4,)))
    ints("randint_f32_0_10_8", lambda: torch.randint(0, 10, (8,), dtype=f32))
    ints("randint_f64_m2p40_2p40_4", lambda: torch.randint(-(2**40), 2**40, (4,), dtype=f64))
    # update_to moves `to` down to 2**25 for float32: 2**25 + 3 rounds up to 2**25 + 4 == to
    ints("randint_f32_0_2p25p4_6", lambda: torch.randint(0, 2**25 + 4, (6,), dtype=f32))
    # update_from moves `from` up to 2**25 + 4 for float32
    ints("randint_f32_2p25p1_2p26_6", lambda: torch.randint(2**25 + 1, 2**26, (6,), dtype=f32))
    # random_() without bounds, and random_(from=-2**63) over the full 64-bit range
    ints("random_default_i64_5", lambda: torch.empty(5, dtype=torch.int64).random_())
    ints("random_default_i32_5", lambda: torch.empty(5, dtype=torch.int32).random_())
    ints("random_default_u8_5", lambda: torch.empty(5, dtype=torch.uint8).random_())
    ints("random_default_bool_8", lambda: torch.empty(8, dtype=torch.bool).random_())
    ints("random_default_f32_5", lambda: torch.empty(5).random_())
    ints("random_default_f64_5", lambda: torch.empty(5, dtype=f64).random_())
    ints("random_full_range_i64_5", lambda: torch.empty(5, dtype=torch.int64).random_(-(2**63), None))
    ints("randperm_10", lambda: torch.randperm(10))
    ints("randperm_1000", lambda: torch.randperm(1000))

    # bernoulli / dropout (non-MKL path: AMD CPU or a build without MKL)
    f("dropout_ones10_p0.5", lambda: F.dropout(torch.ones(10), 0.5))
    f("bernoulli_f32_p0.3_12", lambda: torch.empty(12).bernoulli_(0.3))
    f("bernoulli_f64_p0.3_12", lambda: torch.empty(12, dtype=f64).bernoulli_(0.3))
    probs32 = torch.linspace(0, 1, 20)
    probs64 = torch.linspace(0, 1, 20, dtype=f64)
    c["bernoulli_probs_f32"] = hex_bits(probs32)
    c["bernoulli_probs_f64"] = hex_bits(probs64)
    f("bernoulli_tensor_f32", lambda: torch.bernoulli(probs32))
    f("bernoulli_tensor_f64", lambda: torch.bernoulli(probs64))

    # state after a few draws: randn(5) leaves a cached normal, rand(3) moves the engine on
    seeded(seed)
    torch.randn(5)
    torch.rand(3)
    st = torch.get_rng_state()
    c["state_after_randn5_rand3"] = state_hex(st)
    c["randn_f32_4_after_that_state"] = hex_bits(torch.randn(4))
    return c


def main():
    fixture = {
        "torch_version": torch.__version__,
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "seeds": {str(s): per_seed(s) for s in SEEDS},
    }
    g = fixture["global"] = {}

    seeded(42)
    g["state_after_seed_42"] = state_hex(torch.get_rng_state())

    # A fresh torch.Generator() is seeded with 67280421310721.
    gen = torch.Generator()
    g["fresh_generator_initial_seed"] = gen.initial_seed()
    g["fresh_generator_rand_f32_5"] = hex_bits(torch.rand(5, generator=gen))

    # Negative seeds are reinterpreted as two's complement; only the low 32 bits seed the engine.
    for name, s in (("seed_m1", -1), ("seed_2p40p7", 2**40 + 7), ("seed_7", 7)):
        torch.manual_seed(s)
        g[name + "_initial_seed"] = torch.initial_seed()
        g[name + "_rand_f32_3"] = hex_bits(torch.rand(3))

    # uniform_ clamps a value that rounds up to `to` back to `from`. After manual_seed(42) the
    # draw with index 26732104 has all 24 low bits set, so uniform_(1, 2) rounds it to 2.0.
    seeded(42)
    r = torch.rand(2**25)
    skip = int((r == 1 - 2**-24).nonzero()[0])
    seeded(42)
    torch.rand(skip)  # one u32 draw per float32 element
    g["uniform_clamp_seed42_skip_u32"] = skip
    g["uniform_clamp_f32_1_2_3"] = hex_bits(torch.empty(3).uniform_(1, 2))

    with open(OUT, "w") as fh:
        fh.write(to_json_lines(fixture))
    print("wrote", os.path.normpath(OUT), os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
