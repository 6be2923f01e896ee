#!/usr/bin/env python3
"""Writes src/Frost.Text/Tokenization/BertUnicode.txt: the character classes and accent-stripping decompositions
of Hugging Face `tokenizers` BertNormalizer and BertPreTokenizer, read off the library itself.

The Rust library classifies characters with tables of its own vintage (the `unicode_categories` crate for
control/format/private-use, punctuation and non-spacing marks; its own NFD tables; Rust's lower-casing), which
differ from the Unicode version of any given .NET runtime; recording its behaviour per code point makes Frost's port exact and
independent of the runtime. Steps:
  1. hf-unicode.js prints HF's behaviour for every code point (needs NODE_PATH with tokenizers@0.23.2).
  2. Combining classes (Python's unicodedata) of the combining characters HF keeps are probed with
     hf-unicode.js to keep those HF's NFD knows (only they can be reordered in HF's output).
Usage: NODE_PATH=/path/to/node_modules python3 make-bert-unicode.py
"""
import json
import os
import subprocess
import sys
import tempfile
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, '..', '..', '..', 'src', 'Frost.Text', 'Tokenization', 'BertUnicode.txt'))
SCRIPT = os.path.join(HERE, 'hf-unicode.js')


def node(*args):
    return subprocess.run(['node', SCRIPT, *args], check=True, capture_output=True, text=True).stdout


def ranges(points):
    out = []
    for c in sorted(points):
        if out and out[-1][1] == c - 1:
            out[-1][1] = c
        else:
            out.append([c, c])
    return out


def main():
    version = json.loads(subprocess.run(
        ['node', '-e', 'process.stdout.write(JSON.stringify(require("tokenizers/package.json").version))'],
        check=True, capture_output=True, text=True).stdout)
    rows = [line.split('\t') for line in node().splitlines()]
    assert len(rows) == 0x110000 - 0x800, len(rows)
    remove, space, split, punct, mark, cjk, nfd, lower = set(), set(), set(), set(), set(), set(), {}, {}
    for cp_hex, clean, parts, stripped, lowered, padded in rows:
        cp = int(cp_hex, 16)
        assert clean in 'RWK', (cp_hex, clean)
        if clean == 'R':
            remove.add(cp)
        elif clean == 'W':
            space.add(cp)
        if parts == '2':
            split.add(cp)
        elif parts == '3':
            punct.add(cp)
        if padded == '1':
            cjk.add(cp)
        if lowered != cp_hex:
            lower[cp] = [int(x, 16) for x in lowered.split(' ')]
        if stripped == '':
            mark.add(cp)
        elif stripped != cp_hex:
            seq = [int(x, 16) for x in stripped.split(' ')]
            if 0xAC00 <= cp <= 0xD7A3:
                # Hangul syllables decompose algorithmically (Unicode 3.12); Frost computes them.
                s = cp - 0xAC00
                expect = [0x1100 + s // 588, 0x1161 + (s % 588) // 28] + ([0x11A7 + s % 28] if s % 28 else [])
                assert seq == expect, cp_hex
            else:
                nfd[cp] = seq

    kept = [[c, unicodedata.combining(chr(c))] for c in range(0x110000)
            if unicodedata.combining(chr(c)) and c not in mark and not 0xD800 <= c <= 0xDFFF]
    with tempfile.NamedTemporaryFile('w', suffix='.json', delete=False) as f:
        json.dump(kept, f)
    try:
        known = {cp for cp, reordered in json.loads(node(f.name)) if reordered}
    finally:
        os.unlink(f.name)
    order = [(c, k) for c, k in kept if c in known]

    lines = [
        '# Character classes of Hugging Face tokenizers BertNormalizer and BertPreTokenizer, read off tokenizers',
        f'# {version} (npm) and Python {sys.version.split()[0]} unicodedata {unicodedata.unidata_version} by',
        '# tests/Frost.Text.Tests/Reference/make-bert-unicode.py. Generated: do not edit.',
        '# remove FIRST LAST   removed by text cleaning (controls, format, private use, U+FFFD)',
        '# space FIRST LAST    becomes a space in text cleaning',
        '# split FIRST LAST    separates words in pre-tokenization (and is dropped)',
        '# punct FIRST LAST    isolated as its own word in pre-tokenization',
        '# mark FIRST LAST     non-spacing mark, dropped after NFD when stripping accents',
        '# cjk FIRST LAST      CJK ideograph, padded with spaces',
        '# order CP CLASS      canonical combining class of a combining character that survives accent stripping',
        '# nfd CP SEQ...       NFD of CP with non-spacing marks dropped (Hangul syllables are computed, not listed)',
        '# lower CP SEQ...     lower case of CP (Rust char::to_lowercase), where it differs from CP',
    ]
    for kind, points in (('remove', remove), ('space', space), ('split', split), ('punct', punct), ('mark', mark), ('cjk', cjk)):
        lines += [f'{kind} {a:04X} {b:04X}' for a, b in ranges(points)]
    lines += [f'order {c:04X} {k}' for c, k in order]
    lines += [f'nfd {c:04X} ' + ' '.join(f'{x:04X}' for x in seq) for c, seq in sorted(nfd.items())]
    lines += [f'lower {c:04X} ' + ' '.join(f'{x:04X}' for x in seq) for c, seq in sorted(lower.items())]
    with open(OUT + '.tmp', 'w', newline='\n') as f:
        f.write('\n'.join(lines) + '\n')
    os.replace(OUT + '.tmp', OUT)
    print(f'{OUT}: {len(lines)} lines; {len(nfd)} decompositions, {len(order)} combining classes, {len(lower)} lower-case mappings',
          file=sys.stderr)


if __name__ == '__main__':
    main()
