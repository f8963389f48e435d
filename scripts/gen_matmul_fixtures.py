"""Fixtures for thin matrix products summed in PyTorch's order (tests/small_matmul.rs):
the Linear(3, 1) of the seed's stages 3 and 4, forward and weight gradient, bit for bit.

Run: ~/torchenv/bin/python scripts/gen_matmul_fixtures.py
"""
import json
import math
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "matmul_small.json")


def enc(t):
    t = t.detach()
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "data": t.reshape(-1).tolist()}


def main():
    cases = []
    for seed in (0, 1, 42):
        torch.manual_seed(seed)
        x = torch.linspace(-math.pi, math.pi, 128)
        xx = x.unsqueeze(-1).pow(torch.tensor([1, 2, 3]))
        lin = torch.nn.Linear(3, 1)
        y_pred = lin(xx).flatten(0, 1)
        target = x / 4  # exact in float32, so the gradient depends on the products alone
        loss = torch.nn.functional.mse_loss(y_pred, target, reduction="sum")
        loss.backward()
        cases.append({"seed": seed, "input": enc(xx), "weight": enc(lin.weight), "bias": enc(lin.bias),
                      "target": enc(target), "y_pred": enc(y_pred), "loss": loss.item(),
                      "grad_weight": enc(lin.weight.grad), "grad_bias": enc(lin.bias.grad)})
    with open(OUT, "w") as f:
        json.dump({"torch_version": torch.__version__, "cases": cases}, f)
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
