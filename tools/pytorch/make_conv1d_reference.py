#!/usr/bin/python3
"""PyTorch reference values for Axon's Conv1D, 1-D pools and a Conv1D model (CI reads the files; only this script needs torch).

Why: Axon's Conv1D stores its weight as nn.Conv1d does ([filters, in, k], `name.weight`, `name.bias`) but reads
sequences step-major, [N, T, F] (Keras's (timesteps, features), PyTorch's batch_first), where nn.Conv1d reads
[N, F, T]. The C# tests check the kernels against double loops written in C#; these files add torch's own numbers.

Kernel cases (tests/Runtime.Tests/Kernels/Reference/conv1d.json), each with float32 inputs x in Axon's [N, T, C] layout,
torch's output y in [N, T', F] (computed in float64), a random r and torch's autograd gradients of L = sum(r * y):
  conv1d_*     F.conv1d on x.transpose(1, 2), padded the Keras way with F.pad: valid (none), same (total
               max((out - 1) s + e - T, 0), e = (k - 1) d + 1, the smaller half before), causal ((k - 1) d before);
               strides 1-3, dilations 1-3, with and without bias, identity / relu / gelu (exact erf, torch's default).
  maxpool1d_*  F.max_pool1d after F.pad with -inf (padding never wins).
  avgpool1d_*  the mean of in-bounds steps only (Keras 'same'): a sum pool of the zero-padded input divided by a
               sum pool of ones.
  gap1d, gmp1d x.mean(dim=1), x.amax(dim=1) (amax splits the gradient between ties; the random inputs have none).

Model (tests/Integration.Tests/Reference/conv1d.*): the twin of TorchTwinConv1D in tests/Integration.Tests/Models.cs

    Axon                                                                   PyTorch (safetensors keys)
    [Input(12, 3)]                                                         x: [N, 12, 3] -> x.transpose(1, 2)
    Conv1D(4, 3, Relu, Padding = Causal, Dilation = 2)           Causal    F.pad(x, (4, 0)), causal = Conv1d(3, 4, 3, dilation=2)
    Conv1D(5, 3, Tanh, Stride = 2, Padding = Same)               Strided   F.pad(x, (0, 1)), strided = Conv1d(4, 5, 3, stride=2)
    MaxPool1D(2)                                                 Pool      F.max_pool1d(x, 2)                     [N, 5, 3]
    Dense(3, Gelu) per step                                      PerStep   transpose(1, 2), per_step = Linear(5, 3)  [N, 3, 3]
    Flatten                                                      Flat      torch.flatten(x, 1): step-major, as Axon
    Dense(2)                                                     Out       out = Linear(9, 2)
    Loss.MeanSquaredError, Adam(LearningRate = 0.01)                       F.mse_loss (mean), Adam(lr=0.01)

  conv1d.initial.safetensors   the state before training (seed 11), written as torch's save_file would
  conv1d.safetensors           the state after three Adam steps on fixed batches
  conv1d.json                  the batches and their losses, the gradients of the first batch's loss with respect to the
                               input and every tensor (before any step), eval inputs and the trained model's outputs

--check FILE: reads a file Axon wrote (Reference/conv1d.axon.safetensors: TorchTwinConv1D loaded from conv1d.safetensors
and saved; the C# test writes it to the temp folder when the committed copy is missing or differs), loads it into the
twin with load_state_dict(strict=True) and requires torch's outputs on the eval inputs to equal conv1d.json's exactly.

Usage (Debian's python3-torch and python3-numpy):
  /usr/bin/python3 tools/pytorch/make_conv1d_reference.py
  /usr/bin/python3 tools/pytorch/make_conv1d_reference.py --check /tmp/conv1d.axon.received.safetensors
"""

import argparse
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_safetensors_reference import floats, read_safetensors, write_safetensors  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
KERNEL_OUT = os.path.join(ROOT, "tests", "Runtime.Tests", "Kernels", "Reference", "conv1d.json")
MODEL_OUT = os.path.join(ROOT, "tests", "Integration.Tests", "Reference")
WEIGHT_SEED = 11
DATA_SEED = 12
STEPS = 3
BATCH = 6
LEARNING_RATE = 0.01
EVAL_ROWS = 4


def randn(gen, *shape):
    """float32 values (what Axon reads), held in float64 for the computation (see kernel_cases)."""
    return torch.randn(*shape, generator=gen, dtype=torch.float32).double()


def pads(steps, k, s, d, padding):
    """(out, before, after) by Keras's rules for a window of k taps d apart."""
    span = (k - 1) * d + 1
    if padding == "valid":
        return (steps - span) // s + 1, 0, 0
    if padding == "same":
        out = math.ceil(steps / s)
        total = max((out - 1) * s + span - steps, 0)
        return out, total // 2, total - total // 2
    return (steps - 1) // s + 1, span - 1, 0   # causal


def activate(z, activation):
    return {"identity": z, "relu": F.relu(z), "gelu": F.gelu(z)}[activation]


