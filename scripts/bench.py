#!/usr/bin/env python3
"""Side-by-side benchmark: every workload of ../shared/bench/README.md in torchlight and in
PyTorch, each as its own process under /usr/bin/time -v, then a table of median and min
time, the ratio (PyTorch time / torchlight time: above 1 means torchlight is faster) and
peak RSS. Both sides use 2 threads.

Usage: TORCH_PY=~/torchenv/bin/python python3 scripts/bench.py [--reps 5] [--rounds 3] [--workloads w1 w2 w4 ops]
       [--peers DIR] [--markdown BENCHMARKS.md]

--peers DIR also runs candle and burn (the harnesses of ../shared/bench, built in DIR: a
writable copy of that folder where `cargo build --release` has run) in the same run, one
process per framework and workload, after each workload's rounds. Without it, the
report quotes ../shared/bench/RESULTS.md, which was measured on another day and CPU.
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
ENV = dict(os.environ, OMP_NUM_THREADS="2", MKL_NUM_THREADS="2", RAYON_NUM_THREADS="2", TL_NUM_THREADS="2",
           MATMUL_NUM_THREADS="2")


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
    ap.add_argument("--peers", help="a built copy of ../shared/bench: run candle and burn too")
    ap.add_argument("--markdown")
    args = ap.parse_args()
    torch_py = os.environ.get("TORCH_PY", "python3")
    subprocess.run(["cargo", "build", "--release", "--bench", "workloads", "-q"], cwd=ROOT, check=True, env=ENV)
    exe = subprocess.run(["cargo", "bench", "--bench", "workloads", "--no-run", "--message-format=json", "-q"],
                         cwd=ROOT, capture_output=True, text=True, env=ENV).stdout
    exe = [json.loads(l)["executable"] for l in exe.splitlines() if '"executable":"' in l and "workloads" in l][-1]
    rows, peer_rows = [], []
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
        if args.peers and wl != "ops":
            run_peers(args.peers, wl, args.reps, peer_rows)
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
    if peer_rows:
        print("\n| workload | framework | median | min | RSS MB |\n|---|---|---:|---:|---:|")
        for w, fw, _, med, mn, rss in peer_rows:
            print(f"| {w} | {fw} | {med:.4g} | {mn:.4g} | {rss:.0f} |")
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(report(args, table, rows, peer_rows, torch_py))


# The peer frameworks of ../shared/bench and how to start each (arguments before the workload).
PEER_CMDS = [("candle", ["candle_bench"]), ("burn (flex)", ["burn_bench", "flex"]),
             ("burn (ndarray)", ["burn_bench", "ndarray"])]


def run_peers(folder, wl, reps, out):
    """Runs each peer harness once on workload wl; appends (workload, framework, unit, median,
    min, RSS MB) rows to out."""
    for fw, cmd in PEER_CMDS:
        exe = os.path.join(folder, "target", "release", cmd[0])
        if not os.path.exists(exe):
            sys.exit(f"{exe} is missing: run `cargo build --release` in {folder} first")
        # burn-ndarray's W5 takes about 5 s a step (its convolution is naive): one repetition
        # of 10 steps, not five, keeps the run under an hour.
        n = 1 if (fw == "burn (ndarray)" and wl == "w5") else reps
        recs, rss = run([exe] + cmd[1:] + [wl, "--reps", str(n)])
        for r in recs:
            out.append((r["workload"], fw, r["unit"], statistics.median(r["reps"]), min(r["reps"]), rss))


PEERS = os.path.join(ROOT, "..", "shared", "bench", "RESULTS.md")


def peer_tables():
    """The candle and burn medians of ../shared/bench/RESULTS.md, by section ('W1' ...)."""
    if not os.path.exists(PEERS):
        return {}
    out, section, header = {}, None, None
    for line in open(PEERS):
        m = re.match(r"## (W\d)", line)
        if m:
            section, header = m.group(1), None
            continue
        if line.startswith("## ") or (header is not None and not line.startswith("|")):
            # Only the first table of a section holds the timings.
            section = None
        if section is None or not line.startswith("|") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
            continue
        row = dict(zip(header, cells))
        if "framework" in row and row["framework"] != "PyTorch":
            out.setdefault(section, []).append(row)
    return out


def machine():
    model = "unknown CPU"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    flags = open("/proc/cpuinfo").read()
    simd = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "SSE"
    mem = int(re.search(r"MemTotal:\s+(\d+)", open("/proc/meminfo").read()).group(1)) / 2**20
    return f"{model}, {os.cpu_count()} cores ({simd}), {mem:.0f} GiB; 2 threads on each side"


def ahead(peers, by, gflops):
    """Whether torchlight's medians beat every peer median of RESULTS.md that this run measured."""
    ok = True
    for sec, peer_rows in peers.items():
        for r in peer_rows:
            if sec == "W4":
                n = int(r["n"])
                if n in gflops:
                    ok &= gflops[n][0] > float(r["GFLOPS (median)"])
                continue
            key = sec.lower()
            if key not in by:
                continue
            if sec in ("W1", "W2"):
                ok &= by[key][2] < float(r["median (s)"])
            else:
                steps = {"w3": 20, "w5": 10}[key]
                ok &= by[key][2] * 1000 / steps < float(r["median ms/step"])
    return ok


