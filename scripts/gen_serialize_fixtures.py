#!/usr/bin/env python3
"""Write tests/fixtures/serialize/*.safetensors with safetensors.torch.save_file, and
tests/fixtures/serialize.json with what torch reads back from them, for tests/serialize.rs.

Run by hand (never by CI) with PyTorch 2.15 and safetensors 0.8:

    ~/torchenv/bin/python scripts/gen_serialize_fixtures.py

Check that a file torchlight wrote loads in torch with the same names, dtypes and bits as the
tensors this script builds for one of the fixtures (mlp, norm_embed, dtypes):

    ~/torchenv/bin/python scripts/gen_serialize_fixtures.py --check PATH --against mlp

JSON layout, per fixture file:
* file: the .safetensors file name under tests/fixtures/serialize/.
* metadata: the header's __metadata__ (null when absent).
* load_file_keys: the keys of safetensors.torch.load_file(file), in its order.
* state_dict_keys: for model files, model.state_dict().keys() in registration order.
* tensors: name -> {"shape", "dtype", "data", "hex"}; data as in tests/common/mod.rs (float32
  values as the exact double, int64 values exact), hex the little-endian bytes torch holds.
Sections besides the files:
* load_errors: str(RuntimeError) of model.load_state_dict(load_file(mlp)) on mismatched models,
  and the missing/unexpected keys of the non-strict loads.
* f64_into_f32: a float64 state dict loaded into a float32 nn.Linear (torch copies with
  conversion): the parameters after loading.
* unsupported: files holding dtypes torchlight lacks, and the offending key and dtype.
"""

import argparse
import json
import math
import os
import sys

import torch
import torch.nn as nn
from safetensors import safe_open
from safetensors.torch import load_file, save_file

torch.set_num_threads(1)

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures")
DIR = os.path.join(ROOT, "serialize")
OUT = os.path.join(ROOT, "serialize.json")
DT = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int64", torch.bool: "bool"}


def num(v):
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
    return v


def T(t):
    t = t.detach().contiguous()
    return {
        "shape": list(t.shape),
        "dtype": DT[t.dtype],
        "data": [num(v) for v in t.flatten().tolist()],
        "hex": t.numpy().tobytes().hex(),
    }


def mlp():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))


