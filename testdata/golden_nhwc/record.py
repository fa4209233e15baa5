#!/usr/bin/python3
"""Records PyTorch 1.13's pooling operators on channels_last inputs.

    /usr/bin/python3 testdata/golden_nhwc/record.py    # (make golden-nhwc) writes channels_last.json.gz here

Every case is in the format of ../shared/golden (see its README), with
"layout": "channels_last": the input is made channels_last
(torch.channels_last for 4d inputs, torch.channels_last_3d for 5d ones; for
1d pooling, an (N, C, L) tensor whose C is the fastest dimension, as
x.transpose(1, 2).contiguous().transpose(1, 2) makes it) and every tensor of
the case (input, output, indices, an unpooling's input indices) is written in
memory order with its channels last: input_shape (N, spatial..., C). Index
values are torch's, flat inside each (n, c) plane. When the channels_last
result differs in any bit from the result for the same input made contiguous
(PyTorch sums some channels_last windows in another order), the latter is
recorded too, as "output_contiguous", in the same layout.

One thread, fixed seed: the file is the same on every run with the same
PyTorch build.
"""

import gzip
import json
import math
import os

import numpy
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
SEED = 9


def channels_last(x):
    """x with its channels (dimension 1) fastest in memory."""
    if x.dim() == 4:
        return x.contiguous(memory_format=torch.channels_last)
    if x.dim() == 5:
        return x.contiguous(memory_format=torch.channels_last_3d)
    return x.transpose(1, -1).contiguous().transpose(1, -1)


def last_order(x):
    """The values of x (N, C, spatial...) in channels-last memory order, and that shape."""
    y = x.movedim(1, -1).contiguous()
    return y.flatten().tolist(), list(y.shape)


def floats(v):
    out = []
    for f in v:
        if math.isnan(f):
            out.append("NaN")
        elif math.isinf(f):
            out.append("Infinity" if f > 0 else "-Infinity")
        else:
            out.append(float(str(numpy.float32(f))))  # the shortest decimal that reads back as this float32
    return out


def values(shape, kind, g):
    """Inputs of a kind: normal (rounded to 3 decimals, as the shared golden's
    normal3), ties (small integers), nan (normals with 15% NaN), negzeros (+0,
    -0 and ties)."""
    x = (torch.randn(shape, generator=g) * 1000).round() / 1000
    if kind == "ties":
        x = torch.randint(-2, 3, shape, generator=g).float()
    elif kind == "nan":
        x[torch.rand(shape, generator=g) < 0.15] = float("nan")
    elif kind == "negzeros":
        x = torch.randint(-1, 2, shape, generator=g).float()
        x[(x == 0) & (torch.rand(shape, generator=g) < 0.5)] = -0.0
    return x


def bits(t):
    return t.contiguous().view(torch.int32)


def case(name, op, fn, x, args, extra=None, indices_in=None):
    """Runs fn on x made channels_last and contiguous; returns the case."""
    xl = channels_last(x)
    with torch.no_grad():
        got = fn(xl)
        ref = fn(x.contiguous())
    out, idx = (got if isinstance(got, tuple) else (got, None))
    rout = ref[0] if isinstance(ref, tuple) else ref
    inp, in_shape = last_order(x)
    o, out_shape = last_order(out)
    c = {"name": name, "op": op, "layout": "channels_last", "args": args, "input_shape": in_shape, "input": floats(inp),
         "output_shape": out_shape, "output": floats(o)}
    if not torch.equal(bits(out), bits(rout)):
        c["output_contiguous"] = floats(last_order(rout)[0])
    if idx is not None:
        c["indices"] = last_order(idx)[0]
    if extra:
        c["args"].update(extra)
    return c


def full(v, dims):
    return list(v) if isinstance(v, (list, tuple)) else [v] * dims


