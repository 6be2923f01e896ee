#!/usr/bin/env python3
"""Writes the first test records of the shipped subset as greyscale PNG files into samples/ (for trying `frost predict`).

Usage: python3 make_samples.py [COUNT]
File names: <index>-<class>.png; the PNG is 8-bit greyscale, 28x28, as stored (0 = background).
"""
import gzip, os, struct, sys, zlib

NAMES = ["t-shirt-top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot"]
count = int(sys.argv[1]) if len(sys.argv) > 1 else 3
here = os.path.dirname(os.path.abspath(__file__))
with gzip.open(os.path.join(here, "test-images.idx.gz"), "rb") as f:
    _, n, h, w = struct.unpack(">IIII", f.read(16))
    images = f.read(count * h * w)
with gzip.open(os.path.join(here, "test-labels.idx.gz"), "rb") as f:
    f.read(8)
    labels = f.read(count)


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


os.makedirs(os.path.join(here, "samples"), exist_ok=True)
for i in range(count):
    rows = b"".join(b"\x00" + images[(i * h + y) * w:(i * h + y + 1) * w] for y in range(h))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) \
        + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
    name = os.path.join(here, "samples", f"{i}-{NAMES[labels[i]]}.png")
    with open(name, "wb") as out:
        out.write(png)
    print(name)
