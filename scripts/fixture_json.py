"""Shared by the fixture generators: tensors in the JSON format of tests/common/mod.rs.

A tensor is {"shape", "dtype", "data"} with the data flattened in row-major order; NaN and
infinities, which JSON cannot hold, are the strings "nan", "inf" and "-inf". Extra keys
("layout", "requires_grad", ...) describe how the Rust test builds an input.
"""

import math

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
