#!/usr/bin/env python3
"""Cuts the shipped Fashion-MNIST subset from the development split (first N records of each file).

Usage: python3 make_subset.py SOURCE_DIR [TRAIN_COUNT] [TEST_COUNT]
Writes gzip (level 9, mtime 0) IDX files next to this script.
"""
import gzip, hashlib, os, struct, sys

src = sys.argv[1]
counts = {"train": int(sys.argv[2]) if len(sys.argv) > 2 else 6000,
          "test": int(sys.argv[3]) if len(sys.argv) > 3 else 1000}
here = os.path.dirname(os.path.abspath(__file__))

for split, n in counts.items():
    for kind in ("images", "labels"):
        name = f"{split}-{kind}.idx.gz"
        with gzip.open(os.path.join(src, name), "rb") as f:
            magic = f.read(4)
            ndim = magic[3]
            dims = list(struct.unpack(">" + "I" * ndim, f.read(4 * ndim)))
            assert n <= dims[0], f"{name}: only {dims[0]} records"
            per = 1
            for d in dims[1:]:
                per *= d
            body = f.read(n * per)
        dims[0] = n
        data = magic + struct.pack(">" + "I" * ndim, *dims) + body
        out = os.path.join(here, name)
        with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0, filename="") as g:
            g.write(data)
        print(name, n, hashlib.sha256(open(out, "rb").read()).hexdigest())