def backward(y, inputs, gen):
    r = randn(gen, *y.shape)
    return r, torch.autograd.grad((y * r).sum(), inputs)


def conv_case(gen, batch, steps, c, f, k, s, d, padding, bias, activation):
    x = randn(gen, batch, steps, c).requires_grad_()
    weight = (randn(gen, f, c, k) * 0.4).requires_grad_()
    b = (randn(gen, f) * 0.1).requires_grad_() if bias else None
    out, before, after = pads(steps, k, s, d, padding)
    z = F.conv1d(F.pad(x.transpose(1, 2), (before, after)), weight, b, stride=s, dilation=d)
    assert z.shape == (batch, f, out), (z.shape, out)
    y = activate(z, activation).transpose(1, 2)   # back to [N, T', F]
    params = [x, weight] + ([b] if bias else [])
    r, grads = backward(y, params, gen)
    return {
        "kind": "conv1d", "batch": batch, "steps": steps, "channels": c, "filters": f, "kernel": k, "stride": s,
        "dilation": d, "padding": padding, "activation": activation, "out_steps": out, "pad_left": before,
        "x": floats(x), "weight": floats(weight), "bias": floats(b) if bias else [], "y": floats(y), "r": floats(r),
        "dx": floats(grads[0]), "dweight": floats(grads[1]), "dbias": floats(grads[2]) if bias else [],
    }


def pool_case(gen, kind, batch, steps, c, pool, s, padding):
    x = randn(gen, batch, steps, c).requires_grad_()
    out, before, after = pads(steps, pool, s, 1, padding)
    xt = x.transpose(1, 2)
    if kind == "max":
        y = F.max_pool1d(F.pad(xt, (before, after), value=-math.inf), pool, s)
    else:
        ones = torch.ones_like(xt)
        y = F.avg_pool1d(F.pad(xt, (before, after)), pool, s) / F.avg_pool1d(F.pad(ones, (before, after)), pool, s)
    y = y.transpose(1, 2)
    assert y.shape == (batch, out, c)
    r, grads = backward(y, [x], gen)
    return {"kind": kind + "pool1d", "batch": batch, "steps": steps, "channels": c, "pool": pool, "stride": s,
            "padding": padding, "out_steps": out, "x": floats(x), "y": floats(y), "r": floats(r), "dx": floats(grads[0])}


def global_case(gen, kind, batch, steps, c):
    x = randn(gen, batch, steps, c).requires_grad_()
    y = x.mean(dim=1) if kind == "avg" else x.amax(dim=1)
    r, grads = backward(y, [x], gen)
    return {"kind": "global" + kind, "batch": batch, "steps": steps, "channels": c,
            "x": floats(x), "y": floats(y), "r": floats(r), "dx": floats(grads[0])}


def kernel_cases():
    # The inputs are float32 values; torch computes in float64 and the results are rounded to float32 when read.
    # Debian's torch 1.13 returns garbage input gradients for float32 F.conv1d (stride 2) followed by F.gelu;
    # float64 is both correct there and a sharper reference everywhere.
    gen = torch.Generator().manual_seed(5)
    cases = {}
    for name, args in [
        ("conv1d_valid_k3", (2, 9, 3, 4, 3, 1, 1, "valid", True, "identity")),
        ("conv1d_valid_dilated_relu", (3, 10, 2, 3, 3, 1, 2, "valid", True, "relu")),
        ("conv1d_valid_stride3_nobias", (2, 11, 3, 2, 3, 3, 1, "valid", False, "identity")),
        ("conv1d_same_k4_stride2_gelu", (2, 9, 3, 2, 4, 2, 1, "same", False, "gelu")),
        ("conv1d_same_dilated3", (1, 10, 2, 3, 3, 1, 3, "same", True, "identity")),
        ("conv1d_causal_dilated_relu", (2, 8, 3, 4, 3, 1, 2, "causal", True, "relu")),
        ("conv1d_causal_stride2_dilated_gelu", (3, 11, 2, 3, 2, 2, 2, "causal", True, "gelu")),
        ("conv1d_pointwise", (2, 6, 4, 5, 1, 1, 1, "valid", True, "identity")),
    ]:
        cases[name] = conv_case(gen, *args)
    for name, args in [
        ("maxpool1d_valid", ("max", 2, 8, 3, 2, 2, "valid")),
        ("maxpool1d_same", ("max", 2, 8, 3, 3, 2, "same")),
        ("avgpool1d_valid_overlapping", ("avg", 2, 7, 3, 3, 1, "valid")),
        ("avgpool1d_same", ("avg", 2, 7, 2, 2, 1, "same")),
    ]:
        cases[name] = pool_case(gen, *args)
    cases["gap1d"] = global_case(gen, "avg", 3, 5, 4)
    cases["gmp1d"] = global_case(gen, "max", 3, 5, 4)
    return cases


