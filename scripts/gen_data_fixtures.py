#!/usr/bin/env python3
"""Write tests/fixtures/data.json and the small files under tests/fixtures/data/ from real
PyTorch and numpy.

Run by hand (never by CI) with PyTorch 2.15, from the repository root:

    ~/torchenv/bin/python scripts/gen_data_fixtures.py

data.json
  * "loaders": for each case, the index batches a DataLoader over TensorDataset(arange(n))
    yields in each of several epochs, and the draws that follow (`torch.randint(0, 1000, (4,))`
    from the global generator, and from the loader's generator when it has one), which pin how
    many numbers each epoch consumed. "seed" seeds the global generator (torch.manual_seed);
    "generator_seed", when present, seeds a torch.Generator passed as generator=.
    "break_after": in the first epoch stop after this many batches (the rest run to the end).
  * "splits": random_split(range(n), lengths, generator) index lists, with the generator
    either a seeded torch.Generator or the default generator after manual_seed, and the
    following global draws.
  * "errors": messages of the ValueErrors/AssertionErrors, by case name.
  * "idx": the files under tests/fixtures/data/ written by numpy in the IDX layout, with their
    expected contents (dtype as torchlight returns them: integers as int64).
  * "csv": a CSV file with a header and the values numpy.loadtxt reads from it.
"""

import gzip
import json
import os
import struct

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset, random_split

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DATA_DIR = os.path.join(ROOT, "tests", "fixtures", "data")


def draws(gen=None):
    return torch.randint(0, 1000, (4,), generator=gen).tolist()


def loader_case(name, n, batch_size, shuffle, drop_last, seed, generator_seed=None, epochs=3, break_after=None):
    torch.manual_seed(seed)
    gen = None
    if generator_seed is not None:
        gen = torch.Generator()
        gen.manual_seed(generator_seed)
    loader = DataLoader(
        TensorDataset(torch.arange(n)), batch_size=batch_size, shuffle=shuffle, drop_last=drop_last, generator=gen
    )
    out = []
    for epoch in range(epochs):
        batches = []
        for i, (b,) in enumerate(loader):
            if epoch == 0 and break_after is not None and i == break_after:
                break
            batches.append(b.tolist())
        out.append(batches)
    case = {
        "name": name,
        "n": n,
        "batch_size": batch_size,
        "shuffle": shuffle,
        "drop_last": drop_last,
        "seed": seed,
        "len": len(loader),
        "epochs": out,
    }
    if generator_seed is not None:
        case["generator_seed"] = generator_seed
        case["generator_after"] = draws(gen)
    if break_after is not None:
        case["break_after"] = break_after
    case["global_after"] = draws()
    return case


def split_case(name, n, lengths, seed, generator_seed=None):
    torch.manual_seed(seed)
    if generator_seed is None:
        gen = torch.default_generator
    else:
        gen = torch.Generator()
        gen.manual_seed(generator_seed)
    parts = random_split(range(n), lengths, generator=gen)
    case = {"name": name, "n": n, "lengths": lengths, "seed": seed, "splits": [list(p.indices) for p in parts]}
    if generator_seed is not None:
        case["generator_seed"] = generator_seed
    case["global_after"] = draws()
    return case


def message(f):
    try:
        f()
    except Exception as e:  # noqa: BLE001 - the message is the fixture
        return str(e)
    raise AssertionError("expected an error")


def write_idx(path, array, type_byte, big_endian_dtype, compress=False):
    header = bytes([0, 0, type_byte, array.ndim]) + b"".join(struct.pack(">I", d) for d in array.shape)
    payload = header + array.astype(big_endian_dtype).tobytes()
    if compress:
        # mtime=0 keeps the file identical between runs.
        with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
            f.write(payload)
    else:
        with open(path, "wb") as f:
            f.write(payload)


def tensor_json(a, dtype):
    return {"shape": list(a.shape), "dtype": dtype, "data": [float(v) if dtype.startswith("float") else int(v) for v in a.flatten().tolist()]}


