#!/usr/bin/python3
"""Times PyTorch's CPU pooling on simdpool's benchmark suite, the way `simdpool bench` times
simdpool, and writes one JSON object per line (the same fields as `simdpool bench -json`) for
`go run ./compare` to join. Used by `make compare`.

Run with Debian's PyTorch 1.13 under /usr/bin/python3 (apt-get install -y python3-torch).

For every case: PyTorch on an NCHW (contiguous) input and on a channels_last input (4D:
torch.channels_last, 5D: torch.channels_last_3d, 3D: an (N, L, C)-contiguous buffer viewed as
(N, C, L)), 1 thread, under torch.inference_mode(), each call as a user makes it (Python
dispatch and output allocation included), next to a memory copy of the same bytes (glibc's
memcpy of (in+out)/2 bytes through ctypes, its measured per-call ctypes cost subtracted).
Timing: one sample = K back-to-back calls, K calibrated so that a sample lasts at least
--target-ms, after a warm-up; every round times each variant once, the order rotated each
round; ns/op = median over rounds; fraction of memcpy = median over rounds of
t_memcpy / t_variant, paired within the round. Inputs: uniform [-2, 2) floats
(torch.rand with the case's seed: the same distribution as simdpool's input, not the same
values, which do not matter for timing).

With --pass backward it times PyTorch's autograd backward instead (torch.autograd.grad of the
output for a random gradient, the graph retained, NCHW only), next to a memory copy of the bytes
simdpool counts for a backward: the gradient of the output, the indices (max pooling) or the
input (LP pooling) read, the gradient of the input written.

usage: torch_bench.py [--pass forward|backward] [--cases S1,S4] [--rounds 25] [--target-ms 2] [--suite FILE]
"""
import contextlib
import argparse
import ctypes
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE = os.path.join(HERE, "..", "internal", "suite", "suite.json")

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    sys.stderr.write(
        "torch_bench.py: PyTorch is not installed for %s.\n"
        "Install Debian's PyTorch 1.13 with:  apt-get install -y python3-torch\n"
        "(then run it with /usr/bin/python3; a pyenv or venv python does not see it)\n" % sys.executable)
    sys.exit(3)


def median(v):
    s = sorted(v)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


