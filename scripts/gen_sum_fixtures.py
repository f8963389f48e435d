#!/usr/bin/env python3
"""Write tests/fixtures/sum.json: torch.sum results (bit patterns) for the
cascade-sum conformance tests in src/backend/cpu/sum.rs.

Run by hand with a PyTorch 2.15 install (AVX2 CPU), from the repository root:
    python scripts/gen_sum_fixtures.py

Inputs are not stored: they come from `det_values`, an exact integer-hash
formula that the Rust tests reproduce bit for bit (a few input bits are stored
so the tests can check that).
"""
import json

import numpy as np
import torch

MASK32 = (1 << 32) - 1


def _hash(i):
    """32-bit integer hash (multiply-xorshift), the same in the Rust tests."""
    h = (i * 0x9E3779B1 + 0x7F4A7C15) & MASK32
    h ^= h >> 15
    h = (h * 0x2C1B3C6D) & MASK32
    h ^= h >> 12
    h = (h * 0x297A2D39) & MASK32
    h ^= h >> 15
    return h


def det_values(n):
    """n float64 values with 53-bit mantissas and exponents spread over 2^0..2^15.

    mant = (h1 * 2^21 + (h2 >> 11)) / 2^53 is exact; (mant - 0.5) * 2^e is exact.
    """
    out = np.empty(n, dtype=np.float64)
    for i in range(n):
        h1 = _hash(2 * i)
        h2 = _hash(2 * i + 1)
        mant = float(h1 * (1 << 21) + (h2 >> 11)) / float(1 << 53)
        e = (h1 >> 7) % 16
        out[i] = (mant - 0.5) * float(1 << e)
    return out


def det_tensor(n, dtype):
    return torch.from_numpy(det_values(n)).to(dtype)


def fnv1a(words):
    """FNV-1a (64-bit) over the bit patterns' hex strings' values, for long outputs."""
    h = 0xCBF29CE484222325
    for w in words:
        h ^= int(w, 16)
        h = (h * 0x100000001B3) & ((1 << 64) - 1)
    return "0x%016x" % h


def digest(words):
    """Short outputs are stored whole; long ones as length, first 16 and a hash."""
    if len(words) <= 64:
        return {"bits": words}
    return {"len": len(words), "head": words[:16], "fnv1a": fnv1a(words)}


def bits(t):
    t = t.contiguous().reshape(-1)
    if t.dtype == torch.float32:
        return ["0x%08x" % v for v in t.view(torch.int32).numpy().astype(np.uint32).tolist()]
    return ["0x%016x" % v for v in t.view(torch.int64).numpy().astype(np.uint64).tolist()]


DTYPES = {"f32": torch.float32, "f64": torch.float64}


def full_cases():
    cases = []
    sizes = list(range(0, 70)) + [100, 127, 128, 129, 255, 256, 257, 1000, 4099, 32767, 32768, 32769, 100003]
    for name, dt in DTYPES.items():
        for n in sizes:
            x = det_tensor(n, dt)
            threads = [1, 2] if n >= 32767 else [1]
            for nt in threads:
                torch.set_num_threads(nt)
                cases.append({"dtype": name, "n": n, "threads": nt, "out": bits(x.sum())[0]})
        # more threads: covers the OpenMP chunk formula and a >= 8-entry buffer
        for n, nt in [(100003, 3), (100003, 4), (300000, 9), (70000, 5)]:
            torch.set_num_threads(nt)
            cases.append({"dtype": name, "n": n, "threads": nt, "out": bits(det_tensor(n, dt).sum())[0]})
    torch.set_num_threads(1)
    return cases


def dim_cases():
    shapes = [(7, 3), (3, 7), (33, 40), (100, 9), (5, 64), (64, 5), (17, 45), (200, 77), (1, 10),
              (10, 1), (1, 1), (0, 5), (5, 0), (2, 8), (8, 2), (31, 33), (16, 16), (4, 4)]
    big = [(5000, 77, 2), (3000, 20, 2), (40, 5000, 2), (1200, 35, 2), (1, 40000, 2), (40000, 1, 2),
           # 16 threads leave columns [32, 37) to one thread: it takes the scalar path.
           (1200, 37, 16), (1200, 38, 9), (3000, 21, 4)]
    cases = []
    for name, dt in DTYPES.items():
        for shape, nt in [(s, 1) for s in shapes] + [(s[:2], s[2]) for s in big]:
            torch.set_num_threads(nt)
            x = det_tensor(shape[0] * shape[1], dt).reshape(shape)
            for dim in (0, 1):
                cases.append({"dtype": name, "shape": list(shape), "dim": dim, "threads": nt,
                              "out": digest(bits(x.sum(dim)))})
    torch.set_num_threads(1)
    return cases


def main():
    assert torch.backends.cpu.get_cpu_capability() == "AVX2", "fixtures are for the AVX2 kernels"
    probe = det_values(8)
    data = {
        "torch": torch.__version__,
        "capability": torch.backends.cpu.get_cpu_capability(),
        "input_probe_f64": bits(torch.from_numpy(probe)),
        "input_probe_f32": bits(torch.from_numpy(probe).float()),
        "full": full_cases(),
        "dim": dim_cases(),
        "int_sum": int(torch.arange(-5, 100000, dtype=torch.int64).mul(97).remainder(1013).sum()),
    }
    write_json("tests/fixtures/sum.json", data)


def write_json(path, data):
    """One list entry per line: small, and diffs stay readable."""
    with open(path, "w") as f:
        f.write("{\n")
        items = list(data.items())
        for k, (key, val) in enumerate(items):
            f.write(json.dumps(key) + ": ")
            if isinstance(val, list) and val and isinstance(val[0], dict):
                f.write("[\n" + ",\n".join(json.dumps(v) for v in val) + "\n]")
            else:
                f.write(json.dumps(val))
            f.write(",\n" if k + 1 < len(items) else "\n")
        f.write("}\n")


if __name__ == "__main__":
    main()