def report(args, table, rows, peer_rows, torch_py):
    """BENCHMARKS.md: the command, the machine, the table, each target with its verdict, and
    the peers' numbers from the shared benchmark."""
    import datetime
    by = {r[0]: r for r in rows}
    torch_version = subprocess.run([torch_py, "-c", "import torch; print(torch.__version__)"], capture_output=True,
                                   text=True).stdout.strip()
    gflops = {}
    for w, _, om, _, tm, _, _, _, _ in rows:
        m = re.match(r"w4_n(\d+)", w)
        if m:
            n = int(m.group(1))
            iters = {256: 100, 1024: 10, 2048: 3}[n]
            gflops[n] = (2 * n ** 3 * iters / om / 1e9, 2 * n ** 3 * iters / tm / 1e9)
    targets = []

    def ratio(name, want):
        if name in by:
            targets.append((f"{name}: at least {want}x PyTorch's speed", f"{by[name][6]:.2f}x", by[name][6] >= want))

    ratio("w1", 10)
    ratio("w2", 10)
    ratio("w3", 1.2)
    for n, (ours, theirs) in sorted(gflops.items()):
        floor = max(theirs, 130) if n >= 1024 else theirs
        targets.append((f"w4 n={n}: at least PyTorch's GFLOPS" + (" and 130" if n >= 1024 else ""),
                        f"{ours:.0f} vs {theirs:.0f} GFLOPS", ours >= floor))
    ratio("w5", 1.0)
    if "w3" in by:
        targets.append(("w3 peak RSS at most half of PyTorch's", f"{by['w3'][7]:.0f} vs {by['w3'][8]:.0f} MB",
                        by["w3"][7] <= by["w3"][8] / 2))
    if "add_n1_grad" in by:
        targets.append(("1-element add with autograd recording under 1 us", f"{by['add_n1_grad'][2]:.0f} ns",
                        by["add_n1_grad"][2] < 1000))
    out = ["# Benchmarks", "",
           "torchlight against PyTorch on the workloads of the shared benchmark (`../shared/bench/README.md`), "
           "both sides in one run, taking turns process by process.", "",
           "Regenerate with:", "", "```sh",
           *(["cp -r ../shared/bench /tmp/peer-bench && (cd /tmp/peer-bench && cargo build --release)"]
             if peer_rows else []),
           f"TORCH_PY=~/torchenv/bin/python python3 scripts/bench.py --reps {args.reps} --rounds {args.rounds} "
           + ("--peers /tmp/peer-bench " if peer_rows else "") + "--markdown BENCHMARKS.md", "```", "",
           f"- run: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
           f"- machine: {machine()}",
           f"- PyTorch {torch_version}; {args.rounds} processes per side, {args.reps} repetitions each; "
           "medians and minima pool all repetitions",
           "- speedup = PyTorch's median time / torchlight's (above 1: torchlight is faster); "
           "RSS = peak resident memory of the process", "",
           "## Results", "", table, ""]
    if gflops:
        out += ["W4 in GFLOPS (2n³ per matmul, at the median):", ""]
        out += [f"- n = {n}: torchlight {o:.1f}, PyTorch {t:.1f}" for n, (o, t) in sorted(gflops.items())]
        out += [""]
    out += ["## Targets", "", "| target | measured | met |", "|---|---|---|"]
    out += [f"| {t} | {m} | {'yes' if ok else 'NO'} |" for t, m, ok in targets]
    if peer_rows:
        out += ["", "## candle and burn, in the same run", "",
                "The harnesses of `../shared/bench` (candle 0.11, burn 0.22 with its flex and ndarray backends, "
                "2 threads each), one process of each per workload, run right after that workload's "
                "torchlight and PyTorch processes. speedup = the peer's median / torchlight's.", "",
                "| workload | framework | median | torchlight median | speedup | RSS MB (peer / torchlight) |",
                "|---|---|---:|---:|---:|---:|"]
        ok = True
        for w, fw, unit, med, _, rss in peer_rows:
            if w not in by:
                continue
            mine = by[w][2]
            ok &= mine < med
            out.append(f"| {w} | {fw} | {med:.4g} {unit} | {mine:.4g} {unit} | {med / mine:.2f}x | "
                       f"{rss:.0f} / {by[w][7]:.0f} |")
        out += ["", f"torchlight ahead of candle and burn on every workload above: {'yes' if ok else 'NO'}"]
        return "\n".join(out) + "\n"
    peers = peer_tables()
    if peers:
        out += ["", "## candle and burn", "",
                "From `../shared/bench/RESULTS.md`: the same workloads measured by the shared benchmark on "
                "another day, on the CPU its header names (not necessarily this one); run with `--peers` to "
                "measure them in the same run. torchlight's medians above for comparison.", "",
                "| workload | framework | median | torchlight median |", "|---|---|---:|---:|"]
        ours_of = {"W1": ("w1", "s"), "W2": ("w2", "s"), "W3": ("w3", "ms/step"), "W5": ("w5", "ms/step")}
        for sec, peer_rows in sorted(peers.items()):
            for r in peer_rows:
                if sec == "W4":
                    n = int(r["n"])
                    mine = f"{gflops[n][0]:.1f} GFLOPS" if n in gflops else "-"
                    out.append(f"| W4 n={n} | {r['framework']} | {r['GFLOPS (median)']} GFLOPS | {mine} |")
                    continue
                key, unit = ours_of[sec]
                col = "median (s)" if unit == "s" else "median ms/step"
                steps = {"w1": 1, "w2": 1, "w3": 20, "w5": 10}[key]
                mine = "-"
                if key in by:
                    v = by[key][2] if unit == "s" else by[key][2] * 1000 / steps
                    mine = f"{v:.4g} {unit}"
                out.append(f"| {sec} | {r['framework']} | {r[col]} {unit} | {mine} |")
        out += ["", f"torchlight ahead of candle and burn on every workload above: "
                f"{'yes' if ahead(peers, by, gflops) else 'NO'}"]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
