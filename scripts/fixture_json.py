"""Shared by the fixture generators: tensors in the JSON format of tests/common/mod.rs, error
messages, and the compact fixture file.

A tensor is {"shape", "dtype", "data"} with the data flattened in row-major order; NaN and
infinities, which JSON cannot hold, are the strings "nan", "inf" and "-inf". Extra keys
("layout", "requires_grad", ...) describe how the Rust test builds an input.
"""

import json
import math
import os

import torch

DT = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int64", torch.bool: "bool"}


def num(v):
    """A Python number as the JSON value tests/common reads."""
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
    return v


def T(t, **extra):
    """A tensor's shape, dtype and values, plus `extra` keys."""
    t = t.detach()
    d = {"shape": list(t.shape), "dtype": DT[t.dtype], "data": [num(v) for v in t.flatten().tolist()]}
    d.update(extra)
    return d


def error_of(fn):
    """PyTorch's message for the error `fn()` raises, or None when it succeeds."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the message is the expected value
        return str(e)
    return None


def write_fixture(path, fixture, note=""):
    """Writes `fixture` as compact JSON with a final newline and reports its size."""
    with open(path, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", os.path.normpath(path), os.path.getsize(path), "bytes" + note)
