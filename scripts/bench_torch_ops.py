#!/usr/bin/env python3
"""PyTorch's side of the per-op overhead workload: `a + b` on 1 and 2000 float32 elements,
with and without autograd recording, in nanoseconds per op. Prints `RESULT {json}` lines
in the format of ../shared/bench/torch_bench/bench.py.

Usage: python bench_torch_ops.py ops [--reps N]
"""
import json
import sys
import time

import torch

torch.set_num_threads(2)
ITERS = 100_000


def main():
    args = sys.argv[1:]
    reps = int(args[args.index("--reps") + 1]) if "--reps" in args else 5
    for n in (1, 2000):
        for grad in (False, True):
            a = torch.ones(n, requires_grad=grad)
            b = torch.ones(n)
            times = []
            for _ in range(reps):
                t0 = time.perf_counter()
                for _ in range(ITERS):
                    a + b
                times.append((time.perf_counter() - t0) / ITERS * 1e9)
            name = f"add_n{n}" + ("_grad" if grad else "")
            print("RESULT " + json.dumps({"framework": "pytorch", "workload": name, "unit": "ns/op", "reps": times}),
                  flush=True)


if __name__ == "__main__":
    main()
