#!/usr/bin/python3
"""A trained PyTorch CNN with BatchNorm, for Axon's round-trip tests of a full model.

Why: transfer learning moves whole models between Axon and PyTorch, convolutions and BatchNorm
running statistics included. CI cannot run Python, so this script writes committed reference
files and checks a file written by Axon.

The model is the PyTorch twin of TorchTwinCnn in tests/Integration.Tests/Models.cs:

    Axon                                           PyTorch (the names are the safetensors keys)
    [Input(2, 8, 8)]                               x: [N, 2, 8, 8]
    Conv2D(4, 3, Relu, Padding = Same)   Conv      conv = Conv2d(2, 4, 3, padding=1), relu
    BatchNorm                            Norm      norm = BatchNorm2d(4, eps=1e-3, momentum=0.01)
    MaxPool2D(2)                         Pool      MaxPool2d(2)
    Conv2D(6, 2, Tanh, Padding = Same)   Conv2     F.pad(x, (0, 1, 0, 1)), conv2 = Conv2d(4, 6, 2), tanh
    BatchNorm                            Norm2     norm2 = BatchNorm2d(6, eps=1e-3, momentum=0.01)
    Flatten                              Flat      torch.flatten(x, 1): C, H, W order, as Axon
    Dense(3)                             Dense     dense = Linear(96, 3)
    Loss.SoftmaxCrossEntropy, Sgd(0.1)             cross_entropy (mean), SGD(lr=0.1)

Keras's same padding, which Axon follows, puts the extra row and column of an even kernel at the
bottom and right, hence the explicit F.pad. Keras's BatchNorm momentum 0.99 is PyTorch's 0.01;
both update the running variance with the unbiased batch variance. Layouts agree: Conv2d weights
are [F, C, k, k] and Linear weights [out, in] on both sides.

make mode (default) writes to tests/Integration.Tests/Reference/:
  transfer.initial.safetensors  the state before training (seed 7)
  transfer.safetensors          the state after STEPS SGD steps in training mode on fixed batches
  transfer.json                 the training batches, eval-mode inputs and outputs of the trained
                                model, and every tensor's shape and SHA-256
Both safetensors files are written the way the reference implementation writes them (sorted by
name, metadata {"format": "pt"}, header padded to 8 bytes), without num_batches_tracked, which
Axon does not keep (torch only needs it when momentum is None).

--check FILE: reads a file written by Axon (Reference/transfer.axon.safetensors, which the C#
test writes to the temp folder when it is missing or changed), validates the format and its
axon.sha256, loads it into the twin with load_state_dict (only num_batches_tracked may be
missing), and requires every tensor and the eval-mode outputs to equal transfer.json's exactly.

Usage (Debian's python3-torch and python3-numpy; the python3 on PATH may lack torch):
  /usr/bin/python3 tools/pytorch/make_transfer_reference.py
  /usr/bin/python3 tools/pytorch/make_transfer_reference.py --check /tmp/transfer.axon.received.safetensors
"""

import argparse
import hashlib
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_safetensors_reference import floats, le_bytes, read_safetensors, write_safetensors  # noqa: E402

DEFAULT_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "..", "..", "tests", "Integration.Tests", "Reference")
WEIGHT_SEED = 7
DATA_SEED = 8
STEPS = 5
BATCH = 8
LEARNING_RATE = 0.1
EVAL_ROWS = 6


class TwinCnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(2, 4, 3, padding=1)
        self.norm = torch.nn.BatchNorm2d(4, eps=1e-3, momentum=0.01)
        self.conv2 = torch.nn.Conv2d(4, 6, 2)
        self.norm2 = torch.nn.BatchNorm2d(6, eps=1e-3, momentum=0.01)
        self.dense = torch.nn.Linear(96, 3)

    def forward(self, x):
        x = self.norm(torch.relu(self.conv(x)))
        x = F.max_pool2d(x, 2)
        x = F.pad(x, (0, 1, 0, 1))
        x = self.norm2(torch.tanh(self.conv2(x)))
        return self.dense(torch.flatten(x, 1))


def state_of(model):
    """The state dict Axon keeps: everything but num_batches_tracked, detached copies."""
    return {k: v.detach().clone() for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}


