#!/usr/bin/env python3
"""Side-by-side benchmark: every workload of ../shared/bench/README.md in torchlight and in
PyTorch, each as its own process under /usr/bin/time -v, then a table of median and min
time, the ratio (PyTorch time / torchlight time: above 1 means torchlight is faster) and
peak RSS. Both sides use 2 threads.

Usage: TORCH_PY=~/torchenv/bin/python python3 scripts/bench.py [--reps 5] [--rounds 3] [--workloads w1 w2 w4 ops]
       [--markdown BENCHMARKS.md]
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TORCH_BENCH = os.path.join(ROOT, "..", "shared", "bench", "torch_bench", "bench.py")
OPS_BENCH = os.path.join(ROOT, "scripts", "bench_torch_ops.py")
ENV = dict(os.environ, OMP_NUM_THREADS="2", MKL_NUM_THREADS="2", RAYON_NUM_THREADS="2", TL_NUM_THREADS="2")


def run(cmd):
    """Runs cmd under /usr/bin/time -v; returns its RESULT records and peak RSS in MB."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        p = subprocess.run(["/usr/bin/time", "-v", "-o", tf.name] + cmd, capture_output=True, text=True, env=ENV,
                           cwd=ROOT)
        if p.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed:\n{p.stderr}")
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", tf.read()).group(1)) / 1024
    recs = [json.loads(line[len("RESULT "):]) for line in p.stdout.splitlines() if line.startswith("RESULT ")]
    return recs, rss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5, help="repetitions per process")
    ap.add_argument("--rounds", type=int, default=3, help="processes per side, alternating")
    ap.add_argument("--workloads", nargs="+", default=["w1", "w2", "w3", "w4", "w5", "ops"])
    ap.add_argument("--markdown")
    args = ap.parse_args()
    torch_py = os.environ.get("TORCH_PY", "python3")
    subprocess.run(["cargo", "build", "--release", "--bench", "workloads", "-q"], cwd=ROOT, check=True, env=ENV)
    exe = subprocess.run(["cargo", "bench", "--bench", "workloads", "--no-run", "--message-format=json", "-q"],
                         cwd=ROOT, capture_output=True, text=True, env=ENV).stdout
    exe = [json.loads(l)["executable"] for l in exe.splitlines() if '"executable":"' in l and "workloads" in l][-1]
    rows = []
    for wl in args.workloads:
        # The two sides take turns, one process each per round, and the medians pool every
        # round's repetitions: a slow spell of this shared machine then hits both sides
        # instead of whichever happened to run during it.
        ours, theirs, our_rss, their_rss = {}, {}, 0.0, 0.0
        ref = OPS_BENCH if wl == "ops" else TORCH_BENCH
        for _ in range(args.rounds):
            recs, rss = run([exe, wl, "--reps", str(args.reps)])
            our_rss = max(our_rss, rss)
            for r in recs:
                ours.setdefault(r["workload"], dict(r, reps=[]))["reps"].extend(r["reps"])
            recs, rss = run([torch_py, ref, wl, "--reps", str(args.reps)])
            their_rss = max(their_rss, rss)
            for r in recs:
                theirs.setdefault(r["workload"], dict(r, reps=[]))["reps"].extend(r["reps"])
        for name, r in ours.items():
            t = theirs.get(name)
            if t is None:
                continue
            om, tm = statistics.median(r["reps"]), statistics.median(t["reps"])
            rows.append((name, r["unit"], om, min(r["reps"]), tm, min(t["reps"]), tm / om, our_rss, their_rss))
    lines = ["| workload | unit | torchlight median | torchlight min | PyTorch median | PyTorch min | speedup (median) "
             "| torchlight RSS MB | PyTorch RSS MB |", "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for w, u, om, omin, tm, tmin, ratio, orss, trss in rows:
        lines.append(f"| {w} | {u} | {om:.4g} | {omin:.4g} | {tm:.4g} | {tmin:.4g} | {ratio:.2f}x | {orss:.0f} | {trss:.0f} |")
    table = "\n".join(lines)
    print(table)
    for w, _, om, _, tm, _, _, _, _ in rows:
        m = re.match(r"w4_n(\d+)", w)
        if m:
            n = int(m.group(1))
            iters = {256: 100, 1024: 10, 2048: 3}[n]
            print(f"{w}: torchlight {2 * n ** 3 * iters / om / 1e9:.1f} GFLOPS, PyTorch {2 * n ** 3 * iters / tm / 1e9:.1f} GFLOPS")
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(table + "\n")


if __name__ == "__main__":
    main()