def main():
    loaders = [
        loader_case("seq_bs3", 10, 3, False, False, 0),
        loader_case("seq_bs3_drop_last", 10, 3, False, True, 0),
        loader_case("seq_bs1", 4, 1, False, False, 5),
    ]
    for seed in (0, 1, 42):
        loaders.append(loader_case(f"shuffle_global_s{seed}_bs3", 10, 3, True, False, seed))
        loaders.append(loader_case(f"shuffle_global_s{seed}_bs4_drop_last", 10, 4, True, True, seed))
        loaders.append(loader_case(f"shuffle_gen_s{seed}_bs3", 10, 3, True, False, 7, generator_seed=seed))
        loaders.append(loader_case(f"shuffle_gen_s{seed}_bs4_drop_last", 10, 4, True, True, 7, generator_seed=seed))
    loaders.append(loader_case("shuffle_gen_break", 9, 2, True, False, 3, generator_seed=11, break_after=1))
    loaders.append(loader_case("shuffle_global_break", 9, 2, True, False, 3, break_after=1))
    loaders.append(loader_case("seq_gen_bs5", 7, 5, False, False, 3, generator_seed=2))
    loaders.append(loader_case("shuffle_gen_bs_gt_n", 5, 8, True, False, 3, generator_seed=4))
    loaders.append(loader_case("shuffle_gen_drop_all", 5, 8, True, True, 3, generator_seed=4))
    loaders.append(loader_case("shuffle_global_n1", 1, 1, True, False, 9))

    splits = [
        split_case("counts_3_7_gen42", 10, [3, 7], 0, generator_seed=42),
        split_case("fractions_03_03_04_gen42", 30, [0.3, 0.3, 0.4], 0, generator_seed=42),
        split_case("fractions_remainder_11", 11, [0.5, 0.5], 0, generator_seed=1),
        split_case("fractions_round_robin_10", 10, [0.33, 0.33, 0.34], 0, generator_seed=3),
        split_case("fractions_tenths_15", 15, [0.1] * 10, 0, generator_seed=3),
        split_case("fractions_zero_part", 4, [0.9, 0.1], 0, generator_seed=5),
        split_case("counts_default_generator", 12, [5, 0, 7], 17),
        split_case("fractions_default_generator", 12, [0.25, 0.75], 23),
    ]

    errors = {
        "tensor_dataset_size_mismatch": message(lambda: TensorDataset(torch.zeros(3), torch.zeros(4))),
        "batch_size_zero": message(lambda: DataLoader(TensorDataset(torch.zeros(3)), batch_size=0)),
        "shuffle_empty": message(lambda: DataLoader(TensorDataset(torch.zeros(0)), shuffle=True)),
        "split_sum": message(lambda: random_split(range(5), [3, 3])),
        "split_fraction_range": message(lambda: random_split(range(5), [1.5, -0.5])),
        "stack_mismatch": message(lambda: torch.utils.data.default_collate([torch.zeros(2), torch.zeros(3)])),
        "list_length_mismatch": message(
            lambda: torch.utils.data.default_collate([[torch.zeros(2)], [torch.zeros(2), torch.zeros(2)]])
        ),
    }

    os.makedirs(DATA_DIR, exist_ok=True)
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(3, 4, 5), dtype=np.uint8)
    labels = rng.integers(0, 10, size=(3,), dtype=np.uint8)
    i8 = rng.integers(-128, 128, size=(2, 3), dtype=np.int8)
    i16 = rng.integers(-32768, 32768, size=(4,), dtype=np.int16)
    i32 = rng.integers(-(2**31), 2**31, size=(2, 2), dtype=np.int32)
    f32 = rng.standard_normal((2, 3)).astype(np.float32)
    f64 = rng.standard_normal((3,))
    files = [
        ("images-idx3-ubyte", images, 0x08, ">u1", False, "int64"),
        ("images-idx3-ubyte.gz", images, 0x08, ">u1", True, "int64"),
        ("labels-idx1-ubyte", labels, 0x08, ">u1", False, "int64"),
        ("int8-idx2", i8, 0x09, ">i1", False, "int64"),
        ("int16-idx1", i16, 0x0B, ">i2", False, "int64"),
        ("int32-idx2", i32, 0x0C, ">i4", False, "int64"),
        ("float32-idx2", f32, 0x0D, ">f4", False, "float32"),
        ("float64-idx1", f64, 0x0E, ">f8", False, "float64"),
    ]
    idx = {}
    for name, array, type_byte, dt, compress, out_dtype in files:
        write_idx(os.path.join(DATA_DIR, name), array, type_byte, dt, compress)
        idx[name] = tensor_json(array, out_dtype)

    csv_path = os.path.join(DATA_DIR, "table.csv")
    table = rng.standard_normal((4, 3)) * 100
    with open(csv_path, "w") as f:
        f.write("a;b;c\r\n")
        for row in table:
            f.write(";".join(repr(float(v)) for v in row) + "\r\n")
    csv = {
        "file": "table.csv",
        "delimiter": ";",
        "float64": tensor_json(np.loadtxt(csv_path, delimiter=";", skiprows=1, dtype=np.float64), "float64"),
        "float32": tensor_json(np.loadtxt(csv_path, delimiter=";", skiprows=1, dtype=np.float32), "float32"),
    }

    out = {
        "torch_version": torch.__version__,
        "loaders": loaders,
        "splits": splits,
        "errors": errors,
        "idx": idx,
        "csv": csv,
    }
    with open(os.path.join(ROOT, "tests", "fixtures", "data.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
