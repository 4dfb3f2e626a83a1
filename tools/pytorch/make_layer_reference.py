#!/usr/bin/python3
"""Reference values from PyTorch for Axon's layer kernels (tests/Runtime.Tests/Kernels/LayerReferenceTests.cs).

Why: Axon's Conv2D, pooling and normalisation kernels follow Keras's padding rules and PyTorch's
storage layouts. The C# tests check them against double-precision loops written in C#; this
script adds an independent second opinion from torch itself. CI has no Python, so the values are
committed as tests/Runtime.Tests/Kernels/Reference/layers.json.

Every case holds its inputs, torch's float32 outputs and, for L = sum(r * y) with a random r
(also stored), torch's autograd gradients with respect to the input and the parameters:

  conv_*     F.conv2d on an input padded with F.pad the Keras way: out = ceil(in / s), total pad
             max((out - 1) s + k - in, 0) with the odd element at the bottom/right (asymmetric,
             which nn.Conv2d's padding argument cannot express); activations identity, relu, gelu
             (exact erf GELU, torch's default).
  maxpool_*  F.max_pool2d after F.pad with -inf (padding never wins).
  avgpool_*  the mean of in-bounds values only (Keras 'same'): a sum pool of the zero-padded input
             divided by a sum pool of ones.
  bn_*       nn.BatchNorm2d / nn.BatchNorm1d with eps 1e-3 and momentum 0.01 (PyTorch terms, that is
             Axon's/Keras's momentum 0.99): one training step (output, gradients, the updated running
             mean and running variance, which PyTorch updates with the unbiased variance), and eval
             mode with given running statistics (output and gradients).
  ln_*       nn.LayerNorm over all of a sample's values, eps 1e-3.

Usage (python3-torch from Debian): /usr/bin/python3 tools/pytorch/make_layer_reference.py [--out FILE]
"""

import argparse
import json
import math
import os

import torch
import torch.nn.functional as F

DEFAULT_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "..", "..", "tests", "Runtime.Tests", "Kernels", "Reference", "layers.json")


def floats(t):
    # float32 -> Python float (a double) is exact and json writes doubles with round-trip
    # precision, so the C# side recovers every float32 bit for bit.
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def keras_pads(size, k, s, same):
    """(out, pad_before, pad_after) by Keras's rules."""
    if not same:
        return (size - k) // s + 1, 0, 0
    out = math.ceil(size / s)
    total = max((out - 1) * s + k - size, 0)
    return out, total // 2, total - total // 2


def randn(gen, *shape):
    return torch.randn(*shape, generator=gen, dtype=torch.float32)


def backward(y, inputs, gen):
    """r, and the gradients of L = sum(r * y) with respect to each of inputs."""
    r = randn(gen, *y.shape)
    grads = torch.autograd.grad((y * r).sum(), inputs)
    return r, grads


def conv_case(gen, batch, c, h, w, f, k, s, same, bias, activation):
    x = randn(gen, batch, c, h, w).requires_grad_()
    weight = (randn(gen, f, c, k, k) * 0.3).requires_grad_()
    b = (randn(gen, f) * 0.1).requires_grad_() if bias else None
    oh, top, bottom = keras_pads(h, k, s, same)
    ow, left, right = keras_pads(w, k, s, same)
    z = F.conv2d(F.pad(x, (left, right, top, bottom)), weight, b, stride=s)
    assert z.shape == (batch, f, oh, ow)
    y = {"identity": z, "relu": F.relu(z), "gelu": F.gelu(z)}[activation]
    params = [x, weight] + ([b] if bias else [])
    r, grads = backward(y, params, gen)
    case = {
        "kind": "conv", "batch": batch, "channels": c, "height": h, "width": w, "filters": f,
        "kernel": k, "stride": s, "same": same, "activation": activation,
        "x": floats(x), "weight": floats(weight), "bias": floats(b) if bias else [],
        "y": floats(y), "r": floats(r), "dx": floats(grads[0]), "dweight": floats(grads[1]),
        "dbias": floats(grads[2]) if bias else [],
    }
    return case


def pool_case(gen, kind, batch, c, h, w, k, s, same):
    x = randn(gen, batch, c, h, w).requires_grad_()
    oh, top, bottom = keras_pads(h, k, s, same)
    ow, left, right = keras_pads(w, k, s, same)
    pads = (left, right, top, bottom)
    if kind == "maxpool":
        y = F.max_pool2d(F.pad(x, pads, value=-math.inf), k, s)
    else:
        sums = F.avg_pool2d(F.pad(x, pads), k, s) * (k * k)
        counts = F.avg_pool2d(F.pad(torch.ones_like(x), pads), k, s) * (k * k)
        y = sums / counts
    assert y.shape == (batch, c, oh, ow)
    r, (dx,) = backward(y, [x], gen)
    return {
        "kind": kind, "batch": batch, "channels": c, "height": h, "width": w, "window": k, "stride": s,
        "same": same, "x": floats(x), "y": floats(y), "r": floats(r), "dx": floats(dx),
    }


