#!/usr/bin/python3
"""Reference values from PyTorch for Axon's LSTM and GRU kernels (tests/Runtime.Tests/Kernels/RecurrentReferenceTests.cs).

Why: Axon's Lstm and Gru kernels promise PyTorch's math, gate order and tensor layouts (nn.LSTM gates
i, f, g, o; nn.GRU gates r, z, n with the reset gate applied to W_hn h + b_hn), batch_first=True and a
zero initial state, so that a safetensors file moves both ways. CI has no Python, so the values are
committed as tests/Runtime.Tests/Kernels/Reference/recurrent.json.

Every case holds nn.LSTM / nn.GRU's own (PyTorch-initialised) parameters as they are stored
(weight_ih_l0 [G*H, F], weight_hh_l0 [G*H, H], bias_ih_l0, bias_hh_l0), an input x [N, T, F], the
float32 output (every step, or the last step only), and for L = sum(r * y) with a random r (also
stored) the autograd gradients with respect to x and every parameter. Then three torch.optim.Adam
steps (lr 0.01, default betas and eps) on L with a fresh r per step, and the parameters after them.

Usage (python3-torch from Debian): /usr/bin/python3 tools/pytorch/make_recurrent_reference.py [--out FILE]
"""

import argparse
import json
import os

import torch

DEFAULT_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "..", "..", "tests", "Runtime.Tests", "Kernels", "Reference", "recurrent.json")
NAMES = ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]


def floats(t):
    # float32 -> Python float is exact and json writes doubles with round-trip precision.
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def case(kind, batch, steps, features, units, return_sequences, seed):
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed + 1)
    layer = (torch.nn.LSTM if kind == "lstm" else torch.nn.GRU)(features, units, batch_first=True)
    x = torch.randn(batch, steps, features, generator=gen, requires_grad=True)
    params = {name: getattr(layer, name) for name in NAMES}
    out = {"kind": kind, "batch": batch, "steps": steps, "features": features, "units": units,
           "return_sequences": return_sequences, "x": floats(x)}
    for name, p in params.items():
        out[name] = floats(p)

    def run():
        y, _ = layer(x)
        return y if return_sequences else y[:, -1, :]

    y = run()
    r = torch.randn(y.shape, generator=gen)
    (r * y).sum().backward()
    out["y"] = floats(y)
    out["r"] = floats(r)
    out["dx"] = floats(x.grad)
    for name, p in params.items():
        out["d" + name] = floats(p.grad)

    opt = torch.optim.Adam(layer.parameters(), lr=0.01)
    rs = []
    for _ in range(3):
        opt.zero_grad()
        y = run()
        r = torch.randn(y.shape, generator=gen)
        rs.extend(floats(r))
        (r * y).sum().backward()
        opt.step()
    out["adam_r"] = rs
    for name, p in params.items():
        out["adam_" + name] = floats(p)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()
    torch.set_num_threads(1)
    cases = {}
    seed = 15
    for kind in ("lstm", "gru"):
        # units 10: one 8-lane vector and a scalar tail; batch 1 takes the no-copy path, 3 the time-major copies.
        for batch, steps, features, units, seq in ((3, 5, 4, 10, True), (3, 5, 4, 10, False), (1, 6, 3, 8, True), (2, 1, 5, 4, False)):
            seed += 1
            name = f"{kind}_n{batch}_t{steps}_f{features}_h{units}_{'seq' if seq else 'last'}"
            cases[name] = case(kind, batch, steps, features, units, seq, seed)
    with open(args.out, "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f)
    print(f"wrote {len(cases)} cases to {os.path.normpath(args.out)}")


if __name__ == "__main__":
    main()
