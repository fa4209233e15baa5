#!/usr/bin/python3
"""Record sequence-pooling conformance cases from PyTorch 1.13.

Run with Debian's python3-torch (1.13, AVX2 CPU dispatch, one thread):

    /usr/bin/python3 seqpool/testdata/record.py

It writes seqpool/testdata/torch_cases.json.gz: a list of inputs (token
states x and an attention mask) and a list of cases, each naming an input,
an operation, the padding side and whether the result is L2-normalised, with
the output PyTorch computes using the reference expressions below
(sentence-transformers' Pooling for mean, sqrt-length mean, weighted mean and
max; x[:, 0] for CLS; the last token as seqpool defines it).

Numbers are written in their shortest round-trip form for their dtype; NaN and
infinities as the strings "nan", "inf", "-inf".
"""

import gzip
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_cases.json.gz")
MASK_DTYPES = {"int64": torch.int64, "int32": torch.int32, "bool": torch.bool, "float32": torch.float32}
DTYPES = {"float32": (torch.float32, np.float32), "float64": (torch.float64, np.float64)}


def reference(op, x, mask, padding, normalize):
    """The PyTorch expression each seqpool operation reproduces; x is (B, T, H), mask (B, T)."""
    if op in ("masked_mean", "sqrt_mean"):
        input_mask_expanded = mask.unsqueeze(-1).expand(x.size()).float()
        sum_embeddings = torch.sum(x * input_mask_expanded, 1)
        sum_mask = torch.clamp(input_mask_expanded.sum(1), min=1e-9)
        out = sum_embeddings / sum_mask if op == "masked_mean" else sum_embeddings / torch.sqrt(sum_mask)
    elif op == "weighted_mean":
        weights = torch.arange(start=1, end=x.shape[1] + 1).unsqueeze(0).unsqueeze(-1).expand(x.size()).float()
        input_mask_expanded = mask.unsqueeze(-1).expand(x.size()).float()
        input_mask_expanded = input_mask_expanded * weights
        sum_embeddings = torch.sum(x * input_mask_expanded, 1)
        sum_mask = torch.clamp(input_mask_expanded.sum(1), min=1e-9)
        out = sum_embeddings / sum_mask
    elif op == "masked_max":
        x = x.clone()
        input_mask_expanded = mask.unsqueeze(-1).expand(x.size()).float()
        x[input_mask_expanded == 0] = -1e9
        out = torch.max(x, 1)[0]
    elif op == "cls":
        out = x[:, 0]
    elif op == "last_token":
        if padding == "left":
            out = x[:, -1]
        else:
            kept = mask != 0
            last = x.shape[1] - 1 - kept.flip(1).int().max(1)[1]  # max returns the first maximum
            gathered = x[torch.arange(x.shape[0]), last]
            out = torch.where(kept.any(1).unsqueeze(-1), gathered, torch.zeros_like(gathered))
    else:
        raise ValueError(op)
    if normalize:
        out = F.normalize(out, p=2, dim=1)
    return out


def capability():
    """The CPU capability line of torch.__config__.show(), e.g. "CPU capability usage: AVX2"."""
    for line in torch.__config__.show().splitlines():
        if "CPU capability" in line:
            return line.strip(" -")
    return "CPU capability unknown"


def number(v, np_dtype):
    if np.isnan(v):
        return '"nan"'
    if np.isinf(v):
        return '"inf"' if v > 0 else '"-inf"'
    return str(np_dtype(v)) if np_dtype == np.float32 else repr(float(v))


def array(values, kind):
    flat = np.asarray(values).reshape(-1)
    if kind == "bool":
        return "[" + ",".join("true" if v else "false" for v in flat) + "]"
    if kind in ("int64", "int32"):
        return "[" + ",".join(str(int(v)) for v in flat) + "]"
    np_dtype = np.float32 if kind == "float32" else np.float64
    return "[" + ",".join(number(v, np_dtype) for v in flat) + "]"


