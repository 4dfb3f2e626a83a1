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

Whole model (tests/Integration.Tests/RecurrentTests.cs): TwinRecurrent, nn.LSTM(3, 6) returning every step, then
nn.GRU(6, 4) and nn.Linear(4, 2) on its last step (Axon's TorchTwinRecurrent: members Encoder, Decoder, Head), with
PyTorch's initialisation (seed 15), written to tests/Integration.Tests/Reference/recurrent.safetensors under the
state_dict's names (encoder.weight_ih_l0, ...), with inputs [N, 5, 3] and torch's outputs in recurrent_model.json.
--check FILE loads a safetensors file written by Axon into the torch model (strict) and requires the same outputs.

Usage (python3-torch from Debian): /usr/bin/python3 tools/pytorch/make_recurrent_reference.py [--out FILE] [--model-out DIR]
                                   /usr/bin/python3 tools/pytorch/make_recurrent_reference.py --check FILE
"""

import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_safetensors_reference import read_safetensors, write_safetensors  # noqa: E402

DEFAULT_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "..", "..", "tests", "Runtime.Tests", "Kernels", "Reference", "recurrent.json")
DEFAULT_MODEL_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                 "..", "..", "tests", "Integration.Tests", "Reference")
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


class TwinRecurrent(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = torch.nn.LSTM(3, 6, batch_first=True)
        self.decoder = torch.nn.GRU(6, 4, batch_first=True)
        self.head = torch.nn.Linear(4, 2)

    def forward(self, x):
        y, _ = self.encoder(x)
        y, _ = self.decoder(y)
        return self.head(y[:, -1, :])


def twin_inputs():
    gen = torch.Generator().manual_seed(99)
    return torch.randn(4, 5, 3, generator=gen)


def make_model(out):
    torch.manual_seed(15)
    model = TwinRecurrent().eval()
    x = twin_inputs()
    with torch.no_grad():
        y = model(x)
    write_safetensors(os.path.join(out, "recurrent.safetensors"),
                      {k: v.detach().contiguous() for k, v in model.state_dict().items()}, {"format": "pt"})
    with open(os.path.join(out, "recurrent_model.json"), "w") as f:
        json.dump({"torch": torch.__version__, "inputs": floats(x), "outputs": floats(y),
                   "tensors": {k: list(v.shape) for k, v in model.state_dict().items()}}, f)
    print(f"wrote recurrent.safetensors and recurrent_model.json to {os.path.normpath(out)}")


def check(path, expect):
    with open(expect) as f:
        reference = json.load(f)
    _, tensors, order = read_safetensors(path)
    model = TwinRecurrent().eval()
    model.load_state_dict(tensors, strict=True)
    with torch.no_grad():
        y = model(torch.tensor(reference["inputs"]).reshape(-1, 5, 3))
    expected = torch.tensor(reference["outputs"]).reshape(y.shape)
    if not torch.equal(y, expected):
        raise ValueError(f"outputs differ by up to {(y - expected).abs().max().item()}")
    print(f"OK {path}: tensors in file order {order}; loaded strictly into nn.LSTM/nn.GRU/nn.Linear, outputs equal torch's")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--model-out", default=DEFAULT_MODEL_OUT)
    ap.add_argument("--check", metavar="FILE", help="load a safetensors file written by Axon into the torch twin")
    args = ap.parse_args()
    torch.set_num_threads(1)
    if args.check:
        try:
            check(args.check, os.path.join(args.model_out, "recurrent_model.json"))
        except (ValueError, KeyError, RuntimeError) as e:
            print(f"FAIL {args.check}: {e}", file=sys.stderr)
            sys.exit(1)
        return
    make_model(args.model_out)
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
