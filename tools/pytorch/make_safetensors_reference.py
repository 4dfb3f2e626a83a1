#!/usr/bin/python3
"""Reference safetensors files from PyTorch, for Axon's serialization tests.

Why: Axon promises that a safetensors file moves between Axon and PyTorch unchanged. The C#
tests cannot run Python (CI has none), so this script produces committed reference files and
checks files written by Axon:

  make mode (default): builds two torch.nn.Linear MLPs with fixed seeds, named like Axon's key
  maps (hidden.weight [out, in], hidden.bias, logits.weight, logits.bias):
    tiny  4-3-2    -> tiny.safetensors  + tiny.json  (all values, 16 inputs, torch's outputs)
    mlp   784-128-10 -> mlp.safetensors + mlp.json   (per-tensor SHA-256, 4 inputs, outputs)
  The files are written the way the reference implementation (huggingface/safetensors) writes
  them: tensors sorted by name, metadata {"format": "pt"}, header padded with spaces to a
  multiple of 8. The Python safetensors package is not needed: the format is simple enough to
  write with struct and json, which also keeps this script an independent second reading of
  the format.

  --check FILE --expect JSON: reads a file (written by Axon), validates the format strictly,
  verifies the axon.sha256 metadata, loads it into the torch model with load_state_dict
  (strict), and compares every value and torch's outputs with the reference JSON.

Usage (python3-torch and python3-numpy from Debian):
  /usr/bin/python3 tools/pytorch/make_safetensors_reference.py [--out DIR]
  /usr/bin/python3 tools/pytorch/make_safetensors_reference.py --check DIR/tiny.axon.safetensors --expect DIR/tiny.json
"""

import argparse
import hashlib
import json
import os
import struct
import sys

import numpy as np
import torch

DEFAULT_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "..", "..", "tests", "Runtime.Tests", "Serialization", "Reference")


class Mlp(torch.nn.Module):
    """Dense -> ReLU -> Dense, with the layer names Axon's generator uses."""

    def __init__(self, sizes):
        super().__init__()
        self.hidden = torch.nn.Linear(sizes[0], sizes[1])
        self.logits = torch.nn.Linear(sizes[1], sizes[2])

    def forward(self, x):
        return self.logits(torch.relu(self.hidden(x)))


MODELS = {
    # name: (sizes, weight seed, input seed, number of inputs, dump every value?)
    "tiny": ((4, 3, 2), 0, 100, 16, True),
    "mlp": ((784, 128, 10), 1, 101, 4, False),
}


def build(name):
    sizes, seed, _, _, _ = MODELS[name]
    torch.manual_seed(seed)
    return Mlp(sizes)


def inputs_for(name):
    sizes, _, input_seed, rows, _ = MODELS[name]
    generator = torch.Generator().manual_seed(input_seed)
    return torch.rand(rows, sizes[0], generator=generator)


def le_bytes(t):
    return t.detach().contiguous().numpy().astype("<f4").tobytes()