class Inputs:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def states(self, kind, shape, np_dtype):
        r = self.rng
        if kind == "normal":
            x = r.standard_normal(shape)
        elif kind == "adversarial":  # wide exponent range: every order of additions rounds differently
            x = r.standard_normal(shape) * 10.0 ** r.integers(-3, 9, shape)
        elif kind == "cancel":  # [1e8, 1, -1e8, ...] along T
            pattern = np.array([1e8, 1.0, -1e8, 3.0, 1e8, -1e8, 0.5])
            t = np.arange(shape[1])
            x = np.broadcast_to(pattern[t % len(pattern)][None, :, None], shape).copy()
            x *= 1 + r.integers(0, 4, shape)
        elif kind == "ties":  # maxima that are zeros of either sign, repeated values
            x = r.choice(np.array([0.0, -0.0, -1.0, -2.0]), shape)
        elif kind == "special":  # NaN, infinities, huge and tiny values
            x = r.standard_normal(shape) * 10.0 ** r.integers(-3, 9, shape)
            pick = r.random(shape)
            x[pick < 0.03] = np.nan
            x[(pick >= 0.03) & (pick < 0.05)] = np.inf
            x[(pick >= 0.05) & (pick < 0.07)] = -np.inf
            x[(pick >= 0.07) & (pick < 0.12)] = 3e38 * np.sign(r.standard_normal(shape))[(pick >= 0.07) & (pick < 0.12)]
            x[(pick >= 0.12) & (pick < 0.15)] = 1e-40
            x[(pick >= 0.15) & (pick < 0.18)] = -0.0
        elif kind == "large":  # sums overflow float32
            x = np.sign(r.standard_normal(shape)) * r.uniform(1e37, 3.4e38, shape)
        else:
            raise ValueError(kind)
        return x.astype(np_dtype)

    def mask(self, kind, b, t, mask_dtype):
        r = self.rng
        if kind == "right":  # real tokens first; one row may be all padding
            lengths = r.integers(1, t + 1, b)
            if b > 2:
                lengths[r.integers(0, b)] = 0
            m = (np.arange(t)[None, :] < lengths[:, None]).astype(np.int64)
        elif kind == "left":
            lengths = r.integers(1, t + 1, b)
            m = (np.arange(t)[None, :] >= (t - lengths)[:, None]).astype(np.int64)
        elif kind == "full":
            m = np.ones((b, t), np.int64)
        elif kind == "empty":
            m = np.zeros((b, t), np.int64)
        elif kind == "holes":
            m = (r.random((b, t)) < 0.6).astype(np.int64)
        elif kind == "values":  # non-binary masks: integers 0..3, or fractions for float32
            if mask_dtype == "float32":
                m = r.uniform(-0.5, 2.0, (b, t)) * (r.random((b, t)) < 0.8)
            elif mask_dtype == "bool":
                m = (r.random((b, t)) < 0.6).astype(np.int64)
            else:
                m = r.integers(0, 4, (b, t))
        else:
            raise ValueError(kind)
        if mask_dtype == "float32":
            return m.astype(np.float32)
        if mask_dtype == "bool":
            return m != 0
        return m.astype(np.int64 if mask_dtype == "int64" else np.int32)