class Variant:
    def __init__(self, impl, fn, in_layout="", out_layout="", floor=0.0):
        self.impl, self.fn, self.floor = impl, fn, floor
        self.in_layout, self.out_layout = in_layout, out_layout
        self.k = 1
        self.samples = []

    def sample(self):
        fn, k = self.fn, self.k
        if k > 1:
            fn()  # untimed: the buffers back into cache after the other variants
        t0 = time.perf_counter_ns()
        for _ in range(k):
            fn()
        return max((time.perf_counter_ns() - t0) / k - self.floor, 1.0)

    def calibrate(self, target_ns):
        self.k = 1
        for _ in range(3):
            self.fn()
        t = min(self.sample() for _ in range(3))
        self.k = max(1, int(-(-target_ns // max(t, 1.0))))
        for _ in range(4):
            tot = self.sample() * self.k
            if tot >= target_ns:
                break
            self.k = int(self.k * target_ns / max(tot, 1.0) * 1.1) + 1


def channels_last(x):
    if x.dim() == 4:
        return x.contiguous(memory_format=torch.channels_last)
    if x.dim() == 5:
        return x.contiguous(memory_format=torch.channels_last_3d)
    # (N, C, L) has no channels_last format: an (N, L, C) buffer seen as (N, C, L).
    return x.transpose(1, 2).contiguous().transpose(1, 2)


def layout(t):
    if t.is_contiguous():
        return "contiguous"
    if t.dim() == 4 and t.is_contiguous(memory_format=torch.channels_last):
        return "channels_last"
    if t.dim() == 5 and t.is_contiguous(memory_format=torch.channels_last_3d):
        return "channels_last_3d"
    return "strides=%s" % (t.stride(),)


def capability():
    for line in torch.__config__.show().splitlines():
        if "CPU capability usage" in line:
            return line.split(":", 1)[1].strip()
    return "?"


def backward_variants(fn, x, kw, op, gen):
    """The backward of fn at x, as a training step calls it: autograd's gradient with respect to
    x for a random output gradient (the graph kept for the next call); and the bytes simdpool
    counts for it."""
    x = x.clone().requires_grad_(True)
    y = fn(x, **kw)
    gy = torch.rand(y.shape, generator=gen) * 4 - 2
    nbytes = (x.numel() + y.numel()) * 4
    if op.startswith("max_pool"):
        nbytes += 8 * y.numel()  # the indices
    if op.startswith("lp_pool"):
        nbytes += 4 * x.numel()  # the forward's input
    return [Variant("torch_nchw", lambda: torch.autograd.grad(y, x, gy, retain_graph=True), layout(x), layout(y))], nbytes


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", default="", help="comma-separated suite cases (default: all)")
    ap.add_argument("--rounds", type=int, default=25)
    ap.add_argument("--target-ms", type=float, default=2.0, help="minimum duration of one sample")
    ap.add_argument("--suite", default=SUITE)
    ap.add_argument("--pass", dest="pass_", choices=["forward", "backward"], default="forward")
    args = ap.parse_args()
    if args.rounds < 1 or args.target_ms <= 0:
        ap.error("--rounds must be >= 1 and --target-ms > 0")
    with open(args.suite) as f:
        cases = json.load(f)["cases"]
    for i, c in enumerate(cases):
        c["seed"] = i + 1
    if args.cases:
        want = [n.strip().upper() for n in args.cases.split(",")]
        names = [c["name"] for c in cases]
        bad = [n for n in want if n not in names]
        if bad:
            ap.error("unknown case(s) %s (the suite has %s)" % (",".join(bad), ",".join(names)))
        cases = [next(c for c in cases if c["name"] == n) for n in want]
    target_ns = args.target_ms * 1e6

    torch.set_num_threads(1)
    libc = ctypes.CDLL("libc.so.6")
    memcpy = libc.memcpy
    memcpy.restype = ctypes.c_void_p
    memcpy.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]
    print("torch %s, CPU capability %s, %d thread; %d rounds, samples >= %g ms"
          % (torch.__version__, capability(), torch.get_num_threads(), args.rounds, args.target_ms),
          file=sys.stderr)

    backward = args.pass_ == "backward"
    with contextlib.nullcontext() if backward else torch.inference_mode():
        for c in cases:
            name, op, shape = c["name"], c["op"], c["input_shape"]
            fn = getattr(F, op, None)
            if fn is None:
                print("%-4s %s: not in torch %s, skipped" % (name, op, torch.__version__), file=sys.stderr)
                continue
            kw = dict(c["args"])
            g = torch.Generator().manual_seed(c["seed"])
            x = torch.rand(shape, generator=g) * 4 - 2
            if backward:
                vs, nbytes = backward_variants(fn, x, kw, op, g)
            else:
                xcl = channels_last(x)
                try:
                    y, ycl = fn(x, **kw), fn(xcl, **kw)
                except RuntimeError as e:
                    print("%-4s %s: torch rejects it: %s" % (name, op, str(e).splitlines()[0]), file=sys.stderr)
                    continue
                vs = [Variant("torch_nchw", (lambda: fn(x, **kw)), layout(x), layout(y)),
                      Variant("torch_channels_last", (lambda: fn(xcl, **kw)), layout(xcl), layout(ycl))]
                nbytes = (x.numel() + y.numel()) * 4
            half = nbytes // 2
            src = torch.rand(half // 4, generator=g)
            dst = torch.zeros(half // 4)
            ps, pd = src.data_ptr(), dst.data_ptr()
            one = Variant("floor", lambda: memcpy(pd, ps, 1))
            one.calibrate(target_ns)
            floor = median([one.sample() for _ in range(15)])  # the ctypes call itself
            vs.append(Variant("memcpy", (lambda: memcpy(pd, ps, half)), floor=floor))
            for v in vs:
                v.calibrate(target_ns)
            n = len(vs)
            for r in range(args.rounds):
                for j in range(n):
                    v = vs[(j + r) % n]
                    v.samples.append(v.sample())
            ref = vs[-1].samples
            for v in vs:
                ns = median(v.samples)
                row = {"case": name, "op": op, "shape": shape, "impl": v.impl, "pass": args.pass_, "threads": 1,
                       "ns_per_op": round(ns, 1), "gb_per_s": round(nbytes / ns, 3),
                       "memcpy_fraction": round(median([m / t for m, t in zip(ref, v.samples)]), 4),
                       "in_layout": v.in_layout, "out_layout": v.out_layout}
                if v.impl == "memcpy":
                    row["call_floor_ns"] = round(floor, 1)
                sys.stdout.write(json.dumps(row) + "\n")
                print("%-4s %-20s %12.0f ns/op %7.2f GB/s %5.2f of memcpy  K=%d %s"
                      % (name, v.impl, ns, nbytes / ns, row["memcpy_fraction"], v.k,
                         "in=%s out=%s" % (v.in_layout, v.out_layout) if v.in_layout else
                         "(ctypes call floor %.0f ns subtracted)" % floor), file=sys.stderr)
            sys.stdout.flush()


if __name__ == "__main__":
    main()
