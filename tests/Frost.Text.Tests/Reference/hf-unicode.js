// Prints, for every Unicode scalar value, how Hugging Face `tokenizers` (npm package `tokenizers`, the Rust
// library's own Node binding) treats it in BertNormalizer and BertPreTokenizer, one tab-separated line each:
//   code point (hex), clean (R removed, W becomes a space, K kept), pre-tokenizer (1 part of a word,
//   2 separator, 3 isolated punctuation), accent-stripped NFD (hex, space-separated; empty when removed),
//   lower-cased (hex), CJK padding (1 when padded with spaces).
// With a file argument holding a JSON array of [codePoint, combiningClass] pairs, it instead prints a JSON
// array [codePoint, 1 | 0]: whether the accent-stripping NFD reorders that character by its combining class.
// Run with NODE_PATH pointing at a node_modules folder where `npm install tokenizers@0.23.2` was run.
'use strict';
const t = require('tokenizers');
const fs = require('fs');
const opts = (o) => Object.assign({ cleanText: false, handleChineseChars: false, stripAccents: false, lowercase: false }, o);
const clean = t.bertNormalizer(opts({ cleanText: true }));
const strip = t.bertNormalizer(opts({ stripAccents: true }));
const lower = t.bertNormalizer(opts({ lowercase: true }));
const cjk = t.bertNormalizer(opts({ handleChineseChars: true }));
const pre = t.bertPreTokenizer();
const hex = (s) => Array.from(s).map((c) => c.codePointAt(0).toString(16).toUpperCase()).join(' ');

if (process.argv.length > 2) {
  // A kept combining character c of class k is reordered past a probe of a different known class:
  // U+1B44 (class 9) when k > 9, else U+302E (class 224) placed before it.
  const pairs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const out = pairs.map(([cp, k]) => {
    const c = String.fromCodePoint(cp);
    const [input, reordered] = k > 9 ? ['a' + c + '\u1B44', 'a\u1B44' + c] : ['a\u302E' + c, 'a' + c + '\u302E'];
    const got = strip.normalizeString(input);
    if (got !== input && got !== reordered) throw new Error('unexpected normalization of ' + hex(input) + ': ' + hex(got));
    return [cp, got === reordered ? 1 : 0];
  });
  process.stdout.write(JSON.stringify(out) + '\n');
} else {
  const lines = [];
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const c = String.fromCodePoint(cp);
    const a = clean.normalizeString(c);
    const cl = a === '' ? 'R' : a === ' ' ? 'W' : a === c ? 'K' : '?';
    const parts = pre.preTokenizeString('a' + c + 'a').length;
    const padded = cjk.normalizeString(c) === c ? 0 : 1;
    lines.push([cp.toString(16).toUpperCase(), cl, parts, hex(strip.normalizeString(c)), hex(lower.normalizeString(c)), padded].join('\t'));
  }
  process.stdout.write(lines.join('\n') + '\n');
}
