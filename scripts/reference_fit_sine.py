"""PyTorch twin of examples/fit_sine.rs: the same model, data, shuffling, optimizer and schedule
under the same seed, printing the same summary lines, so the two can be compared number for
number (the loss and error lines agree to float rounding; the timing line is PyTorch's).

Run: python scripts/reference_fit_sine.py [--epochs N] [--seed N]
"""
import argparse
import math
import time

import torch

POINTS, BATCH, HIDDEN, LR = 2000, 100, 32, 1e-2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    x = torch.linspace(-math.pi, math.pi, POINTS).unsqueeze(1)
    y = x.sin()
    model = torch.nn.Sequential(
        torch.nn.Linear(1, HIDDEN), torch.nn.Tanh(),
        torch.nn.Linear(HIDDEN, HIDDEN), torch.nn.Tanh(),
        torch.nn.Linear(HIDDEN, 1),
    )
    n_params = sum(p.numel() for p in model.parameters())
    criterion = torch.nn.MSELoss()
    # foreach=False: the single-tensor update path, which torchlight follows operation by operation.
    optimizer = torch.optim.Adam(model.parameters(), lr=LR, foreach=False)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, args.epochs, 0.0)
    t0 = time.perf_counter()
    model.train()
    for _ in range(args.epochs):
        order = torch.randperm(POINTS)
        for idx in order.split(BATCH):
            loss = criterion(model(x[idx]), y[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        scheduler.step()
    seconds = time.perf_counter() - t0
    model.eval()
    with torch.no_grad():
        pred = model(x)
    final = criterion(pred, y).item()
    err = (pred - y).abs()
    worst = err.argmax().item()
    steps = args.epochs * math.ceil(POINTS / BATCH)
    print(f"model: MLP 1-{HIDDEN}-{HIDDEN}-1 with tanh, {n_params} parameters")
    print(f"training: Adam lr {LR} with cosine annealing, {args.epochs} epochs of {POINTS} points in batches of {BATCH}")
    print(f"final loss (mean squared error over the {POINTS} points): {final:.3e}")
    print(f"largest error |f(x) - sin(x)|: {err.max().item():.3e} at x = {x.flatten()[worst].item():.3f}")
    print(f"trained in {seconds:.2f} s ({steps / seconds:.0f} steps/s)")


if __name__ == "__main__":
    main()