class TwinConv1D(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.causal = torch.nn.Conv1d(3, 4, 3, dilation=2)
        self.strided = torch.nn.Conv1d(4, 5, 3, stride=2)
        self.per_step = torch.nn.Linear(5, 3)
        self.out = torch.nn.Linear(9, 2)

    def forward(self, x):                                   # x: [N, 12, 3]
        h = torch.relu(self.causal(F.pad(x.transpose(1, 2), (4, 0))))      # [N, 4, 12]
        h = torch.tanh(self.strided(F.pad(h, (0, 1))))                     # same: T' 6, pad (0, 1)
        h = F.max_pool1d(h, 2).transpose(1, 2)                             # [N, 3, 5]
        h = F.gelu(self.per_step(h))                                       # [N, 3, 3]
        return self.out(torch.flatten(h, 1))


def state_of(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def model_reference(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(WEIGHT_SEED)
    model = TwinConv1D()
    initial = state_of(model)
    g = torch.Generator().manual_seed(DATA_SEED)
    train_x = [torch.randn(BATCH, 12, 3, generator=g) for _ in range(STEPS)]
    train_t = [torch.randn(BATCH, 2, generator=g) for _ in range(STEPS)]
    eval_x = torch.randn(EVAL_ROWS, 12, 3, generator=g)

    # Gradients of the first batch's loss before any step: input and every tensor.
    x0 = train_x[0].clone().requires_grad_()
    loss0 = F.mse_loss(model(x0), train_t[0])
    names = [k for k, _ in model.named_parameters()]
    grads = torch.autograd.grad(loss0, [x0] + [p for _, p in model.named_parameters()])
    with torch.no_grad():
        initial_outputs = model(eval_x)

    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    losses = []
    for x, t in zip(train_x, train_t):
        optimizer.zero_grad()
        loss = F.mse_loss(model(x), t)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    with torch.no_grad():
        outputs = model(eval_x)
    trained = state_of(model)

    write_safetensors(os.path.join(out, "conv1d.initial.safetensors"), initial, {"format": "pt"})
    write_safetensors(os.path.join(out, "conv1d.safetensors"), trained, {"format": "pt"})
    reference = {
        "torch": torch.__version__,
        "weight_seed": WEIGHT_SEED,
        "data_seed": DATA_SEED,
        "learning_rate": LEARNING_RATE,
        "train_inputs": [floats(x) for x in train_x],
        "train_targets": [floats(t) for t in train_t],
        "train_losses": losses,
        "first_loss": loss0.item(),
        "first_input_gradient": floats(grads[0]),
        "first_gradients": {n: floats(gr) for n, gr in zip(names, grads[1:])},
        "inputs": floats(eval_x),
        "initial_outputs": floats(initial_outputs),
        "outputs": floats(outputs),
        "tensors": {k: floats(v) for k, v in trained.items()},
    }
    with open(os.path.join(out, "conv1d.json"), "w") as f:
        f.write("{\n" + ",\n".join(f" {json.dumps(k)}: {json.dumps(v)}" for k, v in reference.items()) + "\n}\n")
    print(f"wrote conv1d.initial.safetensors, conv1d.safetensors and conv1d.json to {out}; "
          f"losses {', '.join(f'{v:.5f}' for v in losses)}")


def check(path, expect):
    with open(expect) as f:
        reference = json.load(f)
    metadata, tensors, order = read_safetensors(path)
    model = TwinConv1D()
    model.load_state_dict(tensors, strict=True)
    with torch.no_grad():
        y = model(torch.tensor(reference["inputs"], dtype=torch.float32).reshape(EVAL_ROWS, 12, 3))
    expected = torch.tensor(reference["outputs"], dtype=torch.float32).reshape(y.shape)
    if not torch.equal(y, expected):
        raise ValueError(f"outputs differ by up to {(y - expected).abs().max().item()}")
    print(f"OK {path}: metadata {metadata}, tensors in file order {order}; torch's outputs from Axon's file equal the reference")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kernels", default=KERNEL_OUT, help="the kernel cases' JSON file")
    parser.add_argument("--model", default=MODEL_OUT, help="directory for the model's files")
    parser.add_argument("--check", metavar="FILE", help="validate a safetensors file written by Axon")
    args = parser.parse_args()
    if args.check:
        try:
            check(args.check, os.path.join(os.path.normpath(args.model), "conv1d.json"))
        except (ValueError, KeyError, RuntimeError) as e:
            print(f"FAIL {args.check}: {e}", file=sys.stderr)
            sys.exit(1)
        return
    cases = kernel_cases()
    os.makedirs(os.path.dirname(os.path.normpath(args.kernels)), exist_ok=True)
    with open(args.kernels, "w") as f:
        f.write('{\n "torch": ' + json.dumps(torch.__version__) + ',\n "cases": {\n'
                + ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in cases.items()) + "\n }\n}\n")
    print(f"wrote {len(cases)} kernel cases to {os.path.normpath(args.kernels)}")
    model_reference(os.path.normpath(args.model))


if __name__ == "__main__":
    main()