def bn_case(gen, batch, c, spatial_shape, training):
    shape = (batch, c) + spatial_shape
    module = (torch.nn.BatchNorm2d if spatial_shape else torch.nn.BatchNorm1d)(c, eps=1e-3, momentum=0.01)
    with torch.no_grad():
        module.weight.copy_(1 + 0.2 * randn(gen, c))
        module.bias.copy_(0.2 * randn(gen, c))
        module.running_mean.copy_(0.5 * randn(gen, c))
        module.running_var.copy_(1 + 0.5 * torch.rand(c, generator=gen))
    running_mean = module.running_mean.clone()
    running_var = module.running_var.clone()
    module.train(training)
    x = (randn(gen, *shape) * 1.5 + 0.7).requires_grad_()
    y = module(x)
    r, (dx, dgamma, dbeta) = backward(y, [x, module.weight, module.bias], gen)
    spatial = 1
    for d in spatial_shape:
        spatial *= d
    return {
        "kind": "bn_train" if training else "bn_eval", "batch": batch, "channels": c, "spatial": spatial,
        "epsilon": 1e-3, "torch_momentum": 0.01, "momentum": 0.99,
        "x": floats(x), "gamma": floats(module.weight), "beta": floats(module.bias),
        "running_mean": floats(running_mean), "running_var": floats(running_var),
        "y": floats(y), "r": floats(r), "dx": floats(dx), "dgamma": floats(dgamma), "dbeta": floats(dbeta),
        "running_mean_after": floats(module.running_mean), "running_var_after": floats(module.running_var),
    }


def ln_case(gen, batch, sample_shape):
    module = torch.nn.LayerNorm(sample_shape, eps=1e-3)
    with torch.no_grad():
        module.weight.copy_(1 + 0.2 * randn(gen, *sample_shape))
        module.bias.copy_(0.2 * randn(gen, *sample_shape))
    x = (randn(gen, batch, *sample_shape) * 2 - 0.5).requires_grad_()
    y = module(x)
    r, (dx, dgamma, dbeta) = backward(y, [x, module.weight, module.bias], gen)
    features = 1
    for d in sample_shape:
        features *= d
    return {
        "kind": "ln", "batch": batch, "features": features, "epsilon": 1e-3,
        "x": floats(x), "gamma": floats(module.weight), "beta": floats(module.bias),
        "y": floats(y), "r": floats(r), "dx": floats(dx), "dgamma": floats(dgamma), "dbeta": floats(dbeta),
    }


def make():
    gen = torch.Generator().manual_seed(20261123)
    cases = {
        # Odd total padding on the height (0 above, 1 below), even on the width.
        "conv_same_s2_identity": conv_case(gen, 2, 3, 6, 7, 4, 3, 2, True, True, "identity"),
        # k = 4, s = 1 same: 1 above/left, 2 below/right.
        "conv_same_k4_relu": conv_case(gen, 1, 2, 5, 6, 3, 4, 1, True, True, "relu"),
        "conv_valid_s1_gelu_nobias": conv_case(gen, 3, 1, 6, 5, 2, 3, 1, False, False, "gelu"),
        # Small output (grouped samples) and a wide stride-2 row (vector im2col paths).
        "conv_same_s1_grouped": conv_case(gen, 5, 3, 4, 4, 8, 3, 1, True, True, "identity"),
        "conv_same_s2_wide": conv_case(gen, 2, 2, 5, 21, 3, 3, 2, True, True, "relu"),
        "maxpool_2x2_same_odd": pool_case(gen, "maxpool", 2, 3, 5, 7, 2, 2, True),
        "maxpool_3x3_s2_same_wide": pool_case(gen, "maxpool", 1, 2, 7, 30, 3, 2, True),
        "maxpool_2x2_valid_wide": pool_case(gen, "maxpool", 2, 2, 6, 20, 2, 2, False),
        "avgpool_3x3_s2_same": pool_case(gen, "avgpool", 2, 2, 6, 5, 3, 2, True),
        "avgpool_2x2_same_wide": pool_case(gen, "avgpool", 1, 2, 5, 19, 2, 2, True),
        "bn2d_train": bn_case(gen, 4, 3, (3, 5), True),
        "bn2d_eval": bn_case(gen, 4, 3, (3, 5), False),
        "bn1d_train": bn_case(gen, 6, 11, (), True),
        "bn1d_eval": bn_case(gen, 6, 11, (), False),
        "ln_chw": ln_case(gen, 3, (2, 3, 4)),
        "ln_features": ln_case(gen, 4, (19,)),
    }
    return {"torch": torch.__version__, "generator_seed": 20261123, "cases": cases}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args()
    torch.use_deterministic_algorithms(True)
    reference = make()
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    # One case per line: small, and a regenerated file diffs case by case.
    cases = reference.pop("cases")
    lines = [f" {json.dumps(name)}: {json.dumps(case, separators=(',', ':'))}" for name, case in cases.items()]
    head = json.dumps(reference, separators=(", ", ": "))[:-1]
    with open(args.out, "w") as f:
        f.write(head + ', "cases": {\n' + ",\n".join(lines) + "\n}}\n")
    print(f"wrote {len(cases)} cases to {os.path.normpath(args.out)}")


if __name__ == "__main__":
    main()
