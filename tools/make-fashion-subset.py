#!/usr/bin/env python3
"""Make the balanced Fashion-MNIST subset committed in data/fashion-mnist/.

Reads the full IDX files from the Debian package dataset-fashion-mnist and keeps, per class,
the first N images in file order (1,000 per class from the training file, 200 per class from
the test file). Kept samples stay in their original relative order, so the subset is the
original files with some samples removed, nothing reordered.

Standard library only. The gzip output is deterministic (mtime 0, no file name in the header),
so re-running the script reproduces the committed bytes and their SHA-256.

Usage: python3 tools/make-fashion-subset.py [SOURCE_DIR] [OUTPUT_DIR]
  SOURCE_DIR defaults to /usr/share/datasets/fashion-mnist
  OUTPUT_DIR defaults to data/fashion-mnist next to this script's parent folder
"""
import gzip
import hashlib
import os
import struct
import sys

CLASSES = 10
PER_CLASS = {"train": 1000, "t10k": 200}


def read_idx(path, expected_magic):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    if magic != expected_magic:
        sys.exit(f"{path}: magic is 0x{magic:08X}, expected 0x{expected_magic:08X}")
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    body = data[4 + 4 * ndim:]
    size = 1
    for d in dims:
        size *= d
    if len(body) != size:
        sys.exit(f"{path}: {len(body)} data bytes, expected {size} for dims {dims}")
    return dims, body


def write_idx(path, magic, dims, body):
    header = struct.pack(">I", magic) + struct.pack(">" + "I" * len(dims), *dims)
    raw = header + body
    # GzipFile with fileobj and filename="" writes no name; mtime=0 makes the bytes reproducible.
    with open(path, "wb") as out:
        with gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=9, mtime=0) as gz:
            gz.write(raw)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    source = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    output = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "data", "fashion-mnist")
    os.makedirs(output, exist_ok=True)

    for split, per_class in PER_CLASS.items():
        image_name = f"{split}-images-idx3-ubyte.gz"
        label_name = f"{split}-labels-idx1-ubyte.gz"
        (n_img, rows, cols), images = read_idx(os.path.join(source, image_name), 0x00000803)
        (n_lab,), labels = read_idx(os.path.join(source, label_name), 0x00000801)
        if n_img != n_lab:
            sys.exit(f"{split}: {n_img} images but {n_lab} labels")

        counts = [0] * CLASSES
        keep = []
        for i, label in enumerate(labels):
            if label >= CLASSES:
                sys.exit(f"{split}: label {label} at index {i} is not in [0, {CLASSES - 1}]")
            if counts[label] < per_class:
                counts[label] += 1
                keep.append(i)
        if any(c != per_class for c in counts):
            sys.exit(f"{split}: only {counts} samples per class, expected {per_class} each")

        pixels = rows * cols
        sub_images = b"".join(images[i * pixels:(i + 1) * pixels] for i in keep)
        sub_labels = bytes(labels[i] for i in keep)
        write_idx(os.path.join(output, image_name), 0x00000803, (len(keep), rows, cols), sub_images)
        write_idx(os.path.join(output, label_name), 0x00000801, (len(keep),), sub_labels)
        print(f"{split}: kept {len(keep)} of {n_img} (first {per_class} per class; "
              f"last kept source index {keep[-1]})")

    for name in sorted(os.listdir(output)):
        if name.endswith(".gz"):
            with open(os.path.join(output, name), "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            print(f"{digest}  {name}")


if __name__ == "__main__":
    main()