class NormEmbed(nn.Module):
    """Rebuilt in the Rust test as a #[derive(Module)] struct with the same field names."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(5, 3)
        self.norm = nn.LayerNorm(3)
        self.head = nn.Linear(3, 2)


def norm_embed():
    torch.manual_seed(1)
    m = NormEmbed()
    # LayerNorm starts at ones/zeros; other values show that loading overwrote them.
    with torch.no_grad():
        m.norm.weight.normal_()
        m.norm.bias.normal_()
    return m


DTYPES_METADATA = {"format": "pt", "epoch": "3", "note": "torchlight fixture"}


def dtypes():
    torch.manual_seed(2)
    return {
        "f64": torch.randn(2, 3, dtype=torch.float64),
        "f32_special": torch.tensor(
            [float("nan"), float("inf"), float("-inf"), -0.0, 1e-45, 3.4028234663852886e38, 1 / 3],
            dtype=torch.float32,
        ),
        "i64": torch.tensor([-(2**63), 2**63 - 1, 0, -1, 2**53 + 1], dtype=torch.int64),
        "bool": torch.tensor([[True, False, True], [False, False, True]]),
        "scalar_f64": torch.tensor(2.5, dtype=torch.float64),
        "scalar_i64": torch.tensor(7),
        "empty_f32": torch.zeros(0, 3),
    }


REFERENCES = {
    "mlp": (lambda: mlp().state_dict(), None),
    "norm_embed": (lambda: norm_embed().state_dict(), None),
    "dtypes": (dtypes, DTYPES_METADATA),
}


def file_entry(name, tensors, metadata=None, model=None):
    path = os.path.join(DIR, name + ".safetensors")
    save_file(dict(tensors), path, metadata=metadata)
    loaded = load_file(path)
    with safe_open(path, framework="pt") as f:
        meta = f.metadata()
    entry = {
        "file": name + ".safetensors",
        "metadata": meta,
        "load_file_keys": list(loaded.keys()),
        "tensors": {k: T(v) for k, v in loaded.items()},
    }
    if model is not None:
        entry["state_dict_keys"] = list(model.state_dict().keys())
    return entry


def error_of(fn):
    try:
        fn()
    except RuntimeError as e:
        return str(e)
    raise AssertionError("expected an error")


def load_errors():
    sd = load_file(os.path.join(DIR, "mlp.safetensors"))
    wide = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2))
    deeper = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2), nn.ReLU(), nn.Linear(2, 1))
    shallow = nn.Sequential(nn.Linear(3, 4))
    out = {
        "wrong_shape": error_of(lambda: wide.load_state_dict(sd)),
        "missing": error_of(lambda: deeper.load_state_dict(sd)),
        "unexpected": error_of(lambda: shallow.load_state_dict(sd)),
    }
    r = deeper.load_state_dict(sd, strict=False)
    out["missing_non_strict"] = {"missing_keys": r.missing_keys, "unexpected_keys": r.unexpected_keys}
    r = shallow.load_state_dict(sd, strict=False)
    out["unexpected_non_strict"] = {"missing_keys": r.missing_keys, "unexpected_keys": r.unexpected_keys}
    return out


def f64_into_f32():
    torch.manual_seed(3)
    sd = {"weight": torch.randn(2, 3, dtype=torch.float64), "bias": torch.randn(2, dtype=torch.float64)}
    entry = file_entry("linear_f64", sd)
    lin = nn.Linear(3, 2)
    lin.load_state_dict(load_file(os.path.join(DIR, "linear_f64.safetensors")))
    assert lin.weight.dtype == torch.float32
    entry["after_load"] = {"weight": T(lin.weight), "bias": T(lin.bias)}
    return entry


def unsupported():
    out = {}
    for name, dtype, label in [("half", torch.float16, "F16"), ("bf16", torch.bfloat16, "BF16")]:
        # The unsupported tensor comes after a supported one in the file.
        tensors = {"ok": torch.zeros(2), "low": torch.ones(2, dtype=dtype)}
        save_file(tensors, os.path.join(DIR, name + ".safetensors"))
        out[name] = {"file": name + ".safetensors", "key": "low", "dtype": label}
    return out


def generate():
    os.makedirs(DIR, exist_ok=True)
    m = mlp()
    ne = norm_embed()
    out = {
        "mlp": file_entry("mlp", m.state_dict(), model=m),
        "norm_embed": file_entry("norm_embed", ne.state_dict(), model=ne),
        "dtypes": file_entry("dtypes", dtypes(), metadata=DTYPES_METADATA),
        "f64_into_f32": f64_into_f32(),
        "unsupported": unsupported(),
    }
    out["load_errors"] = load_errors()
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    sizes = sum(os.path.getsize(os.path.join(DIR, n)) for n in os.listdir(DIR))
    print(f"wrote {OUT} and {len(os.listdir(DIR))} files in {DIR} ({sizes} bytes)")


def same_bits(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and a.numpy().tobytes() == b.numpy().tobytes()


def check(path, against):
    build, metadata = REFERENCES[against]
    expected = {k: v.detach().contiguous() for k, v in build().items()}
    got = load_file(path)
    with safe_open(path, framework="pt") as f:
        meta = f.metadata()
    problems = []
    if set(got) != set(expected):
        problems.append(f"keys differ: file {sorted(got)}, expected {sorted(expected)}")
    for k in sorted(set(got) & set(expected)):
        if not same_bits(got[k], expected[k]):
            problems.append(f"{k}: file {got[k].dtype} {list(got[k].shape)}, expected "
                            f"{expected[k].dtype} {list(expected[k].shape)}, or different bits")
    if meta != metadata:
        problems.append(f"metadata: file {meta}, expected {metadata}")
    if problems:
        print(f"{path}: MISMATCH against {against}")
        for p in problems:
            print("  " + p)
        return 1
    print(f"{path}: OK, {len(got)} tensors bit-identical to torch's {against}, metadata {meta}")
    return 0


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", metavar="PATH", help="verify a torchlight-written file instead of generating")
    ap.add_argument("--against", choices=sorted(REFERENCES), default="mlp")
    args = ap.parse_args()
    sys.exit(check(args.check, args.against) if args.check else generate())