def write_safetensors(path, tensors, metadata):
    """The reference writer's layout: sorted by name (all F32), offsets contiguous, padded header."""
    names = sorted(tensors)
    header = {"__metadata__": metadata}
    offset = 0
    for n in names:
        size = tensors[n].numel() * 4
        header[n] = {"dtype": "F32", "shape": list(tensors[n].shape), "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for n in names:
            f.write(le_bytes(tensors[n]))


def floats(t):
    # float32 -> Python float (a double) is exact, and json writes doubles with round-trip
    # precision, so the C# side recovers every float32 bit for bit.
    return [float(v) for v in t.detach().reshape(-1).numpy()]


def make(out):
    os.makedirs(out, exist_ok=True)
    for name, (sizes, seed, input_seed, rows, dump_values) in MODELS.items():
        model = build(name)
        state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        x = inputs_for(name)
        with torch.no_grad():
            y = model(x)
        write_safetensors(os.path.join(out, f"{name}.safetensors"), state, {"format": "pt"})
        reference = {
            "sizes": list(sizes),
            "weight_seed": seed,
            "input_seed": input_seed,
            "torch": torch.__version__,
            "tensors": {
                k: {
                    "shape": list(v.shape),
                    "sha256": hashlib.sha256(le_bytes(v)).hexdigest(),
                    **({"values": floats(v)} if dump_values else {}),
                }
                for k, v in state.items()
            },
            "inputs": [floats(r) for r in x],
            "outputs": [floats(r) for r in y],
        }
        with open(os.path.join(out, f"{name}.json"), "w") as f:
            json.dump(reference, f, indent=1)
            f.write("\n")
        print(f"wrote {name}.safetensors ({os.path.getsize(os.path.join(out, name + '.safetensors'))} bytes) and {name}.json")


def read_safetensors(path):
    """A strict reader: returns (metadata, {name: tensor}) or raises ValueError."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise ValueError("shorter than 8 bytes")
    (n,) = struct.unpack("<Q", blob[:8])
    if n > len(blob) - 8:
        raise ValueError(f"header length {n} exceeds the file")
    if n % 8 != 0:
        raise ValueError(f"header length {n} is not a multiple of 8 (the reference pads it)")
    raw = blob[8:8 + n]
    if not raw.startswith(b"{"):
        raise ValueError("header does not start with '{'")
    header = json.loads(raw.decode("utf-8"))
    metadata = header.pop("__metadata__", {}) or {}
    data = blob[8 + n:]
    entries = sorted(header.items(), key=lambda kv: kv[1]["data_offsets"])
    position = 0
    tensors = {}
    for name, info in entries:
        if info["dtype"] != "F32":
            raise ValueError(f"{name}: dtype {info['dtype']}")
        begin, end = info["data_offsets"]
        if begin != position:
            raise ValueError(f"{name}: begins at {begin}, expected {position}")
        count = int(np.prod(info["shape"], dtype=np.int64))
        if end - begin != count * 4:
            raise ValueError(f"{name}: {end - begin} bytes for shape {info['shape']}")
        array = np.frombuffer(data[begin:end], dtype="<f4").reshape(info["shape"])
        tensors[name] = torch.from_numpy(array.astype(np.float32))
        position = end
    if position != len(data):
        raise ValueError(f"tensors end at {position}, data section has {len(data)} bytes")
    if "axon.sha256" in metadata and hashlib.sha256(data).hexdigest() != metadata["axon.sha256"]:
        raise ValueError("axon.sha256 does not match the data section")
    return metadata, tensors, [name for name, _ in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"])]


def check(path, expect):
    with open(expect) as f:
        reference = json.load(f)
    metadata, tensors, order = read_safetensors(path)
    model = Mlp(reference["sizes"])
    model.load_state_dict(tensors, strict=True)
    for name, ref in reference["tensors"].items():
        actual = tensors[name]
        if list(actual.shape) != ref["shape"]:
            raise ValueError(f"{name}: shape {list(actual.shape)}, expected {ref['shape']}")
        if hashlib.sha256(le_bytes(actual)).hexdigest() != ref["sha256"]:
            raise ValueError(f"{name}: values differ from the reference")
    with torch.no_grad():
        y = model(torch.tensor(reference["inputs"], dtype=torch.float32))
    expected = torch.tensor(reference["outputs"], dtype=torch.float32)
    if not torch.equal(y, expected):
        raise ValueError(f"outputs differ by up to {(y - expected).abs().max().item()}")
    print(f"OK {path}: metadata {metadata}, tensors in file order {order}, outputs equal torch's")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=DEFAULT_OUT, help="directory for the reference files")
    parser.add_argument("--check", metavar="FILE", help="validate a safetensors file written by Axon")
    parser.add_argument("--expect", metavar="JSON", help="reference JSON to compare --check against")
    args = parser.parse_args()
    if args.check:
        if not args.expect:
            parser.error("--check needs --expect")
        try:
            check(args.check, args.expect)
        except (ValueError, KeyError, RuntimeError) as e:
            print(f"FAIL {args.check}: {e}", file=sys.stderr)
            sys.exit(1)
    else:
        make(os.path.normpath(args.out))


if __name__ == "__main__":
    main()