# (shape, values, mask): shapes (B, T, H) or (T, H) unbatched. Big H with small
# T and B keep the file small; T = 300 and 4100 reach cascade levels 2 and 3.
SCENARIOS = [
    ((2, 5, 1), "adversarial", "right"),
    ((3, 9, 1), "adversarial", "holes"),
    ((4, 40, 1), "adversarial", "right"),
    ((2, 300, 1), "adversarial", "left"),
    ((1, 4100, 1), "adversarial", "full"),
    ((2, 7, 2), "adversarial", "values"),
    ((3, 17, 3), "adversarial", "right"),
    ((2, 33, 5), "adversarial", "holes"),
    ((3, 6, 7), "adversarial", "values"),
    ((2, 20, 7), "special", "right"),
    ((4, 64, 7), "adversarial", "left"),
    ((2, 5, 8), "adversarial", "values"),
    ((3, 16, 9), "adversarial", "right"),
    ((2, 31, 16), "adversarial", "holes"),
    ((2, 17, 31), "cancel", "right"),
    ((3, 9, 32), "adversarial", "values"),
    ((2, 33, 33), "adversarial", "left"),
    ((2, 257, 36), "adversarial", "right"),
    ((1, 300, 20), "adversarial", "holes"),
    ((1, 4100, 2), "adversarial", "values"),
    ((2, 15, 63), "special", "holes"),
    ((3, 8, 100), "adversarial", "right"),
    ((2, 6, 100), "ties", "holes"),
    ((2, 12, 384), "normal", "right"),
    ((2, 9, 384), "adversarial", "values"),
    ((3, 4, 384), "special", "right"),
    ((2, 7, 384), "large", "full"),
    ((2, 5, 768), "normal", "left"),
    ((2, 6, 768), "adversarial", "holes"),
    ((1, 12, 768), "cancel", "full"),
    ((2, 4, 1024), "normal", "right"),
    ((1, 9, 1024), "adversarial", "values"),
    ((2, 3, 1024), "special", "left"),
    ((2, 5, 1024), "ties", "empty"),
    ((6, 7), "adversarial", "right"),
    ((1, 5), "adversarial", "full"),
    ((9, 384), "normal", "holes"),
    ((33, 1), "adversarial", "values"),
    ((3, 5, 7), "adversarial", "empty"),
    ((2, 40, 12), "large", "right"),
]

OPS = ["masked_mean", "sqrt_mean", "weighted_mean", "masked_max", "cls", "last_token"]


def main():
    assert torch.__version__.startswith("1.13"), torch.__version__
    gen = Inputs(20260914)
    mask_kinds = list(MASK_DTYPES)
    inputs, cases = [], []
    for i, (shape, values, mask_kind) in enumerate(SCENARIOS):
        dtype = "float64" if i % 4 == 3 else "float32"
        mask_dtype = mask_kinds[i % len(mask_kinds)]
        if mask_kind == "values" and i % 3 == 0:
            mask_dtype = "float32"  # fractional weights
        torch_dtype, np_dtype = DTYPES[dtype]
        batched = len(shape) == 3
        b, t, h = shape if batched else (1,) + shape
        x = gen.states(values, (b, t, h), np_dtype)
        m = gen.mask(mask_kind, b, t, mask_dtype)
        name = f"in{i}"
        inputs.append(
            '{"name":"%s","dtype":"%s","mask_dtype":"%s","shape":%s,"values":"%s","mask_kind":"%s","x":%s,"mask":%s}'
            % (name, dtype, mask_dtype, json.dumps(list(shape)), values, mask_kind, array(x, dtype), array(m, mask_dtype))
        )
        tx = torch.from_numpy(x)
        tm = torch.from_numpy(m).to(MASK_DTYPES[mask_dtype])
        padding = "left" if mask_kind == "left" else "right"
        for op in OPS:
            for normalize in (False, True):
                if normalize and (i + OPS.index(op)) % 2 == 1:
                    continue  # normalise about half of the cases
                pads = [padding, "left" if padding == "right" else "right"] if op == "last_token" else [padding]
                for pad in pads:
                    out = reference(op, tx, tm, pad, normalize)
                    if not batched:
                        out = out[0]
                    cases.append(
                        '{"input":"%s","op":"%s","padding":"%s","normalize":%s,"out":%s}'
                        % (name, op, pad, "true" if normalize else "false", array(out.numpy(), dtype))
                    )
    doc = (
        '{"about":%s,"torch":"%s","inputs":[\n%s\n],"cases":[\n%s\n]}\n'
        % (
            json.dumps("Sequence pooling recorded from PyTorch by seqpool/testdata/record.py; one thread; " + capability()),
            torch.__version__,
            ",\n".join(inputs),
            ",\n".join(cases),
        )
    )
    with gzip.GzipFile(OUT, "wb", compresslevel=9, mtime=0) as f:
        f.write(doc.encode())
    print(f"{len(inputs)} inputs, {len(cases)} cases, {os.path.getsize(OUT)} bytes -> {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