def data():
    g = torch.Generator().manual_seed(DATA_SEED)
    # Inputs centred away from 0 so the BatchNorm statistics are far from their initial 0 and 1.
    train_x = [torch.rand(BATCH, 2, 8, 8, generator=g) * 2.0 + 0.5 for _ in range(STEPS)]
    train_y = [torch.randint(0, 3, (BATCH,), generator=g) for _ in range(STEPS)]
    eval_x = torch.rand(EVAL_ROWS, 2, 8, 8, generator=g) * 2.0 + 0.5
    return train_x, train_y, eval_x


def make(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(WEIGHT_SEED)
    model = TwinCnn()
    initial = state_of(model)
    train_x, train_y, eval_x = data()
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    model.train()
    losses = []
    for x, y in zip(train_x, train_y):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        outputs = model(eval_x)
    trained = state_of(model)

    write_safetensors(os.path.join(out, "transfer.initial.safetensors"), initial, {"format": "pt"})
    write_safetensors(os.path.join(out, "transfer.safetensors"), trained, {"format": "pt"})
    reference = {
        "torch": torch.__version__,
        "weight_seed": WEIGHT_SEED,
        "data_seed": DATA_SEED,
        "learning_rate": LEARNING_RATE,
        "train_inputs": [floats(x) for x in train_x],
        "train_labels": [[int(v) for v in y] for y in train_y],
        "train_losses": losses,
        "tensors": {
            k: {"shape": list(v.shape), "sha256": hashlib.sha256(le_bytes(v)).hexdigest()}
            for k, v in trained.items()
        },
        "inputs": [floats(r) for r in eval_x],
        "outputs": [floats(r) for r in outputs],
    }
    with open(os.path.join(out, "transfer.json"), "w") as f:
        # One line per entry, values unindented: the batches are 640 floats each.
        f.write("{\n" + ",\n".join(f" {json.dumps(k)}: {json.dumps(v)}" for k, v in reference.items()) + "\n}\n")
    print(f"wrote transfer.initial.safetensors, transfer.safetensors and transfer.json to {out}; "
          f"losses {', '.join(f'{v:.4f}' for v in losses)}")


def check(path, expect):
    with open(expect) as f:
        reference = json.load(f)
    metadata, tensors, order = read_safetensors(path)
    model = TwinCnn()
    result = model.load_state_dict(tensors, strict=False)
    if result.unexpected_keys:
        raise ValueError(f"unexpected tensors {result.unexpected_keys}")
    missing = [k for k in result.missing_keys if not k.endswith("num_batches_tracked")]
    if missing:
        raise ValueError(f"missing tensors {missing}")
    if sorted(tensors) != sorted(reference["tensors"]):
        raise ValueError(f"tensors {sorted(tensors)}, expected {sorted(reference['tensors'])}")
    for name, ref in reference["tensors"].items():
        actual = tensors[name]
        if list(actual.shape) != ref["shape"]:
            raise ValueError(f"{name}: shape {list(actual.shape)}, expected {ref['shape']}")
        if hashlib.sha256(le_bytes(actual)).hexdigest() != ref["sha256"]:
            raise ValueError(f"{name}: values differ from the reference")
    model.eval()
    with torch.no_grad():
        y = model(torch.tensor(reference["inputs"], dtype=torch.float32).reshape(-1, 2, 8, 8))
    expected = torch.tensor(reference["outputs"], dtype=torch.float32)
    if not torch.equal(y, expected):
        raise ValueError(f"eval outputs differ by up to {(y - expected).abs().max().item()}")
    print(f"OK {path}: metadata {metadata}, tensors in file order {order}; eval outputs equal torch's")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=DEFAULT_OUT, help="directory for the reference files")
    parser.add_argument("--check", metavar="FILE", help="validate a safetensors file written by Axon")
    parser.add_argument("--expect", metavar="JSON", help="reference JSON for --check (default: OUT/transfer.json)")
    args = parser.parse_args()
    out = os.path.normpath(args.out)
    if args.check:
        try:
            check(args.check, args.expect or os.path.join(out, "transfer.json"))
        except (ValueError, KeyError, RuntimeError) as e:
            print(f"FAIL {args.check}: {e}", file=sys.stderr)
            sys.exit(1)
    else:
        make(out)


if __name__ == "__main__":
    main()