def main():
    g = torch.Generator().manual_seed(SEED)
    cases = []
    kinds = ["normal", "ties", "nan", "negzeros"]
    chans = [1, 3, 17, 64]
    shapes = {1: [23], 2: [9, 11], 3: [5, 6, 7]}
    small = {1: [13], 2: [7, 8], 3: [4, 5, 6]}  # for C = 64
    for dims in (1, 2, 3):
        for ci, C in enumerate(chans):
            sp = shapes[dims] if C < 64 else small[dims]
            kind = kinds[(ci + dims) % 4]
            N = 2 if C < 64 else 1
            x = values([N, C] + sp, kind, g)
            tag = f"{N}x{C}x" + "x".join(map(str, sp))
            mp = getattr(F, f"max_pool{dims}d")
            for (ks, st, pd, dl, ceil) in [(3, 2, 1, 1, False), (2, 1, 0, 2, True), (3, 1, 1, 1, False)]:
                a = {"kernel_size": full(ks, dims), "stride": full(st, dims), "padding": full(pd, dims), "dilation": full(dl, dims),
                     "ceil_mode": ceil, "return_indices": True}
                cases.append(case(f"max_pool{dims}d/nhwc/k{ks}s{st}p{pd}d{dl}c{int(ceil)}/{tag}/{kind}", f"max_pool{dims}d",
                                  lambda t: mp(t, ks, st, pd, dl, ceil_mode=ceil, return_indices=True), x, a))
            ap = getattr(F, f"avg_pool{dims}d")
            for (ks, st, pd, ceil, cip) in [(3, 2, 1, True, False), (2, 2, 0, False, True), (3, 1, 1, False, True)]:
                if dims == 3 and any(s < ks for s in sp):
                    continue
                a = {"kernel_size": full(ks, dims), "stride": full(st, dims), "padding": full(pd, dims), "ceil_mode": ceil,
                     "count_include_pad": cip}
                if dims > 1:
                    a["divisor_override"] = None
                cases.append(case(f"avg_pool{dims}d/nhwc/k{ks}s{st}p{pd}c{int(ceil)}i{int(cip)}/{tag}/{kind}", f"avg_pool{dims}d",
                                  lambda t: ap(t, ks, st, pd, ceil_mode=ceil, count_include_pad=cip), x, a))
            if dims < 3:
                lp = getattr(F, f"lp_pool{dims}d")
                for p in (2.0, 1.0, 3.0):
                    a = {"norm_type": p, "kernel_size": full(2, dims), "stride": full(2, dims), "ceil_mode": False}
                    cases.append(case(f"lp_pool{dims}d/nhwc/p{p:g}k2s2/{tag}/{kind}", f"lp_pool{dims}d",
                                      lambda t: lp(t, p, 2, 2), x, a))
            amp = getattr(F, f"adaptive_max_pool{dims}d")
            aap = getattr(F, f"adaptive_avg_pool{dims}d")
            for osz in ([1] * dims, [max(1, s // 2) for s in sp], [s - 2 for s in sp]):
                a = {"output_size": osz, "return_indices": True}
                cases.append(case(f"adaptive_max_pool{dims}d/nhwc/o{'x'.join(map(str, osz))}/{tag}/{kind}", f"adaptive_max_pool{dims}d",
                                  lambda t: amp(t, osz, return_indices=True), x, a))
                cases.append(case(f"adaptive_avg_pool{dims}d/nhwc/o{'x'.join(map(str, osz))}/{tag}/{kind}", f"adaptive_avg_pool{dims}d",
                                  lambda t: aap(t, osz), x, {"output_size": osz}))
            if dims > 1:
                fmp = getattr(F, f"fractional_max_pool{dims}d")
                osz = [s - 3 for s in sp]
                samples = torch.rand([N, C, dims], generator=g)
                a = {"kernel_size": full(2, dims), "output_size": osz, "output_ratio": None, "return_indices": True,
                     "_random_samples": floats(samples.flatten().tolist()), "_random_samples_shape": [N, C, dims]}
                cases.append(case(f"fractional_max_pool{dims}d/nhwc/k2o{'x'.join(map(str, osz))}/{tag}/{kind}", f"fractional_max_pool{dims}d",
                                  lambda t: fmp(t, 2, output_size=osz, return_indices=True, _random_samples=samples), x, a))
            # max unpooling of a max pooling's output and indices, both channels_last.
            with torch.no_grad():
                y, ix = mp(channels_last(x), 2, 2, return_indices=True)
            up = getattr(F, f"max_unpool{dims}d")
            yi, yshape = last_order(y)
            c = case(f"max_unpool{dims}d/nhwc/frompool_k2s2/{tag}/{kind}", f"max_unpool{dims}d",
                     lambda t: up(t, channels_last(ix) if t.stride(1) == 1 else ix.contiguous(), 2, 2, output_size=sp), y,
                     {"kernel_size": full(2, dims), "stride": full(2, dims), "padding": full(0, dims), "output_size": sp,
                      "indices": last_order(ix)[0], "indices_shape": yshape})
            cases.append(c)
    here = os.path.dirname(os.path.abspath(__file__))
    lines = ",\n".join(json.dumps(c) for c in cases)
    text = '{"torch_version": "%s", "seed": %d, "cases": [\n%s\n]}\n' % (torch.__version__, SEED, lines)
    with gzip.GzipFile(os.path.join(here, "channels_last.json.gz"), "wb", mtime=0) as f:
        f.write(text.encode())
    print(f"{len(cases)} cases, {sum('output_contiguous' in c for c in cases)} with output_contiguous")


if __name__ == "__main__":
    main()
